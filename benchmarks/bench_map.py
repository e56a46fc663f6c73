"""Benchmark the incident map (issue #2 targets). Prints figures; asserts nothing.

Measures, on the committed data:

1. time from ``streamlit run`` to the map visible (incidents drawn) in headless Chromium;
2. bytes of map HTML sent to the browser (the rendered map, and all WebSocket traffic of
   a first page load, which also carries the table);
3. time to rebuild the map after a filter change: Python side (build + render), and
   end to end in Chromium (sidebar change until the map shows the new selection).

Run: ``make bench`` (or ``python benchmarks/bench_map.py``).
"""

from __future__ import annotations

import json
import statistics
import time

from playwright.sync_api import sync_playwright

from borderwatch.app.prepared import DataSettings, prepare_data
from borderwatch.devserver import CHROMIUM_ARGS, chromium_executable, running_app
from borderwatch.filters import IncidentFilter, filter_incidents
from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.incident_map import incident_map_view

DRAWN = "document.querySelectorAll('path.bw-incident, .marker-cluster').length > 0"


def python_side() -> dict[str, float]:
    prepared = prepare_data(DataSettings.from_config())
    countries, borders = prepared.display_countries, prepared.display_borders
    names = prepared.country_names

    def build(selection: IncidentFilter) -> str:
        view = incident_map_view(
            title="Benchmark",
            filter_description=selection.describe(names),
            countries=countries,
            borders=borders,
            incidents=filter_incidents(prepared.incidents, selection),
            country_names=names,
            focus_countries=selection.countries,
        )
        return folium_map(view).get_root().render()

    html = build(IncidentFilter())
    timings = []
    for selection in [IncidentFilter(countries=("TUN",)), IncidentFilter(years=(2015, 2016))] * 5:
        start = time.perf_counter()
        build(selection)
        timings.append(time.perf_counter() - start)
    return {
        "map_html_bytes": len(html.encode()),
        "rebuild_median_s": statistics.median(timings),
        "rebuild_max_s": max(timings),
    }


def browser_side() -> dict[str, float]:
    with running_app() as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=list(CHROMIUM_ARGS)
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        received = []
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))),
        )
        page.goto(app.url)
        page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=120_000)
        frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        frame.wait_for_function(DRAWN, timeout=120_000)
        visible_s = time.perf_counter() - app.started_s
        page.wait_for_timeout(1000)
        websocket_bytes = sum(received)

        start = time.perf_counter()
        box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
        box.locator("input").fill("Tunisia")
        page.keyboard.press("Enter")
        page.wait_for_url("**country=Tunisia**", timeout=60_000)
        page.wait_for_function(
            """() => {
                const f = [...document.querySelectorAll('iframe')]
                    .find(i => i.src.includes('streamlit_folium'));
                const d = f && f.contentDocument;
                if (!d) return false;
                const n = d.querySelectorAll('path.bw-incident').length
                    + [...d.querySelectorAll('.marker-cluster span')]
                        .reduce((a, s) => a + parseInt(s.textContent), 0);
                return n > 0 && n < 20;
            }""",
            timeout=60_000,
        )
        redraw_s = time.perf_counter() - start
        browser.close()
    return {
        "run_to_map_visible_s": visible_s,
        "first_load_websocket_bytes": websocket_bytes,
        "filter_change_to_redrawn_s": redraw_s,
    }


def main() -> None:
    figures = {**python_side(), **browser_side()}
    print(
        json.dumps(
            {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}, indent=2
        )
    )


if __name__ == "__main__":
    main()
