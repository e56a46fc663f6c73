"""Find, filter and share in headless Chromium: search, permalink, filters and the focused
incident in the URL, table row selection, Copy link on every page, the factors tab."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from borderwatch.fatalities import incident_bounds
from borderwatch.mapping import view as map_view

from .conftest import ARTIFACTS
from .test_incident_map_browser import MAP_IFRAME, TIMEOUT_MS, metric_value

#: The map centres on a focused incident and opens its popup once the renderer takes a
#: focus (issue 10 part A, merged separately). Until then the focus is checked in the URL,
#: the notice above the map and the table.
MAP_FOCUS = hasattr(map_view, "Focus")
# The incident map is the default page: its address is the root ("/map" is not routed).
PAGES = ("", "border", "coop", "factors", "imports", "sources")


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _sidebar(page: Page):
    return page.locator("[data-testid='stSidebar']")


def test_search_choose_a_hit_then_permalink(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(app.url, wait_until="domcontentloaded")
    box = page.locator(".st-key-q input")
    box.fill("TIGUENTOURINE")
    box.press("Enter")
    hit = page.locator("[class*='st-key-hit-'] button").first
    expect(hit).to_be_visible(timeout=TIMEOUT_MS)
    assert "Tiguentourine" in hit.inner_text()
    hit.click()
    page.wait_for_url(re.compile(r"[?&]incident="), timeout=TIMEOUT_MS)
    incident_id = _query(page)["incident"][0]
    name = geodata.incidents.set_index("incident_id").loc[incident_id, "name"]
    expect(page.get_by_text(f"Showing {incident_id}")).to_be_visible(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search-hit.png", full_page=True)

    # A fresh load of the permalink shows the same incident.
    fresh = page.context.new_page()
    fresh.goto(f"{app.url}/?incident={incident_id}", wait_until="domcontentloaded")
    expect(fresh.get_by_text(f"Showing {incident_id}")).to_be_visible(timeout=TIMEOUT_MS)
    if MAP_FOCUS:
        popup = fresh.frame_locator(MAP_IFRAME).locator(".leaflet-popup-content")
        expect(popup).to_contain_text(str(name)[:20], timeout=TIMEOUT_MS)
    fresh.wait_for_timeout(500)
    fresh.screenshot(path=ARTIFACTS / "permalink.png", full_page=True)
    fresh.close()
    assert log.foreign(app.host) == []


def test_filters_set_in_the_sidebar_go_to_the_url_and_come_back(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(app.url, wait_until="domcontentloaded")
    expect(metric_value(page, "Incidents")).to_have_text(
        str(len(geodata.incidents)), timeout=TIMEOUT_MS
    )
    _sidebar(page).get_by_text("More filters").click()
    deaths = _sidebar(page).get_by_role("spinbutton", name="At least this many deaths")
    deaths.fill("10")
    deaths.press("Enter")
    page.wait_for_url(re.compile(r"min_deaths=10"), timeout=TIMEOUT_MS)
    _sidebar(page).get_by_text("Keep incidents whose toll is unknown").click()
    page.wait_for_url(re.compile(r"unknown_toll=false"), timeout=TIMEOUT_MS)
    _, best, _ = incident_bounds(geodata.incidents)
    expected = int((best >= 10).fillna(False).sum())
    expect(metric_value(page, "Incidents")).to_have_text(str(expected), timeout=TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "more-filters.png", full_page=True)

    # The same URL in a fresh page gives the same counts.
    url = page.url
    fresh = page.context.new_page()
    fresh.goto(url, wait_until="domcontentloaded")
    expect(metric_value(fresh, "Incidents")).to_have_text(str(expected), timeout=TIMEOUT_MS)
    expect(fresh.get_by_text("at least 10 death(s), unknown excluded").first).to_be_visible()
    fresh.close()
    assert log.foreign(app.host) == []


def test_selecting_a_table_row_focuses_its_incident(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Tunisia", wait_until="domcontentloaded")
    tunisia = geodata.incidents[geodata.incidents["country_iso3"] == "TUN"]
    expect(metric_value(page, "Incidents")).to_have_text(str(len(tunisia)), timeout=TIMEOUT_MS)
    table = page.locator("[data-testid='stDataFrame']").first
    table.scroll_into_view_if_needed()
    expect(table.locator("[aria-rowcount]").first).to_have_attribute(
        "aria-rowcount", str(len(tunisia) + 1), timeout=TIMEOUT_MS
    )
    box = table.bounding_box()
    assert box is not None
    # The row-selection column is the first; rows are 35 px under a 35 px header.
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 + 17)
    page.wait_for_url(re.compile(r"[?&]incident="), timeout=TIMEOUT_MS)
    incident_id = _query(page)["incident"][0]
    assert incident_id in set(tunisia["incident_id"])
    expect(page.get_by_text(f"Showing {incident_id}")).to_be_visible(timeout=TIMEOUT_MS)
    assert _query(page)["country"] == ["Tunisia"]  # the filters stay
    page.screenshot(path=ARTIFACTS / "table-row-focus.png", full_page=True)
    assert log.foreign(app.host) == []


@pytest.mark.parametrize("path", PAGES)
def test_copy_link_on_every_page(browser, app, path):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(f"{app.url}/{path}?years=2013&years=2015", wait_until="domcontentloaded")
    button = _sidebar(page).locator("button.bw-copy-link")
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("h1").first).to_be_visible(timeout=TIMEOUT_MS)
    button.click(timeout=TIMEOUT_MS)  # the first page of a fresh server settles slowly
    expect(_sidebar(page).get_by_text("Link copied")).to_be_visible(timeout=TIMEOUT_MS)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert "years=2013" in copied
    context.close()


def test_regional_factors_tab_kept_in_the_url(page_and_log, app):
    page, log = page_and_log
    page.goto(f"{app.url}/factors", wait_until="domcontentloaded")
    tab = page.get_by_role("tab", name=re.compile("Uneven military capabilities"))
    expect(tab).to_be_visible(timeout=TIMEOUT_MS)
    tab.click()
    page.wait_for_url(re.compile(r"factor="), timeout=TIMEOUT_MS)
    assert "Uneven military capabilities" in _query(page)["factor"][0]
    fresh = page.context.new_page()
    fresh.goto(page.url, wait_until="domcontentloaded")
    reopened = fresh.get_by_role("tab", name=re.compile("Uneven military capabilities"))
    expect(reopened).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    fresh.close()
    assert log.foreign(app.host) == []
