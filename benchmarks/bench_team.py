"""Benchmark the team server's database path against the embedded (one-machine) mode.

Same synthetic events in both, in the same run, each mode's "app process" in its own child
process (so its memory is its own):

- embedded: the events in the file store, prepared in memory as the pages use them today
  (:func:`~borderwatch.app.prepared.prepare_data`); a filter change is
  :func:`~borderwatch.filters.filter_incidents` plus the counters and, above
  ``max_individual_points`` placed incidents, :func:`~borderwatch.aggregate.grid_cells`
  (or the selected rows when fewer).
- team: the events in PostgreSQL + PostGIS (a private cluster started with
  ``scripts/pg.sh`` in /tmp); a filter change is :func:`borderwatch.team.db.query.map_data`
  (counters, then cells or rows, in SQL).

Printed: time to store the events (team: then VACUUM ANALYZE, what autovacuum does soon
after an import); filter change -> map data ready, median and range over
``--changes`` changes for one session; ``--sessions`` sessions (threads of one app process,
as Streamlit runs sessions) changing the filter at once: errors and median; the peak
resident memory of each app process. Times are on the Python side (the page's work before
it draws), not in a browser: the Incident map page does not yet call the SQL path (see
docs/team-server.md). Run: ``python benchmarks/bench_team.py [--events 1000000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).parent
REPO = BENCHMARKS.parent
BBOX = (-17.5, 15.0, 37.0, 38.0)


def selections() -> list:
    """Filter changes an analyst makes: years, countries, a border zone, event types."""
    from borderwatch.filters import IncidentFilter

    return [
        IncidentFilter(years=(2013, 2016)),
        IncidentFilter(years=(2012, 2019), countries=("LBY",)),
        IncidentFilter(years=(2014, 2014)),
        IncidentFilter(border_zone_km=50.0),
        IncidentFilter(countries=("TUN", "DZA"), years=(2015, 2017)),
        IncidentFilter(event_types=("bombing", "armed_assault"), years=(2011, 2020)),
        IncidentFilter(countries=("MAR",), border_zone_km=25.0, years=(2016, 2016)),
        IncidentFilter(),
    ]


def synthetic(rows: int, seed: int = 11):
    """``rows`` imported incidents: curated ones repeated with jittered places, dates and
    tolls (dates 2011-2021), shaped as an ACLED import."""
    import pandas as pd
    import shapely

    from borderwatch import loading

    curated = loading.load_incidents()
    rng = np.random.default_rng(seed)
    table = curated.iloc[rng.integers(0, len(curated), rows)].reset_index(drop=True)
    table["latitude"] = (table["latitude"] + rng.normal(0, 0.5, rows)).clip(-90, 90)
    table["longitude"] = table["longitude"] + rng.normal(0, 0.5, rows)
    shift = pd.to_timedelta(rng.integers(-700, 700, rows), unit="D")
    table["date_start"] = (table["date_start"] + shift).astype("datetime64[us]")
    table["date_end"] = (table["date_end"] + shift).astype("datetime64[us]")
    table["geometry"] = shapely.points(table["longitude"], table["latitude"])
    table["original_id"] = pd.Series(np.arange(rows).astype(str), dtype="str")
    table["dataset"] = "bench"
    table["source_dataset"] = "ACLED"
    table["incident_id"] = "bench:" + table["original_id"]
    table["origin_dataset_name"] = pd.Series("", index=table.index, dtype="str")
    return table


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(run, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        run(item)
        times.append(time.perf_counter() - started)
    return times


def _concurrent(run, items, sessions: int) -> dict:
    """``sessions`` threads released at once, each making one filter change."""
    barrier = threading.Barrier(sessions)
    times: list[float] = []
    errors: list[str] = []

    def session(number: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            run(items[number % len(items)])
            times.append(time.perf_counter() - started)
        except Exception as error:  # counted and shown, the benchmark goes on
            errors.append(f"{type(error).__name__}: {error}"[:200])

    threads = [threading.Thread(target=session, args=(n,)) for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "sessions": sessions,
        "errors": len(errors),
        "error_examples": errors[:2],
        "median_s": round(statistics.median(times), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
    }


def _summary(times: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "changes": len(times),
    }


def child_store(mode: str, rows: int, target: str) -> dict:
    """Store ``rows`` synthetic events in the file store at ``target`` or the database."""
    from borderwatch.app.backend import DatasetStoreBackend

    table = synthetic(rows)
    started = time.perf_counter()
    store: DatasetStoreBackend
    if mode == "embedded":
        from borderwatch.store import DatasetStore

        store = DatasetStore(Path(target))
    else:
        from borderwatch.team.db.store import PostgisDatasetStore

        store = PostgisDatasetStore(target)
    store.save(table, name="bench", source_format="ACLED", source_file="bench.csv", rejected=0)
    return {"store_s": round(time.perf_counter() - started, 1), "peak_rss_mb": _peak_rss_mb()}


def _embedded_change(prepared, config):
    from borderwatch import aggregate
    from borderwatch.fatalities import sum_fatalities
    from borderwatch.filters import filter_incidents

    cell = aggregate.cell_size_deg(BBOX)

    def change(selection) -> None:
        chosen = filter_incidents(prepared.incidents, selection)
        sum_fatalities(chosen)
        if int(chosen["latitude"].notna().sum()) > config.max_individual_points:
            aggregate.grid_cells(chosen, cell_deg=cell)

    return change


def child_app(mode: str, target: str, changes: int, sessions: int) -> dict:
    """One app process: ready its data, time filter changes alone and at once."""
    from borderwatch import aggregate, paths
    from borderwatch.config import settings

    config = settings()
    started = time.perf_counter()
    if mode == "embedded":
        from borderwatch.app.prepared import DataSettings, prepare_data

        prepared = prepare_data(
            DataSettings(paths.GEODATA_DIR, Path(target), config.dedupe_days, config.dedupe_km)
        )
        change = _embedded_change(prepared, config)
    else:
        from borderwatch.team.db import query

        def change(selection) -> None:
            query.map_data(
                target,
                selection,
                bbox=BBOX,
                max_points=config.max_individual_points,
                cell_deg=aggregate.cell_size_deg(BBOX),
            )

        query.summary(target, selections()[0])  # connect once, as a running server has
    ready = time.perf_counter() - started
    items = [selections()[n % len(selections())] for n in range(changes)]
    change(items[0])  # warm: first use of each code path
    one = _summary(_timed(change, items))
    many = _concurrent(change, selections(), sessions)
    return {
        "ready_s": round(ready, 1),
        "one_session": one,
        "concurrent": many,
        "peak_rss_mb": round(_peak_rss_mb()),
    }


def _child(*arguments: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *arguments],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _cluster(root: Path) -> tuple[dict, str]:
    """Start a private PostGIS cluster under ``root``; returns its environment and app URL."""
    from borderwatch.devserver import free_port
    from borderwatch.team.db import setup

    port = free_port()
    environment = {**os.environ, "PGROOT": str(root), "PGPORT": str(port)}
    for command in ("init", "start"):
        subprocess.run([REPO / "scripts" / "pg.sh", command], env=environment, check=True)
    base = f"postgresql+psycopg://{{}}@127.0.0.1:{port}/{{}}"
    setup.bootstrap(base.format("postgres", "postgres"))
    setup.migrate(base.format(setup.OWNER_ROLE, setup.DATABASE))
    setup.load_curated(base.format(setup.OWNER_ROLE, setup.DATABASE))
    return environment, base.format(setup.APP_ROLE, setup.DATABASE)


def _analyze(app_url: str) -> None:
    """What autovacuum does shortly after an import (statistics for the planner, the
    visibility map), done at once so the timings do not depend on when it wakes up."""
    import sqlalchemy as sa

    superuser = sa.make_url(app_url).set(username="postgres")
    engine = sa.create_engine(superuser, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE incidents, incident_facts, curated_incidents"))
    engine.dispose()


def main() -> None:
    """Run both modes side by side and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=16)
    parser.add_argument("--sessions", type=int, default=20)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bwb-", dir="/tmp"))
    work.chmod(0o755)  # the cluster runs as the postgres user when we are root
    environment = None
    try:
        store_dir = work / "store"
        environment, url = _cluster(work / "pg")
        results: dict[str, dict] = {}
        for mode, target in (("embedded", str(store_dir)), ("team", url)):
            stored = _child("store", mode, str(arguments.events), target)
            if mode == "team":
                _analyze(url)
            app = _child("app", mode, target, str(arguments.changes), str(arguments.sessions))
            results[mode] = {"stored": stored, "app": app}
        print(json.dumps({"events": arguments.events, **results}, indent=2))
    finally:
        if environment is not None:
            subprocess.run([REPO / "scripts" / "pg.sh", "stop"], env=environment)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, mode, *rest = sys.argv[2:]
        if kind == "store":
            result = child_store(mode, int(rest[0]), rest[1])
        else:
            result = child_app(mode, rest[0], int(rest[1]), int(rest[2]))
        print(json.dumps(result))
    else:
        main()
