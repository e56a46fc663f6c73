"""Importing a file through the Data page: its incidents appear on the map, and markup in
imported text is shown as text, never run."""

from __future__ import annotations

from playwright.sync_api import expect

from borderwatch.devserver import running_app
from borderwatch.paths import REPO_ROOT
from borderwatch.store import DATA_DIR_VARIABLE

from .conftest import ARTIFACTS
from .test_incident_map_browser import (
    MAP_IFRAME,
    metric_value,
    show_whole_map,
    wait_for_incidents_drawn,
)

TIMEOUT_MS = 60_000
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled_current.csv"


def test_uploaded_acled_file_shows_on_the_map_as_text(page_and_log, geodata, tmp_path):
    page, log = page_and_log
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A server of its own, with an empty store, so other tests keep the curated counts.
    with running_app(env={DATA_DIR_VARIABLE: str(tmp_path / "imports")}) as app:
        page.goto(f"{app.url}/imports", wait_until="domcontentloaded")
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(FIXTURE)
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_text("Imported 6 incidents")).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_text("Download the rejected rows with reasons")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "import-done.png", full_page=True)

        # The Sidi Bouzid row's notes hold a <script> tag; Tunisia shows it with the others.
        page.goto(f"{app.url}/?country=Tunisia&type=Air+strike", wait_until="domcontentloaded")
        expect(metric_value(page, "Incidents")).to_have_text("1", timeout=TIMEOUT_MS)
        wait_for_incidents_drawn(page, 1)
        frame = page.frame_locator(MAP_IFRAME)
        show_whole_map(page)
        frame.locator("path.bw-incident").first.click(force=True)
        popup = frame.locator(".leaflet-popup-content")
        expect(popup).to_be_visible(timeout=TIMEOUT_MS)
        assert "<script>alert(1)</script>" in popup.inner_text()
        assert popup.locator("script").count() == 0
        assert "ACLED" in popup.inner_text()

        page.goto(
            f"{app.url}/?country=Algeria&type=Kidnapping+%2F+hostage-taking",
            wait_until="domcontentloaded",
        )
        expect(metric_value(page, "Incidents")).not_to_have_text("0", timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        page.screenshot(path=ARTIFACTS / "import-on-map.png", full_page=True)
        assert log.foreign(app.host) == []
    assert dialogs == [], "imported markup ran as code"
    assert len(geodata.incidents) > 0
