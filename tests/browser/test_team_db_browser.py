"""Team mode in Chromium: two app processes on one database see each other's imports and
deletions at once, and no file store is used."""

from __future__ import annotations

from playwright.sync_api import expect

from borderwatch.config import environment_variable
from borderwatch.devserver import running_app
from borderwatch.paths import REPO_ROOT
from borderwatch.team.db.store import PostgisDatasetStore

from .conftest import ARTIFACTS
from .test_incident_map_browser import metric_value

TIMEOUT_MS = 60_000
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled_current.csv"
TUNISIAN_AIR_STRIKES = "/?country=Tunisia&type=Air+strike"


def test_two_app_processes_share_imports_and_deletions(browser, empty_team_database, tmp_path):
    env = {
        environment_variable("database_url"): empty_team_database.app_url,
        environment_variable("data_dir"): str(tmp_path / "imports"),
        environment_variable("cache_dir"): str(tmp_path / "cache"),
    }
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    first, second = context.new_page(), context.new_page()
    with running_app(env=env) as one, running_app(env=env) as other:
        second.goto(f"{other.url}{TUNISIAN_AIR_STRIKES}", wait_until="domcontentloaded")
        expect(metric_value(second, "Incidents")).to_have_text("0", timeout=TIMEOUT_MS)

        first.goto(f"{one.url}/imports", wait_until="domcontentloaded")
        first.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(FIXTURE)
        first.get_by_role("button", name="Import").click()
        expect(first.get_by_text("Imported 6 incidents")).to_be_visible(timeout=TIMEOUT_MS)

        # The other process shows the import on its next run, without a restart.
        second.goto(f"{other.url}{TUNISIAN_AIR_STRIKES}", wait_until="domcontentloaded")
        expect(metric_value(second, "Incidents")).to_have_text("1", timeout=TIMEOUT_MS)
        second.screenshot(path=ARTIFACTS / "team-second-process.png", full_page=True)

        store = PostgisDatasetStore(empty_team_database.app_url)
        [info] = store.list()
        store.delete(info.key)
        first.goto(f"{one.url}{TUNISIAN_AIR_STRIKES}", wait_until="domcontentloaded")
        expect(metric_value(first, "Incidents")).to_have_text("0", timeout=TIMEOUT_MS)
    context.close()
    assert not (tmp_path / "imports").exists()  # team mode keeps no dataset files
