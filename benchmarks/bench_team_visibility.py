"""What per-user dataset visibility costs the prepared data (team mode).

``python benchmarks/bench_team_visibility.py [--events N]`` stores two synthetic ACLED
datasets of N/2 rows each, one restricted to a group, and prepares the data (curated layer
plus the datasets, duplicates merged, border distances measured) the way the pages do:

- **one shared copy** (the behaviour before team mode, and still the one-analyst default):
  every user gets the same prepared data, the restricted rows included;
- **one copy per visibility class** (team mode): a user outside the group gets a copy built
  without the restricted dataset, under its own key, in memory and on disk.

For each it prints the first build, a read back from the on-disk copy (what a restart or a
second server process does), and the rows each user sees. Each step runs in this process
with the in-memory copy cleared first; figures are wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

import bench_import  # noqa: E402  (the synthetic ACLED generator beside this file)

from borderwatch import paths  # noqa: E402
from borderwatch.app import prepared as prepared_module  # noqa: E402
from borderwatch.app.prepared import DataSettings, prepare_data  # noqa: E402
from borderwatch.importers import import_file  # noqa: E402
from borderwatch.store import DatasetStore  # noqa: E402
from borderwatch.team.access import hidden_dataset_keys  # noqa: E402
from borderwatch.team.identity import Role, User  # noqa: E402


def _store(events: int, root: Path) -> tuple[DatasetStore, str]:
    store = DatasetStore(root / "store")
    keys = []
    for part, seed in (("open", 1), ("licensed", 2)):
        source = root / f"{part}.csv"
        bench_import.generate(events // 2, source, seed=seed)
        result = import_file(source.read_bytes(), file_name=source.name, dataset=part)
        info = store.save(
            result.incidents,
            name=part,
            source_format=result.format,
            source_file=source.name,
            rejected=len(result.rejected),
        )
        keys.append(info.key)
        source.unlink()
    store.set_groups(keys[1], ["licensed"])
    return store, keys[1]


def _timed(settings: DataSettings, cache: Path) -> tuple[float, int]:
    prepared_module._recent.clear()  # as a fresh process: memory empty, disk maybe not
    started = time.perf_counter()
    prepared = prepare_data(settings, cache_dir=cache)
    return time.perf_counter() - started, len(prepared.incidents)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    events = parser.parse_args().events
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        store, licensed = _store(events, root)
        print(
            f"stored 2 datasets of {events // 2:,} synthetic events in "
            f"{time.perf_counter() - started:.1f} s"
        )
        viewer = User("v", "v", Role.VIEWER, frozenset({"staff"}))
        analyst = User("a", "a", Role.ANALYST, frozenset({"staff", "licensed"}))
        base = DataSettings(paths.GEODATA_DIR, store.directory, 3, 10.0)

        def for_user(user: User) -> DataSettings:
            hidden = hidden_dataset_keys(user, store.list())
            return DataSettings(paths.GEODATA_DIR, store.directory, 3, 10.0, hidden)

        assert for_user(viewer).hidden_datasets == {licensed}
        shared_cache, split_cache = root / "cache-shared", root / "cache-split"
        rows = [
            ("one shared copy", "any user", base, shared_cache),
            ("copy per visibility", "analyst (sees both)", for_user(analyst), split_cache),
            ("copy per visibility", "viewer (one hidden)", for_user(viewer), split_cache),
        ]
        print(f"{'behaviour':<22}{'user':<22}{'build s':>9}{'disk read s':>13}{'rows seen':>11}")
        for behaviour, who, settings, cache in rows:
            build_s, seen = _timed(settings, cache)
            read_s, again = _timed(settings, cache)
            assert seen == again
            print(f"{behaviour:<22}{who:<22}{build_s:>9.2f}{read_s:>13.2f}{seen:>11,}")
        start = time.perf_counter()
        for _ in range(100):
            hidden_dataset_keys(viewer, store.list())
        per_rerun_ms = (time.perf_counter() - start) * 10
        print(f"which datasets a user may not see (read on every rerun): {per_rerun_ms:.2f} ms")


if __name__ == "__main__":
    main()
