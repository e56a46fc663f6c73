"""Start-up, side by side (issue #9 targets: the map visible <= 3 s after start on the
curated data, <= 5 s with 1,000,000 imported events). Prints figures as JSON; asserts
nothing.

Each start launches the server as ``make run`` does (``python -m borderwatch.ui.launcher``)
and points headless Chromium at it at once; the clock runs from the server process's spawn
until the incident map has drawn its first symbol. Two code versions run in the same
session, alternately, so machine noise hits both alike:

- ``before``: the code of ``--before`` (default: the commit before the prepared-data
  cache), extracted with ``git archive`` and run from its own folder; its first start is
  timed apart (``before_first_start_s``): a version with the cache builds it then;
- ``after``: this working tree; its first start builds the on-disk prepared data
  (``cold``), later starts reuse it (``warm``);
- ``floor`` (with ``--floor``): the least any Streamlit + streamlit-folium app takes on this
  machine — a page with a title and a one-marker map (Leaflet served locally), started with
  ``streamlit run``. No change to BorderWatch can start faster than this.

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


#: The floor app: what every Streamlit + streamlit-folium map page has to do.
FLOOR_APP = """
import folium
import streamlit as st
from streamlit_folium import st_folium
from borderwatch.mapping.assets import use_local_assets
st.title("Floor")
m = folium.Map(location=[30, 10], zoom_start=4, tiles=None)
folium.CircleMarker([33, 9], radius=8, class_name="bw-incident").add_to(m)
st_folium(use_local_assets(m), height=620, use_container_width=True, returned_objects=[])
"""


def _floor_root(work: Path) -> Path:
    """A folder with the floor app and the vendored Leaflet beside it."""
    root = work / "floor"
    root.mkdir()
    (root / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
    (root / "static").symlink_to(paths.REPO_ROOT / "static")
    (root / "src").symlink_to(paths.REPO_ROOT / "src")
    return root


def _time_to_map(
    browser: Browser, root: Path, env: dict[str, str], app: tuple[str, ...] = ()
) -> float:
    port = free_port()
    started = time.perf_counter()
    command = app or ("-m", "borderwatch.ui.launcher")
    process = subprocess.Popen(
        [
            *(sys.executable, *command),
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
    parser.add_argument("--floor", action="store_true", help="also time the floor app")
    parser.add_argument("--store", type=Path, help="an existing dataset store (not --events)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="borderwatch-startup-") as tmp:
        work = Path(tmp)
        before_root = extract_revision(args.before, work)
        store = args.store or (
            _make_store(args.events, work) if args.events else work / "empty-store"
        )
        env = {
            environment_variable("data_dir"): str(store),
            environment_variable("cache_dir"): str(work / "cache"),
        }
        timings: dict[str, list[float]] = {"before": [], "after_warm": []}
        floor_app = ("-m", "streamlit", "run", "floor.py", "--server.enableStaticServing", "true")
        floor_root = _floor_root(work) if args.floor else None
        if floor_root:
            timings["floor"] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable(), args=list(CHROMIUM_ARGS)
            )
            # First starts build each version's on-disk prepared data (if it keeps one):
            # timed apart, so the medians compare starts that reuse it.
            after_cold = _time_to_map(browser, paths.REPO_ROOT, env)
            before_cold = _time_to_map(browser, before_root, env)
            for _ in range(args.runs):
                timings["before"].append(_time_to_map(browser, before_root, env))
                timings["after_warm"].append(_time_to_map(browser, paths.REPO_ROOT, env))
                if floor_root:
                    timings["floor"].append(_time_to_map(browser, floor_root, env, floor_app))
            browser.close()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(
        json.dumps(
            {
                "events_imported": args.events or (str(args.store) if args.store else 0),
                "before_revision": args.before,
                "runs": args.runs,
                "start_to_map_s": {k: [round(v, 2) for v in vs] for k, vs in timings.items()},
                "median_before_s": round(medians["before"], 2),
                "median_after_warm_s": round(medians["after_warm"], 2),
                "after_cold_first_start_s": round(after_cold, 2),
                "before_first_start_s": round(before_cold, 2),
                "speed-up": round(medians["before"] / medians["after_warm"], 2),
                **(
                    {
                        "median_floor_s": round(medians["floor"], 2),
                        "floor_over_before": round(medians["floor"] / medians["before"], 2),
                    }
                    if "floor" in medians
                    else {}
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
