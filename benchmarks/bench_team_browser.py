"""The Incident map in Chromium, team mode (PostGIS) beside the embedded mode, same events.

Build once (minutes: 1,000,000 events are measured and copied into PostGIS), reuse after::

    python benchmarks/bench_team_browser.py --build [--events 1000000]
    python benchmarks/bench_team_browser.py [--changes 8] [--sessions 20]

The built data lives under ``--root`` (default ``/tmp/bwtq-bench``): a private PostgreSQL
cluster (``scripts/pg.sh``, port ``--pg-port``) holding the events, and a file store with
the same events for the embedded mode. Each mode then runs the real app (the launcher, auth
off; team mode with ``BORDERWATCH_DATABASE_URL`` set), and Chromium (Playwright) times a
filter change until the map shows the new selection, as :mod:`benchmarks.bench_map_updates`
detects it (the start of the Years slider moved by one key press):

- one session, ``--changes`` changes, each to a selection not asked before (team mode
  shares a selection's answers between sessions of a process: a repeated one would be
  answered from memory);
- ``--sessions`` sessions making the same change at once (what the issue measured), then
  ``--sessions`` sessions each making a different one;
- the app process's resident memory at the end and its peak (``VmHWM``).

Prints one JSON document (and each mode's figures on stderr as they come).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCHMARKS = Path(__file__).parent
REPO = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))

from bench_map_updates import _open, _press, _wait  # noqa: E402
from bench_team import _analyze, synthetic  # noqa: E402


def _pg(root: Path, port: int, command: str) -> None:
    environment = {**os.environ, "PGROOT": str(root / "pg"), "PGPORT": str(port)}
    subprocess.run([REPO / "scripts" / "pg.sh", command], env=environment, check=True)


def _urls(port: int) -> tuple[str, str, str]:
    from borderwatch.team.db import setup

    base = f"postgresql+psycopg://{{}}@127.0.0.1:{port}/{{}}"
    return (
        base.format("postgres", "postgres"),
        base.format(setup.OWNER_ROLE, setup.DATABASE),
        base.format(setup.APP_ROLE, setup.DATABASE),
    )


def build(root: Path, port: int, events: int) -> None:
    """Store ``events`` synthetic events in a new cluster and in a file store under ``root``."""
    from borderwatch.store import DatasetStore
    from borderwatch.team.db import setup
    from borderwatch.team.db.store import PostgisDatasetStore

    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)  # the cluster runs as the postgres user when we are root
    _pg(root, port, "init")
    _pg(root, port, "start")
    superuser, owner, app = _urls(port)
    setup.bootstrap(superuser)
    setup.migrate(owner)
    setup.load_curated(owner)
    table = synthetic(events)
    started = time.perf_counter()
    DatasetStore(root / "store").save(
        table, name="bench", source_format="ACLED", source_file="bench.csv", rejected=0
    )
    print(f"file store: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    PostgisDatasetStore(app).save(
        table, name="bench", source_format="ACLED", source_file="bench.csv", rejected=0
    )
    _analyze(app)
    print(f"PostGIS: {time.perf_counter() - started:.1f} s", flush=True)
    (root / "built.json").write_text(json.dumps({"events": events, "port": port}))


def _rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of process ``pid`` (``VmRSS``, ``VmHWM``), in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def _available_gb() -> float:
    """Memory available on this machine (``MemAvailable``), in GB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


@contextmanager
def _app(env: dict[str, str]):
    """The real app (the launcher) on a free port with ``env``; yields its URL and process."""
    from borderwatch.devserver import free_port

    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "borderwatch.ui.launcher"),
            *("--server.address", "127.0.0.1", "--server.port", str(port)),
            *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        ],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a busy server: stop it for good
            process.kill()
            process.wait()


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _concurrent(browser, urls: list[str]) -> dict:
    """One session per URL, each then moving the start of the Years slider at once."""
    pages = [_open(browser, url)[0] for url in urls]
    pressed = []
    for other in pages:  # all at once: one key press each, back to back
        try:
            _press(other, "ArrowRight")
            pressed.append(other)
        except Exception as error:  # a page too busy to take the key: an error, counted
            print(f"key press failed: {type(error).__name__}", file=sys.stderr)
    results = [_wait(other, 180) for other in pressed]
    results += [None] * (len(pages) - len(pressed))
    for other in pages:
        other.close()
    done = [r for r in results if r is not None]
    return {
        "sessions": len(urls),
        "errors": len(results) - len(done),
        "median_s": _median(done),
        "max_s": round(max(done), 2) if done else None,
    }


