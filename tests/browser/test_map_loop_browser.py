"""The analyst's loop on the map, in Chromium: first click, in-place updates, legend,
keyboard, phone, online tiles, deep links."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from borderwatch.devserver import running_app

from .conftest import ARTIFACTS
from .test_incident_map_browser import (
    MAP_IFRAME,
    TIMEOUT_MS,
    metric_value,
    wait_for_incidents_drawn,
)


def _map_frame(page: Page):
    page.wait_for_selector(MAP_IFRAME, timeout=TIMEOUT_MS)
    for _ in range(600):
        for frame in page.frames:
            if "streamlit_folium" in frame.url and frame.evaluate("!!window.map"):
                return frame
        page.wait_for_timeout(100)
    raise AssertionError("no map")


def test_first_click_on_an_incident_below_the_fold_opens_its_popup(browser, app):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{app.url}/?country=Morocco&years=2011&years=2011", wait_until="domcontentloaded")
    wait_for_incidents_drawn(page, 1)
    frame = _map_frame(page)
    iframe_box = page.locator(MAP_IFRAME).bounding_box()
    assert iframe_box["y"] + iframe_box["height"] > 900, "the map should reach below the fold"
    # Where the circle is on the page, from inside the iframe.
    inner = frame.evaluate(
        "() => { const r = document.querySelector('path.bw-incident').getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; }"
    )
    x, y = iframe_box["x"] + inner[0], iframe_box["y"] + inner[1]
    assert y < 900, "the circle itself should be visible"
    scrolled = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")
    page.mouse.click(x, y)  # a real mouse, at page coordinates
    expect(page.frame_locator(MAP_IFRAME).locator(".leaflet-popup-content")).to_be_visible(
        timeout=5_000
    )
    after = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")
    assert after == scrolled, "the first click scrolled the page"
    context.close()


def test_filter_change_updates_in_place_and_keeps_pan_and_zoom(page_and_log, app, geodata):
    page, log = page_and_log
    page.goto(app.url, wait_until="domcontentloaded")
    total = len(geodata.incidents)
    wait_for_incidents_drawn(page, total)
    frame = _map_frame(page)
    frame.evaluate("() => { window.bwMarker = 'same iframe'; }")
    # The analyst zooms in on northern Algeria / Tunisia.
    frame.evaluate("() => window.map.setView([35.5, 8.5], 6, {animate: false})")
    before = frame.evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"
    )
    # Narrow the years: the selection still has incidents in view.
    years = page.locator("[data-testid='stSidebar'] [data-testid='stSlider']").first
    handle = years.get_by_role("slider").first
    handle.focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"years=2013"), timeout=TIMEOUT_MS)
    expect(metric_value(page, "Incidents")).not_to_have_text(str(total), timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)
    frame = _map_frame(page)
    assert frame.evaluate("() => window.bwMarker") == "same iframe", "the map was reloaded"
    # … and it shows exactly the new selection (markers off-screen are not in the DOM:
    # count the incident layer on the map).
    shown = int(metric_value(page, "Incidents").inner_text())
    frame.wait_for_function(
        "(n) => { const fg = window.feature_group[window.feature_group.length - 1];"
        " const layer = fg && fg.bwIncidents;"
        " return !!layer && !!layer._map && Object.keys(layer.bwById).length === n; }",
        arg=shown,
        timeout=TIMEOUT_MS,
    )
    after = frame.evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"
    )
    assert after == before
    assert log.foreign(app.host) == []


def test_phone_legend_collapsed_popup_fits_map_fills_width(browser, app):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{app.url}/?country=Morocco&years=2011&years=2011", wait_until="domcontentloaded")
    wait_for_incidents_drawn(page, 1)
    frame = _map_frame(page)
    assert frame.evaluate("() => document.querySelector('.bw-legend details').open") is False
    iframe_box = page.locator(MAP_IFRAME).bounding_box()
    assert iframe_box["width"] >= 390 - 2 * 24, iframe_box  # the page's own side padding
    # Tap the incident once the map has stopped moving (it fits the selection after
    # drawing it): a tap during the fit lands where the circle was.
    frame.wait_for_function(
        """() => {
        const circle = document.querySelector('path.bw-incident');
        const box = circle && JSON.stringify(circle.getBoundingClientRect());
        const still = box && window.__bwLastBox === box && !window.map._animatingZoom;
        window.__bwLastBox = box;
        return still;
    }""",
        polling=250,
        timeout=TIMEOUT_MS,
    )
    frame.locator("path.bw-incident").first.click(force=True)
    popup = page.frame_locator(MAP_IFRAME).locator(".leaflet-popup")
    expect(popup).to_be_visible(timeout=TIMEOUT_MS)
    inside = (
        "() => { const r = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        " return [r.left, r.right, innerWidth]; }"
    )
    # Leaflet pans the popup into view (animated): wait for it, however slow the machine.
    # On a timeout the assertion below says where the popup is.
    with contextlib.suppress(PlaywrightTimeoutError):
        frame.wait_for_function(
            f"() => {{ const [l, r, w] = ({inside})(); return l >= 0 && r <= w; }}",
            timeout=TIMEOUT_MS,
        )
    box = frame.evaluate(inside)
    assert box[0] >= 0 and box[1] <= box[2], box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "phone-popup.png")
    context.close()


def test_phone_map_is_about_as_tall_as_wide_and_desktop_keeps_its_height(browser, app):
    heights = {}
    for width, height in ((390, 844), (1440, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(app.url, wait_until="domcontentloaded")
        frame = _map_frame(page)
        page.wait_for_timeout(1500)
        box = page.locator(MAP_IFRAME).bounding_box()
        drawn = frame.evaluate("() => document.getElementById('map_div').offsetHeight")
        heights[width] = (box["width"], box["height"], drawn)
        context.close()
    phone_width, phone_height, phone_drawn = heights[390]
    # The region fills a phone's map instead of a third of it; nothing is clipped.
    assert 300 <= phone_height <= phone_width, heights
    assert abs(phone_drawn - phone_height) <= 2, heights
    assert heights[1440][1] == 620, heights


def test_legend_open_on_a_wide_map_does_not_cover_the_selection(page_and_log, app, geodata):
    page, _ = page_and_log
    page.goto(app.url, wait_until="domcontentloaded")
    wait_for_incidents_drawn(page, len(geodata.incidents))
    frame = _map_frame(page)
    covered_now = """() => {
        const legend = document.querySelector('.bw-legend').getBoundingClientRect();
        const hit = [];
        window.map.eachLayer(l => {
            if (!l.bwById) return;
            Object.values(l.bwById).forEach(m => {
                const p = window.map.latLngToContainerPoint(m.getLatLng());
                if (p.x >= legend.left && p.x <= legend.right && p.y >= legend.top
                    && p.y <= legend.bottom) hit.push(m.bwId);
            });
        });
        return [document.querySelector('.bw-legend details').open, hit];
    }"""
    # The map fits the selection beside the legend after drawing it (animated): wait for
    # the fit, however slow the machine; on a timeout the assertion says what is covered.
    with contextlib.suppress(PlaywrightTimeoutError):
        frame.wait_for_function(
            f"() => {{ const [open, hit] = ({covered_now})(); return open && !hit.length; }}",
            timeout=TIMEOUT_MS,
        )
    covered = frame.evaluate(covered_now)
    assert covered[0] is True and covered[1] == [], covered


def test_online_tiles_show_under_translucent_country_fills(page_and_log, app):
    page, log = page_and_log
    page.route(re.compile(r"https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    page.goto(app.url, wait_until="domcontentloaded")
    _map_frame(page)
    page.locator("[data-testid='stSidebar']").get_by_text("OpenStreetMap tiles (online)").click()
    page.wait_for_url(re.compile(r"basemap="), timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => { try {"
        " return f.contentDocument.querySelector('img.leaflet-tile'); } catch (e) {"
        " return false; } })",
        timeout=TIMEOUT_MS,
    )
    frame = _map_frame(page)
    for candidate in page.frames:
        if "streamlit_folium" in candidate.url and candidate.evaluate(
            "() => !!document.querySelector('img.leaflet-tile')"
        ):
            frame = candidate
    frame.wait_for_selector("path.bw-country", timeout=TIMEOUT_MS)
    opacity = frame.evaluate(
        "() => parseFloat(document.querySelector('path.bw-country').getAttribute('fill-opacity'))"
    )
    assert 0 < opacity < 0.5
    assert frame.evaluate("() => document.querySelectorAll('img.leaflet-tile').length") > 0
    assert all("tile.openstreetmap.org" in u for u in log.foreign(app.host))


def test_tab_reaches_the_map_through_the_skip_link_without_visiting_countries(page_and_log, app):
    page, _ = page_and_log
    page.goto(f"{app.url}/?country=Tunisia", wait_until="domcontentloaded")
    _map_frame(page)
    link = page.get_by_role("link", name="Skip to the map")
    link.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    frame = _map_frame(page)
    assert frame.evaluate("() => document.activeElement === window.map.getContainer()")
    # From the map, Tab goes to the controls, never to a country or border path.
    for _ in range(6):
        page.keyboard.press("Tab")
        tag = frame.evaluate("() => document.activeElement && document.activeElement.tagName")
        assert tag != "path"


def test_map_deep_link_opens_without_page_not_found(page_and_log):
    page, log = page_and_log
    with running_app() as fresh:
        page.goto(f"{fresh.url}/map", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name=re.compile("Incidents along"))).to_be_visible(
            timeout=TIMEOUT_MS
        )
        page.wait_for_timeout(1000)
        assert page.get_by_text("Page not found").count() == 0
        # Plain navigation: another page, then /map typed again.
        page.goto(f"{fresh.url}/coop", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name=re.compile("ooperation"))).to_be_visible(
            timeout=TIMEOUT_MS
        )
        page.goto(f"{fresh.url}/map", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name=re.compile("Incidents along"))).to_be_visible(
            timeout=TIMEOUT_MS
        )
        page.wait_for_timeout(1000)
        assert page.get_by_text("Page not found").count() == 0
        assert log.foreign(fresh.host) == []
