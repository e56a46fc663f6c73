"""Exports through the UI, and the standalone map with the network blocked."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from .conftest import ARTIFACTS, download_from_popover

TIMEOUT_MS = 60_000


def _open_export_panel(page):
    # As an analyst does, once the page has drawn: charts rendering below the map move the
    # panel (and an open popover) while they draw.
    if page.get_by_text("Filtered incidents").count():
        expect(page.get_by_text("Filtered incidents")).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
    panel = page.get_by_text("Export this view")
    expect(panel).to_be_visible(timeout=TIMEOUT_MS)
    panel.click()


def test_snapshot_downloads_through_the_ui(page_and_log, app):
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Tunisia", wait_until="domcontentloaded")
    # Let the page finish drawing (charts below the map move the panel while they render).
    expect(page.get_by_text("Filtered incidents")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)
    _open_export_panel(page)
    opener = page.get_by_role("button", name="Download snapshot")
    opener.scroll_into_view_if_needed()  # as an analyst scrolls to the panel
    opener.click()
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="PNG, 300 dpi").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".png")
    path = ARTIFACTS / download.suggested_filename
    ARTIFACTS.mkdir(exist_ok=True)
    download.save_as(path)
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.size[0] >= 2000  # 11 in at 300 dpi by default
    small = image.convert("RGB").resize((200, 150))
    assert len(small.getcolors(maxcolors=200 * 150)) > 20  # not blank
    assert log.foreign(app.host) == []


def test_standalone_map_works_with_the_network_blocked(page_and_log, app, browser):
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Algeria", wait_until="domcontentloaded")
    _open_export_panel(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Download interactive map").click()
    path = ARTIFACTS / "standalone-map.html"
    download_info.value.save_as(path)

    offline = browser.new_context()
    attempted: list[str] = []

    def block(route):
        attempted.append(route.request.url)
        route.abort()

    offline.route("http*://**", block)
    viewer = offline.new_page()
    viewer.goto(path.as_uri())
    viewer.wait_for_function(
        "document.querySelectorAll('path.bw-incident, .marker-cluster').length > 0",
        timeout=TIMEOUT_MS,
    )
    assert viewer.evaluate("typeof L") == "object"
    expect(viewer.locator(".bw-legend")).to_be_visible()
    viewer.screenshot(path=ARTIFACTS / "standalone-map.png")
    offline.close()
    assert attempted == [], attempted
    assert log.foreign(app.host) == []


def test_each_download_button_delivers_its_own_format_first_time(page_and_log, app):
    """One button per format: the file is the one the button names, at the first click,
    including right after another format was downloaded (the old format-selectbox race)."""
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Tunisia", wait_until="domcontentloaded")
    _open_export_panel(page)
    expected = {
        "CSV (zip with provenance)": ".csv.zip",
        "GeoJSON": ".geojson",
        "GeoPackage": ".gpkg",
        "KML (Google Earth)": ".kml",
    }
    opener = page.get_by_role("button", name=re.compile(r"Download \d+ incidents"))
    for label, suffix in [
        *expected.items(),
        ("KML (Google Earth)", ".kml"),
        ("GeoJSON", ".geojson"),
    ]:
        download = download_from_popover(page, opener, label)
        assert download.suggested_filename.endswith(suffix), (label, download.suggested_filename)
        assert download.failure() is None
    page.keyboard.press("Escape")
    snapshot = page.get_by_role("button", name="Download snapshot")
    for label, suffix in (("SVG", ".svg"), ("PDF", ".pdf"), ("PNG, 150 dpi", ".png")):
        download = download_from_popover(page, snapshot, label, exact=True)
        assert download.suggested_filename.endswith(suffix), (label, download.suggested_filename)
        head = Path(download.path()).read_bytes()[:8]
        assert {".svg": b"<?xml", ".pdf": b"%PDF", ".png": b"\x89PNG"}[suffix] in head
    assert log.foreign(app.host) == []


def test_a_title_typed_without_enter_names_the_next_download(page_and_log, app):
    """The title is taken as the analyst types: no Enter needed before a download."""
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Tunisia", wait_until="domcontentloaded")
    _open_export_panel(page)
    title = page.get_by_role("textbox", name="Title")
    title.scroll_into_view_if_needed()
    title.click()
    title.press("ControlOrMeta+a")
    title.press_sequentially("Tunisia brief", delay=40)
    # No Enter: the hand goes from the keyboard to the mouse (a few hundred ms for a person).
    page.wait_for_timeout(400)
    opener = page.get_by_role("button", name=re.compile(r"Download \d+ incidents"))
    opener.scroll_into_view_if_needed()
    opener.click()
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="GeoJSON").click()
    download = download_info.value
    assert download.suggested_filename == "tunisia-brief.geojson", download.suggested_filename
    assert '"Tunisia brief"' in Path(download.path()).read_text(encoding="utf-8")
    assert log.foreign(app.host) == []


def _geojson_of(browser, url: str, cells: bool) -> tuple[int, list[dict]]:
    """The incident count the export button names and the features of its GeoJSON."""
    import json

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(f"{url}/?country=Tunisia", wait_until="domcontentloaded")
        symbol = "path.bw-cell" if cells else "path.bw-incident"
        page.frame_locator("iframe[title*='st_folium']").first.locator(symbol).first.wait_for(
            timeout=TIMEOUT_MS
        )
        _open_export_panel(page)
        opener = page.get_by_role("button", name=re.compile(r"Download \d+ incidents"))
        count = int(re.search(r"\d+", opener.first.inner_text()).group())
        download = download_from_popover(page, opener, "GeoJSON")
        return count, json.loads(Path(download.path()).read_text(encoding="utf-8"))["features"]
    finally:
        page.close()


def test_a_map_of_cells_exports_every_column_of_every_incident(browser, app):
    """Above the point limit the page holds a few columns of the selection (the map counts
    cells from them); the exported file is still the same: every incident, every column."""
    from borderwatch.config import environment_variable
    from borderwatch.devserver import running_app

    count, features = _geojson_of(browser, app.url, cells=False)
    with running_app(env={environment_variable("max_individual_points"): "5"}) as cells_app:
        cells_count, cells_features = _geojson_of(browser, cells_app.url, cells=True)
    assert cells_count == count == len(cells_features) > 5
    assert [f["properties"] for f in cells_features] == [f["properties"] for f in features]
    assert {"summary", "sources", "perpetrator", "place_name"} <= set(features[0]["properties"])
