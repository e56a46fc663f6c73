"""Trends and changes in Chromium: the trend charts draw, the change list and map show the
known rise, a series downloads as CSV, and the KML export carries TimeSpans and styles."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from borderwatch.mapping import style

from .conftest import ARTIFACTS, download_from_popover

TIMEOUT_MS = 60_000
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
KML = {"kml": "http://www.opengis.net/kml/2.2"}
#: In the curated data, Libya: no incident in 2013–2014, 7 in 2015 (a rise).
LIBYA_RISE = "change_end=2015-12&change_recent=12&change_baseline=24"


def _open(page, app, query: str = LIBYA_RISE) -> None:
    page.goto(f"{app.url}/changes?{query}", wait_until="domcontentloaded")
    expect(page.get_by_text("How a change is decided, and its limits")).to_be_visible(
        timeout=TIMEOUT_MS
    )


def test_trend_charts_draw_with_arrangement_marks(page_and_log, app):
    page, log = page_and_log
    _open(page, app)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    # The three busiest countries: incidents, deaths (and unknown tolls) each.
    expect(charts.nth(5)).to_be_attached(timeout=TIMEOUT_MS)
    first = charts.first
    first.scroll_into_view_if_needed()
    # Vega draws into a canvas (or SVG); either way it has a real size and marks.
    drawn = first.locator("canvas, svg").first
    expect(drawn).to_be_visible(timeout=TIMEOUT_MS)
    box = drawn.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    page.wait_for_timeout(500)
    first.screenshot(path=ARTIFACTS / "trend-chart.png")
    ARTIFACTS.mkdir(exist_ok=True)
    # The per-series CSV is the chart's data.
    button = page.get_by_role("button", name="Download Libya per month (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        button.click()
    series = pd.read_csv(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert set(series["unit"]) == {"Libya"}
    assert series["incidents"].sum() > 0
    assert "incidents_with_unknown_toll" in series.columns
    assert log.foreign(app.host) == []


def test_change_list_and_map_show_the_rise(page_and_log, app):
    page, log = page_and_log
    _open(page, app)
    expect(page.get_by_text("Rises")).to_be_visible()
    table = page.locator("[data-testid='stDataFrame']").first
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible(timeout=TIMEOUT_MS)
    # The list: Libya first, a rise from 0 to 7.
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Download the change list (CSV)").click()
    listed = pd.read_csv(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    first = listed.iloc[0]
    assert (first["Border zone or country"], first["Flag"]) == ("Libya", "Rise")
    assert (first["Baseline incidents"], first["Recent incidents"]) == (0, 7)
    # The map: Libya drawn in the style table's rise colour, named on hover.
    frame = page.frame_locator(MAP_IFRAME)
    rise = frame.locator("path.bw-change-rise")
    expect(rise).to_have_count(1, timeout=TIMEOUT_MS)
    assert rise.get_attribute("fill").lower() == style.AREAS["rise"].fill.lower()
    legend = frame.locator(".bw-legend")
    expect(legend).to_contain_text("Significant rise in incidents")
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "changes-map.png")
    assert log.foreign(app.host) == []


def test_exported_kml_reads_back_time_spans_and_styles(page_and_log, app):
    page, log = page_and_log
    _open(page, app)
    panel = page.get_by_text("Export this view")
    panel.scroll_into_view_if_needed()
    panel.click()
    opener = page.get_by_role("button", name=re.compile(r"Download \d+ incidents"))
    download = download_from_popover(page, opener, "KML (Google Earth)")
    root = ET.fromstring(Path(download.path()).read_bytes())
    styles = {s.get("id"): s for s in root.iterfind(".//kml:Style", KML)}
    placemarks = root.findall(".//kml:Placemark", KML)
    assert placemarks and styles
    for placemark in placemarks:
        begin = placemark.findtext("kml:TimeSpan/kml:begin", namespaces=KML)
        end = placemark.findtext("kml:TimeSpan/kml:end", namespaces=KML)
        # The incidents of the two windows: baseline Jan 2013 to recent Dec 2015.
        assert "2013-01-01" <= begin <= "2015-12-31" and begin <= end
        data = {d.get("name"): d.text for d in placemark.iterfind(".//kml:SimpleData", KML)}
        assert data["date_start"] == begin
        shared = styles[placemark.findtext("kml:styleUrl", namespaces=KML)[1:]]
        color = shared.findtext("kml:IconStyle/kml:color", namespaces=KML)
        hex_color = style.event_style(data["event_type"]).color
        assert color[2:] == (hex_color[5:7] + hex_color[3:5] + hex_color[1:3]).lower()
    assert log.foreign(app.host) == []


def test_snapshot_with_the_trend_downloads(page_and_log, app):
    from PIL import Image

    page, log = page_and_log
    _open(page, app)
    panel = page.get_by_text("Export this view")
    panel.scroll_into_view_if_needed()
    panel.click()
    opener = page.get_by_role("button", name="Download snapshot")
    download = download_from_popover(page, opener, "PNG, 300 dpi, with the trend")
    assert download.suggested_filename.endswith("-trend.png")
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    # 11 in wide at 300 dpi; the page is taller than the map alone by the trend panel.
    assert image.size[0] == 3300
    lower = image.convert("RGB").crop((0, image.size[1] * 2 // 3, image.size[0], image.size[1]))
    assert (0x7A, 0x2E, 0x1F) in {c for _, c in lower.getcolors(maxcolors=4_000_000)}
    assert log.foreign(app.host) == []
