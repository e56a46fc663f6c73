"""Team mode in a real browser: sign in through the development OpenID Connect provider
(``scripts/dev_oidc.py``) as a viewer and as an analyst, see what each may do (a dataset
restricted to a licensed group is invisible to the viewer, visible to the analyst), sign out,
and a tampered identity cookie is refused.

The provider's pages link a stylesheet on a public CDN: every request off the loopback
interface is aborted (the app itself never makes one; they are counted apart)."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from borderwatch.devserver import RunningApp, free_port, running_app
from borderwatch.importers import import_file
from borderwatch.paths import REPO_ROOT
from borderwatch.store import DatasetStore
from borderwatch.team.audit import FileAuditLog

from .conftest import ARTIFACTS

TIMEOUT_MS = 60_000
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "imports"
OFF_LOOPBACK = re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/]|localhost[:/]).*")


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The development provider on a free loopback port; yields its address."""
    server = _script("dev_oidc").make_server(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def team_root(tmp_path_factory) -> Path:
    """The team server's folder: secrets, datasets and audit trail (``imports/``), cache."""
    return tmp_path_factory.mktemp("team")


@pytest.fixture(scope="module")
def team_app(provider: str, team_root: Path) -> Iterator[RunningApp]:
    """A team server (sign-in on) whose store holds an open dataset and one restricted to
    the licensed group, with its own secrets file."""
    root = team_root
    store = DatasetStore(root / "imports")
    for name, label in (("ucdp_ged.csv", "Open UCDP"), ("acled_current.csv", "Licensed ACLED")):
        result = import_file((FIXTURES / name).read_bytes(), file_name=name, dataset="x")
        info = store.save(
            result.incidents,
            name=label,
            source_format=result.format,
            source_file=name,
            rejected=0,
            source_sha256=result.source_sha256,
        )
    store.set_groups(info.key, [_script("dev_oidc").LICENSED_GROUP])
    port = free_port()
    secrets = root / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(
        _script("team_secrets").secrets_toml(
            redirect_uri=f"http://127.0.0.1:{port}/oauth2callback",
            metadata_url=f"{provider}/.well-known/openid-configuration",
            client_id="borderwatch-test",
            client_secret="test-secret",
        ),
        encoding="utf-8",
    )
    env = {
        "BORDERWATCH_AUTH": "on",
        "BORDERWATCH_DATA_DIR": str(root / "imports"),
        "BORDERWATCH_CACHE_DIR": str(root / "cache"),
    }
    with running_app(env=env, port=port, cwd=root) as app:
        yield app


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.route(OFF_LOOPBACK, lambda route: route.abort())
    yield context
    context.close()


def _sign_in(page: Page, app: RunningApp, sub: str) -> None:
    page.goto(app.url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's user button
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=TIMEOUT_MS)


def _data_page(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/imports", wait_until="domcontentloaded")
    expect(page.get_by_text("Stored datasets")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Open UCDP")).to_be_visible(timeout=TIMEOUT_MS)


def test_viewer_sees_open_data_only_and_may_not_change_it(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app, "viewer")
    expect(page.get_by_text("Vera Viewer")).to_be_visible()
    _data_page(page, team_app)
    expect(page.get_by_text("may not import datasets")).to_be_visible()
    assert page.get_by_text("Licensed ACLED").count() == 0
    assert page.get_by_role("button", name="Delete").count() == 0
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert page.get_by_text("Team: audit & access").count() == 0
    page.screenshot(path=ARTIFACTS / "team-viewer-data.png", full_page=True)


def test_analyst_sees_the_licensed_dataset_and_may_manage_data(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app, "analyst")
    _data_page(page, team_app)
    expect(page.get_by_text("Licensed ACLED")).to_be_visible()
    expect(page.get_by_text("Restricted to: acled-licence")).to_be_visible()
    expect(page.locator("[data-testid='stFileUploader']")).to_be_visible()
    assert page.get_by_role("button", name="Delete").count() == 2
    page.screenshot(path=ARTIFACTS / "team-analyst-data.png", full_page=True)


def test_sign_out_ends_the_session(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app, "viewer")
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to end its own session too, then sends the browser back.
    end = page.get_by_role("button", name=re.compile("End session", re.I))
    end.or_(page.get_by_role("button", name="Sign in")).first.wait_for(timeout=TIMEOUT_MS)
    if end.count():
        end.click()
    page.goto(team_app.url, wait_until="domcontentloaded")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT_MS)
    assert "_streamlit_user" not in {c["name"] for c in context.cookies()}


def test_a_tampered_identity_cookie_is_refused(team_app, context):
    page = context.new_page()
    _sign_in(page, team_app, "viewer")
    cookies = context.cookies()
    user_cookie = next(c for c in cookies if c["name"] == "_streamlit_user")
    value = user_cookie["value"]
    # Another character in the signed payload: the signature no longer matches.
    forged = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    context.add_cookies([{**user_cookie, "value": forged}])
    page.goto(team_app.url, wait_until="domcontentloaded")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT_MS)
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.screenshot(path=ARTIFACTS / "team-forged-cookie.png", full_page=True)


def test_an_export_is_recorded_with_its_sha256_and_filters(team_app, team_root, context):
    page = context.new_page()
    _sign_in(page, team_app, "analyst")
    expect(page.get_by_text("Filtered incidents")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # charts below the map move the panel while they render
    page.get_by_text("Export this view").click()
    opener = page.get_by_role("button", name=re.compile(r"Download [\d,]+ incidents"))
    opener.scroll_into_view_if_needed()
    opener.click()
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="CSV (zip with provenance)").click()
    exported = Path(download_info.value.path()).read_bytes()
    event = FileAuditLog(team_root / "imports").events()[-1]
    assert (event.user, event.action) == ("analyst@borderwatch.test", "export")
    assert event.sha256 == hashlib.sha256(exported).hexdigest()
    assert event.detail["format"] == "csv" and "countries: all" in event.detail["filters"]


def test_a_team_server_refuses_cross_origin_reads(team_app):
    import urllib.request

    request = urllib.request.Request(
        f"{team_app.url}/_stcore/health", headers={"Origin": "http://elsewhere.test"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers.get("Access-Control-Allow-Origin") is None
