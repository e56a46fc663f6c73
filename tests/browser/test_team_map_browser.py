"""The Incident map in team mode, in Chromium: counters, grid cells and the capped table
come from the team database (3,000 imported events there, none in the app's files)."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
from playwright.sync_api import expect

from borderwatch.config import environment_variable
from borderwatch.devserver import running_app
from borderwatch.filters import IncidentFilter
from borderwatch.team.db import query, setup
from borderwatch.team.db.store import PostgisDatasetStore
from tests.test_team_db_query import _synthetic

from .conftest import ARTIFACTS, download_from_popover
from .test_incident_map_browser import metric_value
from .test_playback_browser import _playing_map

TIMEOUT_MS = 90_000
CELLS_DRAWN = """() => [...document.querySelectorAll("iframe")].some(f => {
    try { return f.contentDocument.querySelectorAll("path.bw-cell").length > 0; }
    catch (e) { return false; }
})"""
#: The fill of the first grid cell drawn (cells are filled in their main type's colour).
CELL_FILL = """() => { for (const f of document.querySelectorAll("iframe")) {
    try { const cell = f.contentDocument.querySelector("path.bw-cell");
          if (cell) { return cell.getAttribute("fill"); } } catch (e) {} } return null; }"""
#: Any circle or cell drawn on a map.
MARKS_DRAWN = CELLS_DRAWN.replace("path.bw-cell", "path.leaflet-interactive")


def test_the_incident_map_asks_the_team_database(browser, empty_team_database, tmp_path):
    url = empty_team_database.app_url
    setup.load_curated(empty_team_database.owner_url)
    PostgisDatasetStore(url).save(
        _synthetic(3000), name="syn", source_format="ACLED", source_file="s.csv", rejected=0
    )
    everything = query.summary(url, IncidentFilter()).incidents
    libyan = query.summary(url, IncidentFilter(countries=("LBY",))).incidents
    assert everything > 3000 and 0 < libyan < everything
    env = {
        environment_variable("database_url"): url,
        environment_variable("data_dir"): str(tmp_path / "imports"),
        environment_variable("cache_dir"): str(tmp_path / "cache"),
    }
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    with running_app(env=env) as app:
        page.goto(app.url, wait_until="domcontentloaded")
        expect(metric_value(page, "Incidents")).to_have_text(f"{everything:,}", timeout=TIMEOUT_MS)
        page.wait_for_function(CELLS_DRAWN, timeout=TIMEOUT_MS)  # above 1,500: grid cells
        assert page.evaluate(CELL_FILL) not in (None, "none")  # filled, not bare outlines
        expect(
            page.get_by_text(f"Showing the 1,000 newest of {everything:,} incidents")
        ).to_be_visible(timeout=TIMEOUT_MS)
        page.screenshot(path=ARTIFACTS / "team-incident-map.png")

        # The data file carries the whole selection, not the table's 1,000 rows: fetched
        # from the database when the button is pressed, with its provenance.
        page.wait_for_timeout(1500)  # charts below the map move the panel while they render
        page.get_by_text("Export this view").click()
        opener = page.get_by_role("button", name=f"Download {everything:,} incidents")
        download = download_from_popover(page, opener, "CSV (zip with provenance)")
        with zipfile.ZipFile(download.path()) as archive:
            rows = pd.read_csv(archive.open("incidents.csv"), encoding="utf-8-sig")
            provenance = json.loads(archive.read("provenance.json"))
        assert len(rows) == everything and rows["incident_id"].is_unique
        assert [d["name"] for d in provenance["datasets"] if d.get("key")] == ["syn"]
        page.keyboard.press("Escape")

        page.goto(f"{app.url}/?country=Libya", wait_until="domcontentloaded")
        expect(metric_value(page, "Incidents")).to_have_text(f"{libyan:,}", timeout=TIMEOUT_MS)
        expect(page.get_by_text("Traceback")).to_have_count(0)

        # The other incident pages count the imported events too, in the database.
        zone = query.summary(url, IncidentFilter(border_zone_km=50.0)).incidents
        page.goto(f"{app.url}/border?zone_km=50", wait_until="domcontentloaded")
        expect(metric_value(page, "Incidents")).to_have_text(f"{zone:,}", timeout=TIMEOUT_MS)
        page.wait_for_function(MARKS_DRAWN, timeout=TIMEOUT_MS)
        expect(page.get_by_text("curated layer only")).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "team-borders.png", full_page=True)
        page.goto(f"{app.url}/changes", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="What changed")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_text("Counted in the team database").first).to_be_visible()
        expect(page.get_by_text("Traceback")).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "team-trends.png", full_page=True)

        # Playback: the frames come from the database (cell counts above 5,000 placed
        # incidents, the placed rows below: here the rows), played in the browser.
        first = int(query.placed_span(url, IncidentFilter())[1].year)
        in_first = query.summary(url, IncidentFilter(years=(first, first))).placed
        page.goto(f"{app.url}/?play=true", wait_until="domcontentloaded")
        map_frame = _playing_map(page)
        expect(map_frame.locator(".timecontrol-date")).to_have_text(
            f"{first} · {in_first} incidents", timeout=TIMEOUT_MS
        )
        page.screenshot(path=ARTIFACTS / "team-playback.png")
    context.close()
    assert not (tmp_path / "imports").exists()  # no dataset files in team mode
