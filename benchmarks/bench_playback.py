"""Benchmark playback over 100,000 events: frames built per grid cell against the naive way
(every incident sent, and drawn, in every frame), side by side in one run. Prints figures
as JSON; asserts nothing.

Synthetic incidents are spread uniformly over the focus countries and over ten years of
start dates (one in twenty lasting up to two months). For each way the benchmark builds the
frames (monthly step, rolling three-month window), renders the map as the standalone HTML
export does (every script inline, so the page needs no server), and in headless Chromium
measures:

- the page's bytes and the frames' share of them;
- the time from opening the page to the first frame drawn;
- the cost of one step, over every frame: the script (``setCurrentTimeIndex`` draws the
  frame on the canvas before it returns) and until the next painted frame;
- while playing at 10 frames a second, the gaps between TimeDimension ``timeload`` events
  (the player's 100 ms plus any frame that could not keep up).

Run: ``python benchmarks/bench_playback.py [N]`` (default 100,000).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from playwright.sync_api import Page, sync_playwright

from borderwatch import loading
from borderwatch.devserver import CHROMIUM_ARGS, chromium_executable
from borderwatch.exports.html import standalone_html
from borderwatch.exports.provenance import make_provenance
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.mapping.playback import browser_data, build_frames, played_view
from borderwatch.mapping.view import Bounds, fit_bounds
from borderwatch.schemas import EVENT_TYPES

#: The map's Leaflet object and its playback, in the standalone page.
PLAYBACK_JS = "Object.values(window).find(v => v && v.bwPlayback).bwPlayback"

STEP_TIMES_JS = """async () => {
    const playback = PLAYBACK;
    const td = playback.timeDimension;
    const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    const script = [], painting = [];
    for (let i = 0; i < playback.data.times.length; i++) {
        const start = performance.now();
        td.setCurrentTimeIndex(i);  // draws the frame on the canvas before it returns
        script.push(performance.now() - start);
        await painted();
        painting.push(performance.now() - start);
    }
    return [script, painting];
}""".replace("PLAYBACK", PLAYBACK_JS)

PLAY_GAPS_JS = """async (frames) => {
    const playback = PLAYBACK;
    const td = playback.timeDimension, player = playback.player;
    td.setCurrentTimeIndex(0);
    player.setTransitionTime(100);
    const stamps = [];
    const onLoad = () => stamps.push(performance.now());
    td.on("timeload", onLoad);
    player.start(1);
    while (stamps.length < frames) { await new Promise(r => setTimeout(r, 50)); }
    player.stop();
    td.off("timeload", onLoad);
    return stamps.slice(1).map((t, i) => t - stamps[i]);
}""".replace("PLAYBACK", PLAYBACK_JS)


def synthetic_incidents(n: int, bounds: Bounds) -> pd.DataFrame:
    """``n`` incidents over ``bounds`` and 2011-2020, random types and tolls."""
    rng = np.random.default_rng(2026)
    minx, miny, maxx, maxy = bounds
    start = pd.Timestamp("2011-01-01") + pd.to_timedelta(rng.integers(0, 3652, n), unit="D")
    lasting = np.where(rng.random(n) < 0.05, rng.integers(1, 60, n), 0)
    deaths = pd.array(np.floor(rng.pareto(1.2, n) * 3).astype(int), dtype="Int64")
    deaths[rng.random(n) < 0.1] = pd.NA
    return pd.DataFrame(
        {
            "incident_id": [f"s{i}" for i in range(n)],
            "name": [f"Synthetic {i}" for i in range(n)],
            "longitude": rng.uniform(minx, maxx, n),
            "latitude": rng.uniform(miny, maxy, n),
            "date_start": start,
            "date_end": start + pd.to_timedelta(lasting, unit="D"),
            "event_type": rng.choice(list(EVENT_TYPES), n),
            "fatalities_best": deaths,
        }
    )


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max": round(ordered[-1], 1),
    }


def _measure(page: Page, path: Path, frames: int) -> dict:
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => !!document.querySelector('.leaflet-container[data-bw-frame]')", timeout=300_000
    )
    first_frame_s = time.perf_counter() - started
    script, painting = page.evaluate(STEP_TIMES_JS)
    gaps = page.evaluate(PLAY_GAPS_JS, min(frames, 40))
    return {
        "first_frame_s": round(first_frame_s, 2),
        "step_script_ms": _summary(script),
        "step_to_next_paint_ms": _summary(painting),
        "play_gap_ms_at_100ms": _summary(gaps),
    }


def main(n: int) -> None:
    geodata = loading.load_geodata()
    countries = simplify_for_display(geodata.countries)
    incidents = synthetic_incidents(n, fit_bounds(countries))
    view = incident_map_view(
        title="Playback benchmark",
        filter_description=f"{n:,} synthetic incidents",
        countries=countries,
        borders=simplify_for_display(geodata.borders),
        incidents=incidents,
        country_names=geodata.country_names(),
    )
    provenance = make_provenance(title=view.title, filters=view.filter_description)
    ways = {"cells (this tree)": None, "naive: every incident in every frame": n + 1}
    results = {}
    with tempfile.TemporaryDirectory(prefix="borderwatch-playback-") as tmp:
        pages: dict[str, tuple[Path, int]] = {}
        for way, max_points in ways.items():
            started = time.perf_counter()
            frames = build_frames(
                incidents, step="month", window=3, bounds=view.bounds, max_points=max_points
            )
            build_s = time.perf_counter() - started
            played = played_view(view, frames, speed=1.0, start=0)
            playback = played.playback
            assert playback is not None
            html = standalone_html(played, provenance=provenance)
            render_s = time.perf_counter() - started - build_s
            path = Path(tmp) / f"{len(pages)}.html"
            path.write_text(html, encoding="utf-8")
            pages[way] = (path, len(frames))
            results[way] = {
                "mode": frames.mode,
                "frames": len(frames),
                "incidents_per_frame_median": int(np.median(frames.counts)),
                "build_frames_s": round(build_s, 2),
                "render_html_s": round(render_s, 2),
                "page_bytes": len(html.encode("utf-8")),
                "frames_json_bytes": len(json.dumps(browser_data(playback)).encode()),
            }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable(), headless=True, args=list(CHROMIUM_ARGS)
            )
            for way, (path, count) in pages.items():
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                results[way].update(_measure(page, path, count))
                page.close()
            browser.close()
    print(json.dumps({"events": n, "step": "month", "window": 3, "results": results}, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("events", nargs="?", type=int, default=100_000)
    main(parser.parse_args().events)
