"""Team mode in AppTest: the sign-in gate, what a viewer, an analyst and an admin see and may
do, restricted datasets, the audit trail. ``at.user`` stands for the provider's claims."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import paths
from borderwatch.importers import import_file
from borderwatch.store import DATA_DIR_VARIABLE, DatasetStore
from borderwatch.team.audit import FileAuditLog

APP = str(paths.REPO_ROOT / "app.py")
FIXTURES = paths.REPO_ROOT / "tests" / "fixtures" / "imports"
TIMEOUT_S = 60
LICENSED = "acled-licence"


def _claims(sub: str, role: str, groups: list[str], *, age_s: float = 60) -> dict:
    signed_in = time.time() - age_s
    return {
        "is_logged_in": True,
        "sub": sub,
        "email": f"{sub}@borderwatch.test",
        "name": sub.title(),
        "roles": [role],
        "groups": groups,
        "iat": signed_in,
        "auth_time": signed_in,
    }


VIEWER = _claims("viewer", "viewer", ["borderwatch"])
ANALYST = _claims("analyst", "analyst", ["borderwatch", LICENSED])
ADMIN = _claims("admin", "admin", ["borderwatch"])


@pytest.fixture
def team_store(tmp_path, monkeypatch):
    """Sign-in on; a store with an open UCDP dataset and an ACLED one restricted to the
    licensed group."""
    directory = tmp_path / "imports"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(directory))
    monkeypatch.setenv("BORDERWATCH_AUTH", "on")
    store = DatasetStore(directory)
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
    store.set_groups(info.key, [LICENSED])
    return store


def _app(claims: dict | None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.user = claims or {"is_logged_in": False}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)


def test_nothing_is_shown_before_sign_in(team_store):
    at = _app(None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.sidebar.multiselect


def test_an_expired_sign_in_is_refused(team_store):
    at = _app(_claims("viewer", "viewer", ["borderwatch"], age_s=13 * 3600))
    assert "Your sign-in has expired" in at.error[0].value
    assert [b.label for b in at.button] == ["Sign out"] and not at.metric


def test_a_user_without_a_role_is_refused(team_store, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DEFAULT_ROLE", "none")
    claims = {**VIEWER, "roles": []}
    at = _app(claims)
    assert "has no BorderWatch role" in at.error[0].value and not at.metric


def test_viewer_sees_open_data_only_and_cannot_change_it(team_store):
    at = _app(VIEWER)
    datasets = {row for row in at.dataframe[0].value.get("dataset_name", [])}
    assert "Licensed ACLED" not in " ".join(map(str, datasets))
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "Open UCDP" in text and "Licensed ACLED" not in text
    assert not at.get("file_uploader")
    assert any("may not import datasets" in i.value for i in at.info)
    assert any("may not import a file by its path" in i.value for i in at.info)
    dataset_toggles = [t for t in at.toggle if t.key.startswith(("enabled_", "merge_"))]
    assert dataset_toggles and all(t.disabled for t in dataset_toggles)
    assert not [b for b in at.button if b.label == "Delete"]


def test_analyst_sees_the_licensed_dataset_and_may_hide_it(team_store):
    at = _app(ANALYST, "pages/data.py")
    text = _text(at)
    assert "Open UCDP" in text and "Licensed ACLED" in text
    assert "Restricted to: acled-licence" in text
    assert at.get("file_uploader")
    assert [b for b in at.button if b.label == "Delete"]
    licensed = next(i for i in team_store.list() if i.groups)
    at.toggle(key=f"enabled_{licensed.key}").set_value(False).run()
    assert not at.exception, at.exception
    assert not team_store.info(licensed.key).enabled
    event = FileAuditLog(team_store.directory).events()[-1]
    assert (event.user, event.action, event.dataset) == (
        "analyst@borderwatch.test",
        "disable",
        licensed.key,
    )


def test_rows_of_a_restricted_dataset_reach_only_its_groups(team_store):
    def shown_rows(claims: dict) -> int:
        return int(_app(claims).metric[0].value.replace(",", ""))

    assert shown_rows(ANALYST) > shown_rows(VIEWER)


def test_admin_restricts_a_dataset_and_reads_the_audit_trail(team_store):
    at = _app(ADMIN, "pages/team.py")
    open_info = next(i for i in team_store.list() if not i.groups)
    at.text_input(key=f"groups_{open_info.key}").set_value("partners").run()
    next(b for b in at.button if b.key == f"save_groups_{open_info.key}").click().run()
    assert not at.exception, at.exception
    assert team_store.info(open_info.key).groups == ("partners",)
    trail = at.dataframe[0].value
    assert {"sign-in", "restrict"} <= set(trail["action"])
    assert any("Download the audit trail as CSV" in b.label for b in at.get("download_button"))


def test_the_team_page_is_not_offered_to_a_non_admin(team_store):
    at = _app(ANALYST)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/team.py")


def test_sign_out_signs_the_user_out(team_store):
    at = _app(VIEWER)
    at.sidebar.button(key="sign_out").click().run()
    assert at.user == {"is_logged_in": False} or not at.user.get("is_logged_in")


def test_a_team_server_reads_no_server_path_unless_folders_are_named(team_store, monkeypatch):
    monkeypatch.delenv("BORDERWATCH_SERVER_IMPORT_DIRS", raising=False)
    at = _app(ANALYST, "pages/data.py")
    at.text_input(key="import_path").set_value(str(FIXTURES / "ucdp_ged.csv")).run()
    assert not at.exception, at.exception
    assert any("switched off" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Import"]


def test_an_admin_manages_a_restricted_dataset_outside_its_groups(team_store):
    licensed = next(i for i in team_store.list() if i.groups)
    at = _app(ADMIN, "pages/data.py")
    assert any(
        "you manage it as an administrator" in c.value and LICENSED in c.value for c in at.caption
    )
    toggle = at.toggle(key=f"enabled_{licensed.key}")
    toggle.set_value(False).run()
    assert not at.exception, at.exception
    assert team_store.info(licensed.key).enabled is False
    # Managing is not seeing: the admin's map counts what a viewer's counts.
    team_store.set_enabled(licensed.key, True)
    assert _app(ADMIN).metric[0].value == _app(VIEWER).metric[0].value
    at = _app(ADMIN, "pages/data.py")
    next(b for b in at.button if b.key == f"delete_{licensed.key}").click().run()
    assert not at.exception, at.exception
    assert licensed.key not in {i.key for i in team_store.list()}
