"""Start-up, side by side (issue #9 targets: the map visible <= 3 s after start on the
curated data, <= 5 s with 1,000,000 imported events). Prints figures as JSON; asserts
nothing.

Each start launches the server as ``make run`` does (``python -m borderwatch.ui.launcher``)
and points headless Chromium at it at once; the clock runs from the server process's spawn
until the incident map has drawn its first symbol. Two code versions run in the same
session, alternately, so machine noise hits both alike:

- ``before``: the code of ``--before`` (default: the commit before the prepared-data
  cache), extracted with ``git archive`` and run from its own folder;
- ``after``: this working tree; its first start builds the on-disk prepared data
  (``cold``), later starts reuse it (``warm``).

Run: ``python benchmarks/bench_startup.py [--events N] [--runs K] [--before REV]``.
``--events`` imports a synthetic ACLED file of N rows (see ``bench_import.py``) first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright
from revisions import extract_revision

from borderwatch import paths
from borderwatch.config import environment_variable
from borderwatch.devserver import CHROMIUM_ARGS, chromium_executable, free_port

BENCHMARKS = Path(__file__).parent
BEFORE = "4965bb4"
SYMBOLS = "path.bw-incident, path.bw-cell, .marker-cluster"
MAP_DRAWN = """() => [...document.querySelectorAll("iframe")].some(f => {
    try { return !!f.contentDocument.querySelector("SYMBOLS"); }
    catch (e) { return false; }
})""".replace("SYMBOLS", SYMBOLS)


def _make_store(events: int, into: Path) -> Path:
    """Import ``events`` synthetic ACLED rows into a new store (in a child process)."""
    store = into / "store"
    script = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[1]); import bench_import\n"
        "from borderwatch.importers import import_file\n"
        "from borderwatch.store import DatasetStore\n"
        "source = pathlib.Path(sys.argv[3]) / 'acled.csv'\n"
        "bench_import.generate(int(sys.argv[2]), source)\n"
        "r = import_file(source.read_bytes(), file_name=source.name, dataset='scale',"
        " max_bytes=2**31)\n"
        "DatasetStore(pathlib.Path(sys.argv[4])).save(r.incidents, name='scale',"
        " source_format=r.format, source_file=source.name, rejected=len(r.rejected))\n"
        "source.unlink()\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(BENCHMARKS), str(events), str(into), str(store)],
        check=True,
    )
    return store


def _time_to_map(browser: Browser, root: Path, env: dict[str, str]) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "borderwatch.ui.launcher"),
            *("--server.address", "127.0.0.1", "--server.port", str(port)),
            *("--server.headless", "true"),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src"), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        while True:  # what an analyst's browser does: retry until the server answers
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                break
            except Exception:
                if process.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.05)
        page.wait_for_function(MAP_DRAWN, timeout=180_000, polling=50)
        return time.perf_counter() - started
    finally:
        page.close()
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="borderwatch-startup-") as tmp:
        work = Path(tmp)
        before_root = extract_revision(args.before, work)
        store = _make_store(args.events, work) if args.events else work / "empty-store"
        env = {
            environment_variable("data_dir"): str(store),
            environment_variable("cache_dir"): str(work / "cache"),
        }
        timings: dict[str, list[float]] = {"before": [], "after_warm": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable(), args=list(CHROMIUM_ARGS)
            )
            after_cold = _time_to_map(browser, paths.REPO_ROOT, env)
            for _ in range(args.runs):
                timings["before"].append(_time_to_map(browser, before_root, env))
                timings["after_warm"].append(_time_to_map(browser, paths.REPO_ROOT, env))
            browser.close()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(
        json.dumps(
            {
                "events_imported": args.events,
                "before_revision": args.before,
                "runs": args.runs,
                "start_to_map_s": {k: [round(v, 2) for v in vs] for k, vs in timings.items()},
                "median_before_s": round(medians["before"], 2),
                "median_after_warm_s": round(medians["after_warm"], 2),
                "after_cold_first_start_s": round(after_cold, 2),
                "speed-up": round(medians["before"] / medians["after_warm"], 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
