"""Exports through the UI, and the standalone map with the network blocked."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from .conftest import ARTIFACTS

TIMEOUT_MS = 60_000


def _open_export_panel(page):
    panel = page.get_by_text("Export this view")
    expect(panel).to_be_visible(timeout=TIMEOUT_MS)
    panel.click()


def test_snapshot_downloads_through_the_ui(page_and_log, app):
    page, log = page_and_log
    page.goto(f"{app.url}/?country=Tunisia", wait_until="domcontentloaded")
    _open_export_panel(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Download snapshot").click()
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
