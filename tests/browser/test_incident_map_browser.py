"""The incident map in headless Chromium: drawn offline, filtered, clicked."""

from __future__ import annotations

import re

from playwright.sync_api import Frame, Page, expect

from .conftest import ARTIFACTS

MAP_FRAME = re.compile(r"streamlit_folium")
TIMEOUT_MS = 60_000


def map_frame(page: Page) -> Frame:
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=TIMEOUT_MS)
    frame = next(f for f in page.frames if MAP_FRAME.search(f.url))
    frame.wait_for_selector(".leaflet-container", timeout=TIMEOUT_MS)
    return frame


def incidents_drawn(frame: Frame) -> int:
    """Incidents on the map: single circles plus the counts shown on cluster icons."""
    frame.wait_for_function(
        "document.querySelectorAll('path.bw-incident, .marker-cluster').length > 0",
        timeout=TIMEOUT_MS,
    )
    singles = frame.locator("path.bw-incident").count()
    clustered = sum(int(t) for t in frame.locator(".marker-cluster span").all_inner_texts())
    return singles + clustered


def metric(page: Page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return box.locator("[data-testid='stMetricValue']").inner_text()


def test_map_draws_curated_incidents_offline_and_filters(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(app.url, wait_until="domcontentloaded")
    frame = map_frame(page)

    total = len(geodata.incidents)
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text(
        str(total), timeout=TIMEOUT_MS
    )
    assert incidents_drawn(frame) == total
    assert frame.locator("path.bw-border").count() > 0
    assert frame.locator("path.bw-country").count() > 0
    assert frame.locator(".bw-legend").is_visible()
    assert frame.evaluate("typeof L") == "object"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "incident-map.png", full_page=True)

    # Filter to Tunisia through the sidebar, as an analyst would.
    tunisia = int((geodata.incidents["country_iso3"] == "TUN").sum())
    countries = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    countries.locator("input").fill("Tunisia")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text(
        str(tunisia), timeout=TIMEOUT_MS
    )
    page.wait_for_url(re.compile(r"country=TUN"), timeout=TIMEOUT_MS)
    frame = map_frame(page)
    frame.wait_for_function(
        f"""() => {{
            const singles = document.querySelectorAll('path.bw-incident').length;
            const clustered = [...document.querySelectorAll('.marker-cluster span')]
                .reduce((n, s) => n + parseInt(s.textContent), 0);
            return singles + clustered === {tunisia};
        }}""",
        timeout=TIMEOUT_MS,
    )
    grid = page.locator(
        "[data-testid='stDataFrame'] [role='grid'], [data-testid='stDataFrame'] [role='table']"
    ).first
    expect(grid).to_have_attribute("aria-rowcount", str(tunisia + 1), timeout=TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "incident-map-tunisia.png", full_page=True)

    assert log.foreign(app.host) == [], "requests left for another host"


def test_clicking_an_incident_shows_its_sources(page_and_log, app):
    page, log = page_and_log
    page.goto(f"{app.url}/?country=DZA&years=2013&years=2013", wait_until="domcontentloaded")
    frame = map_frame(page)
    frame.wait_for_selector("path.bw-incident", timeout=TIMEOUT_MS)
    frame.locator("path.bw-incident").first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=TIMEOUT_MS)
    text = popup.inner_text()
    for label in ("Date", "Place", "Type", "Perpetrator", "Fatalities", "Location", "Sources"):
        assert label in text, label
    page.screenshot(path=ARTIFACTS / "incident-popup.png")
    assert log.foreign(app.host) == []