def _distinct_starts(url: str, sessions: int, last_year: int) -> list[str]:
    """``sessions`` URLs whose selections all differ, before and after the key press (which
    moves the start from 2010 to 2011: both years hold incidents, so every map changes):
    the end year steps back, and half of them choose Libya."""
    return [
        f"{url}/?years=2010&years={last_year - 1 - n % 10}"
        + ("&country=Libya" if n >= sessions // 2 else "")
        for n in range(sessions)
    ]


def run_mode(browser, env: dict[str, str], changes: int, sessions: int) -> dict:
    """One mode: first map; ``changes`` filter changes in one session, each to a selection
    not asked before (the start year moves on by one each time); ``sessions`` sessions
    making the same change at once, then ``sessions`` sessions each making a different one;
    the app process's memory at the end."""
    with _app(env) as (url, process):
        started = time.perf_counter()
        page, _ = _open(browser, url)
        first_map = time.perf_counter() - started
        timings = []
        for _ in range(changes):
            _press(page, "ArrowRight")
            elapsed = _wait(page, 180)
            page.wait_for_timeout(800)  # let the rest of the page's messages arrive
            if elapsed is not None:
                timings.append(elapsed)
        page.close()
        print(json.dumps({"one_session_s": timings}), file=sys.stderr, flush=True)
        same = _concurrent(browser, [url] * sessions)
        print(json.dumps({"same_change": same}), file=sys.stderr, flush=True)
        distinct = _concurrent(browser, _distinct_starts(url, sessions, 2027))
        rss, peak = _rss_mb(process.pid)
    return {
        "first_map_s": round(first_map, 1),
        "one_session": {
            "changes": len(timings),
            "failed": changes - len(timings),
            "median_s": _median(timings),
            "min_s": round(min(timings), 3) if timings else None,
            "max_s": round(max(timings), 3) if timings else None,
        },
        "concurrent_same_change": same,
        "concurrent_different_changes": distinct,
        "app_rss_mb_at_end": round(rss),
        "app_peak_rss_mb": round(peak),
    }


def main() -> None:
    """Build the data, or run both modes side by side and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path("/tmp/bwtq-bench"))
    parser.add_argument("--pg-port", type=int, default=55471)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--build", action="store_true", help="store the events (once)")
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--modes", default="team,embedded", help="which modes, in order")
    parser.add_argument(
        "--embedded-min-free-gb",
        type=float,
        default=12.0,
        help="run the embedded mode only with this much memory available",
    )
    arguments = parser.parse_args()
    root = arguments.root
    if arguments.build:
        build(root, arguments.pg_port, arguments.events)
        return
    built = json.loads((root / "built.json").read_text())
    if (
        subprocess.run(
            [REPO / "scripts" / "pg.sh", "status"],
            env={**os.environ, "PGROOT": str(root / "pg"), "PGPORT": str(built["port"])},
            capture_output=True,
        ).returncode
        != 0
    ):
        _pg(root, built["port"], "start")
    from playwright.sync_api import sync_playwright

    from borderwatch.config import environment_variable as variable
    from borderwatch.devserver import CHROMIUM_ARGS, chromium_executable

    common = {variable("data_dir"): str(root / "store"), variable("auth"): "off"}
    envs = {
        "team": {
            **common,
            variable("database_url"): _urls(built["port"])[2],
            variable("cache_dir"): str(root / "cache-team"),
        },
        "embedded": {**common, variable("cache_dir"): str(root / "cache-embedded")},
    }
    report: dict[str, object] = {"events": built["events"]}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=list(CHROMIUM_ARGS)
        )
        for mode in arguments.modes.split(","):
            free_gb = _available_gb()
            if mode == "embedded" and free_gb < arguments.embedded_min_free_gb:
                # The embedded mode holds every event in memory (about 8 GB at 1,000,000
                # here): on a machine shared with other jobs it could exhaust it.
                report[mode] = f"skipped: {free_gb:.1f} GB available, below the minimum"
                continue
            report[mode] = run_mode(browser, envs[mode], arguments.changes, arguments.sessions)
            print(json.dumps({mode: report[mode]}), file=sys.stderr, flush=True)
        browser.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
