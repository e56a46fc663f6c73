"""Benchmark a filter change on the incident map: in-place update vs. the full reload before.

Both run in the same process, side by side, in headless Chromium: "after" is this working
tree, "before" is an older revision (default ``main``) extracted with ``git archive`` (as
``bench_startup.py`` does) and served from its own folder. For each, on the incident map at
1440x900:

- filter change -> map updated: the analyst moves the start of the Years slider (one
  key press); the map counts as updated when the displayed map shows incident symbols
  none of which existed before the change (a new iframe or new layers in place). Median
  and range over ``--changes`` changes, alternating two selections.
- websocket bytes received per change (Streamlit's messages to the browser).
- ``--sessions`` concurrent sessions (20 by default) changing the filter at once: how many
  failed to update within 60 s, and the median time of the others.

With ``--interleave`` only the filter changes are timed, both servers up at once and their
changes alternating, so a busy machine's noise hits both alike.

Run: ``python benchmarks/bench_map_updates.py [--events 1000000] [--before REV]``. With
``--events N`` a synthetic ACLED file of N events (``bench_import.py``) is imported into a
temporary store that both servers use. Prints one JSON document.
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
from contextlib import contextmanager
from pathlib import Path

from bench_startup import _make_store
from playwright.sync_api import Browser, Page, sync_playwright
from revisions import extract_revision

from borderwatch import paths
from borderwatch.config import environment_variable
from borderwatch.devserver import CHROMIUM_ARGS, chromium_executable, free_port

SYMBOLS = "path.bw-incident, path.bw-cell, .marker-cluster"

#: Installed in the page: tag the symbols now shown; resolve when the displayed map shows
#: symbols and none of them is tagged (a reload makes new ones too).
START_WATCH = """(symbols) => {
    const shown = () => [...document.querySelectorAll("iframe")]
        .filter(f => f.offsetWidth > 0 && f.title.includes("st_folium"))
        .map(f => { try { return f.contentDocument; } catch (e) { return null; } })
        .filter(d => d);
    shown().forEach(d => d.querySelectorAll(symbols).forEach(e => e.dataset.bwOld = "1"));
    window.__bwT0 = performance.now();
    window.__bwDt = null;
    const poll = () => {
        const fresh = shown().some(d => {
            const all = d.querySelectorAll(symbols);
            return all.length > 0 && [...all].every(e => !e.dataset.bwOld);
        });
        if (fresh) { window.__bwDt = performance.now() - window.__bwT0; return; }
        setTimeout(poll, 10);
    };
    setTimeout(poll, 10);
}"""
MAP_DRAWN = """(symbols) => [...document.querySelectorAll("iframe")].some(f => {
    try { return !!f.contentDocument.querySelector(symbols); } catch (e) { return false; }
})"""


@contextmanager
def _server(root: Path, env: dict[str, str]):
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "borderwatch.ui.launcher"),
            *("--server.address", "127.0.0.1", "--server.port", str(port)),
            *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src"), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


class WsBytes:
    """Bytes the page received over websockets."""

    def __init__(self, page: Page) -> None:
        self.total = 0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._add(payload))

    def _add(self, payload: str | bytes) -> None:
        self.total += len(payload.encode() if isinstance(payload, str) else payload)


def _open(browser: Browser, url: str) -> tuple[Page, WsBytes]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    counter = WsBytes(page)
    deadline = time.monotonic() + 180
    while True:
        try:
            page.goto(url, timeout=10_000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    page.wait_for_function(MAP_DRAWN, arg=SYMBOLS, timeout=300_000, polling=50)
    page.wait_for_timeout(1500)
    return page, counter


def _years_slider(page: Page):
    slider = page.locator("[data-testid='stSidebar'] [data-testid='stSlider']").first
    return slider.get_by_role("slider").first


def _press(page: Page, key: str) -> None:
    page.evaluate(START_WATCH, SYMBOLS)
    _years_slider(page).press(key)


def _wait(page: Page, timeout_s: float = 60) -> float | None:
    try:
        page.wait_for_function("() => window.__bwDt !== null", timeout=timeout_s * 1000)
    except Exception:
        return None
    return float(page.evaluate("() => window.__bwDt")) / 1000


def _one_variant(browser: Browser, root: Path, env: dict, changes: int, sessions: int) -> dict:
    with _server(root, env) as url:
        page, counter = _open(browser, url)
        timings, sizes = [], []
        for n in range(changes):
            before = counter.total
            _press(page, "ArrowRight" if n % 2 == 0 else "ArrowLeft")
            elapsed = _wait(page)
            page.wait_for_timeout(800)  # let the rest of the page's messages arrive
            if elapsed is not None:
                timings.append(elapsed)
            sizes.append(counter.total - before)
        page.close()

        pages = [_open(browser, url)[0] for _ in range(sessions)]
        for p in pages:  # all at once: one key press each, back to back
            _press(p, "ArrowRight")
        results = [_wait(p, 90) for p in pages]
        for p in pages:
            p.close()
    ok = [r for r in results if r is not None]
    return {
        "changes": len(timings),
        "median_s": round(statistics.median(timings), 3) if timings else None,
        "min_s": round(min(timings), 3) if timings else None,
        "max_s": round(max(timings), 3) if timings else None,
        "ws_bytes_per_change_median": int(statistics.median(sizes)) if sizes else None,
        "concurrent_sessions": sessions,
        "concurrent_errors": len(results) - len(ok),
        "concurrent_median_s": round(statistics.median(ok), 2) if ok else None,
    }


def _interleaved(browser: Browser, roots: dict[str, Path], env: dict, changes: int) -> dict:
    """Both servers up at once, their changes alternating (which goes first alternates
    too): on a noisy machine both see the same noise, so the ratio holds."""
    with _server(roots["before"], env) as before_url, _server(roots["after"], env) as after_url:
        pages = {"before": _open(browser, before_url)[0], "after": _open(browser, after_url)[0]}
        timings: dict[str, list[float]] = {"before": [], "after": []}
        for n in range(changes):
            for name in ("before", "after") if n % 2 == 0 else ("after", "before"):
                _press(pages[name], "ArrowRight" if n % 2 == 0 else "ArrowLeft")
                elapsed = _wait(pages[name])
                pages[name].wait_for_timeout(1500)  # the rest of the page, off the clock
                if elapsed is not None:
                    timings[name].append(round(elapsed, 3))
    medians = {name: statistics.median(values) for name, values in timings.items() if values}
    return {
        "median_before_s": medians.get("before"),
        "median_after_s": medians.get("after"),
        "after_over_before": round(medians["after"] / medians["before"], 2)
        if len(medians) == 2
        else None,
        "changes_s": timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=0, help="synthetic events to import")
    parser.add_argument("--before", default="main", help="revision with the full reload")
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument(
        "--store", type=Path, help="an existing dataset store to use instead of --events"
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="only the filter changes, both servers up at once and alternating (no sessions)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="borderwatch-mapupd-") as tmp:
        work = Path(tmp)
        before_root = extract_revision(args.before, work)
        env = {environment_variable("cache_dir"): str(work / "cache")}
        empty = work / "empty-store"
        empty.mkdir()
        store = args.store or (_make_store(args.events, work) if args.events else empty)
        env[environment_variable("data_dir")] = str(store)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable(), headless=True, args=list(CHROMIUM_ARGS)
            )
            if args.interleave:
                roots = {"before": before_root, "after": paths.REPO_ROOT}
                print(json.dumps(_interleaved(browser, roots, env, args.changes), indent=2))
                return
            report = {
                "events": args.events or (str(args.store) if args.store else "curated only"),
                "before": args.before,
                "before_full_reload": _one_variant(
                    browser, before_root, env, args.changes, args.sessions
                ),
                "after_in_place": _one_variant(
                    browser, paths.REPO_ROOT, env, args.changes, args.sessions
                ),
            }
            browser.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
