"""The incident map in headless Chromium: drawn offline, filtered, clicked."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from borderwatch.border_stats import in_zone
from borderwatch.devserver import running_app
from borderwatch.proximity import BorderIndex, add_border_distance

from .conftest import ARTIFACTS

TIMEOUT_MS = 60_000
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"

# While Streamlit swaps a map for a new one, two map iframes can exist at once; the scripts
# below look at the one that is displayed.
SHOWN_MAP_JS = """
    const frame = [...document.querySelectorAll("MAP_IFRAME")]
        .filter(f => f.offsetWidth > 0).pop();
    const doc = frame && frame.contentDocument;
""".replace("MAP_IFRAME", MAP_IFRAME)

# Incidents on the map: single circles plus the counts on cluster icons. Markercluster
# briefly shows old and new icons together while it animates, so callers wait for a value
# rather than read one.
COUNT_DRAWN_JS = (
    "() => {"
    + SHOWN_MAP_JS
    + """
    if (!doc || !doc.querySelector('.leaflet-container')) return -1;
    const singles = doc.querySelectorAll('path.bw-incident').length;
    const clustered = [...doc.querySelectorAll('.marker-cluster span')]
        .reduce((n, s) => n + parseInt(s.textContent, 10), 0);
    return singles + clustered;
}"""
)


def wait_for_map_element(page: Page, selector: str) -> None:
    """Wait until the displayed map contains an element matching ``selector``."""
    script = "() => {" + SHOWN_MAP_JS + f"return !!(doc && doc.querySelector({selector!r}));}}"
    page.wait_for_function(script, timeout=TIMEOUT_MS)


def show_whole_map(page: Page) -> None:
    """Scroll the map fully into view: headless Chromium does not deliver mouse events to
    an iframe that reaches below the viewport (the search box above the map pushed its
    lower edge out of a 1000 px window)."""
    page.locator(MAP_IFRAME).first.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)


def wait_for_incidents_drawn(page: Page, expected: int) -> None:
    page.wait_for_function(f"({COUNT_DRAWN_JS})() === {expected}", timeout=TIMEOUT_MS)


def metric_value(page: Page, label: str):
    box = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return box.locator("[data-testid='stMetricValue']")


def test_map_draws_curated_incidents_offline_and_filters(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(app.url, wait_until="domcontentloaded")

    total = len(geodata.incidents)
    expect(metric_value(page, "Incidents")).to_have_text(str(total), timeout=TIMEOUT_MS)
    wait_for_incidents_drawn(page, total)
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator("path.bw-border").first).to_be_attached()
    expect(frame.locator("path.bw-country").first).to_be_attached()
    expect(frame.locator(".bw-legend")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "incident-map.png", full_page=True)

    # Filter to Tunisia through the sidebar, as an analyst would.
    tunisia = int((geodata.incidents["country_iso3"] == "TUN").sum())
    countries = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    countries.locator("input").fill("Tunisia")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(metric_value(page, "Incidents")).to_have_text(str(tunisia), timeout=TIMEOUT_MS)
    page.wait_for_url(re.compile(r"country=Tunisia"), timeout=TIMEOUT_MS)
    wait_for_incidents_drawn(page, tunisia)
    grid = page.locator("[data-testid='stDataFrame'] [aria-rowcount]").first
    expect(grid).to_have_attribute("aria-rowcount", str(tunisia + 1), timeout=TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "incident-map-tunisia.png", full_page=True)

    assert log.foreign(app.host) == [], "requests left for another host"


def test_copied_link_reproduces_the_view(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Algeria&years=2013&years=2013", wait_until="domcontentloaded")
    incidents = geodata.incidents
    expected = int(
        (
            (incidents["country_iso3"] == "DZA")
            & (incidents["date_start"].dt.year <= 2013)
            & (incidents["date_end"].dt.year >= 2013)
        ).sum()
    )
    expect(metric_value(page, "Incidents")).to_have_text(str(expected), timeout=TIMEOUT_MS)
    wait_for_incidents_drawn(page, expected)
    assert log.foreign(app.host) == []


def test_clicking_an_incident_shows_its_sources(page_and_log, app):
    page, log = page_and_log
    # One incident only, so it is drawn as a single circle, not inside a cluster.
    page.goto(f"{app.url}/?country=Morocco&years=2011&years=2011", wait_until="domcontentloaded")
    wait_for_incidents_drawn(page, 1)
    frame = page.frame_locator(MAP_IFRAME)
    show_whole_map(page)
    frame.locator("path.bw-incident").first.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible(timeout=TIMEOUT_MS)
    text = popup.inner_text()
    for label in ("Date", "Place", "Type", "Perpetrator", "Fatalities", "Location", "Sources"):
        assert label in text, label
    assert "Argana" in text
    page.wait_for_timeout(400)  # let the popup fade in before the screenshot
    page.screenshot(path=ARTIFACTS / "incident-popup.png")
    assert log.foreign(app.host) == []


def test_deep_link_as_first_request_opens_the_page(page_and_log):
    # Its own server: the first request after a start is the case that used to fail.
    page, log = page_and_log
    with running_app() as fresh:
        page.goto(f"{fresh.url}/sources", wait_until="domcontentloaded")
        heading = page.get_by_role("heading", name="Data & sources")
        expect(heading).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_text("Natural Earth").first).to_be_visible()
        page.wait_for_timeout(500)
        assert page.get_by_text("Page not found").count() == 0
        assert log.foreign(fresh.host) == []


def test_borders_page_draws_zone_incidents_and_arcs_on_toggle(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(
        f"{app.url}/border?border=Libya+%E2%80%93+Tunisia&regime_year=2016",
        wait_until="domcontentloaded",
    )
    for selector in (
        "path.bw-zone",
        "path.bw-border-selected",
        ".bw-crossing-marker",
        "path.bw-barrier",
    ):
        wait_for_map_element(page, selector)
    with_distance = add_border_distance(
        geodata.incidents, BorderIndex.from_borders(geodata.borders)
    )
    expected = int(in_zone(with_distance, 50, ["LBY-TUN"]).sum())  # Ben Guerdane among them
    expect(metric_value(page, "Incidents")).to_have_text(str(expected), timeout=TIMEOUT_MS)
    wait_for_incidents_drawn(page, expected)
    assert page.frame_locator(MAP_IFRAME).locator("path.bw-link").count() == 0
    page.screenshot(path=ARTIFACTS / "borders-lby-tun.png", full_page=True)

    # Toggle the cross-border links on in the sidebar: the arcs appear.
    page.locator("[data-testid='stSidebar']").get_by_text("Show cross-border links").click()
    page.wait_for_url(re.compile(r"links=true"), timeout=TIMEOUT_MS)
    wait_for_map_element(page, "path.bw-link")
    expect(page.get_by_role("heading", name="Cross-border links")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "borders-lby-tun-links.png", full_page=True)
    assert log.foreign(app.host) == []


def test_cooperation_map_draws_the_arrangements_of_a_chosen_year(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(f"{app.url}/coop?coop_year=2016", wait_until="domcontentloaded")
    for selector in (
        "path.bw-arrangement-border",
        "path.bw-arrangement-link",
        "path.bw-multilateral",
    ):
        wait_for_map_element(page, selector)
    in_force = int(metric_value(page, "In force").inner_text())
    assert in_force > 0
    page.screenshot(path=ARTIFACTS / "cooperation-2016.png", full_page=True)

    # Arrangements of 2005 only: fewer in force, and the 2015–16 barrier is gone.
    page.goto(f"{app.url}/coop?coop_year=2005", wait_until="domcontentloaded")
    expect(metric_value(page, "In force")).not_to_have_text(str(in_force), timeout=TIMEOUT_MS)
    wait_for_map_element(page, "path.bw-arrangement-border")
    shown = page.evaluate(
        "() => {" + SHOWN_MAP_JS + "return doc.documentElement.innerHTML.includes("
        "'Tunisian barrier');}"
    )
    assert not shown
    assert log.foreign(app.host) == []
