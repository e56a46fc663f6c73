"""Team mode, identity half: roles from claims and the roles file, permissions, restricted
datasets kept out of the prepared data, the audited actions, the start-up checks."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from borderwatch import paths
from borderwatch.app import team
from borderwatch.app.prepared import DataSettings, data_fingerprint, prepare_data
from borderwatch.config import ConfigError, settings
from borderwatch.importers import import_file
from borderwatch.store import DatasetStore, DistinctPair
from borderwatch.team import access
from borderwatch.team.access import AccessDeniedError, Permission
from borderwatch.team.audit import FileAuditLog
from borderwatch.team.identity import (
    Role,
    RoleTable,
    UnknownRoleError,
    User,
    load_roles_file,
    local_user,
    session_expired,
    user_from_claims,
)
from borderwatch.team.signin_setup import listen_port, provider_problem, section_problems
from borderwatch.ui import launcher

FIXTURES = paths.REPO_ROOT / "tests" / "fixtures" / "imports"
VIEWER = User("v@x.test", "V", Role.VIEWER, frozenset({"borderwatch"}))
ANALYST = User("a@x.test", "A", Role.ANALYST, frozenset({"borderwatch", "acled-licence"}))
ADMIN = User("d@x.test", "D", Role.ADMIN, frozenset({"borderwatch"}))


# --- identity -------------------------------------------------------------------------


def test_role_comes_from_the_claim_and_groups_from_theirs():
    claims = {"sub": "u1", "email": "A@x.test", "roles": ["analyst"], "groups": ["g1", "g2"]}
    user = user_from_claims(claims, settings(), RoleTable())
    assert (user.id, user.role, user.groups) == ("A@x.test", Role.ANALYST, {"g1", "g2"})


def test_a_string_claim_is_split_and_the_highest_role_wins():
    claims = {"sub": "u1", "roles": "viewer, admin", "groups": "g1 g2"}
    user = user_from_claims(claims, settings(), RoleTable())
    assert user.role is Role.ADMIN and user.groups == {"g1", "g2"} and user.id == "u1"


def test_claim_names_come_from_the_configuration(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_ROLES_CLAIM", "bw_roles")
    monkeypatch.setenv("BORDERWATCH_GROUPS_CLAIM", "teams")
    claims = {"sub": "u", "roles": ["admin"], "bw_roles": ["analyst"], "teams": ["t"]}
    user = user_from_claims(claims, settings(), RoleTable())
    assert user.role is Role.ANALYST and user.groups == {"t"}


def test_roles_file_gives_roles_by_user_then_by_group(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(
        'default = "none"\n[users]\n"Boss@x.test" = "viewer"\n[groups]\nbw-admins = "admin"\n',
        encoding="utf-8",
    )
    table = load_roles_file(path)
    by_group = user_from_claims({"sub": "s", "groups": ["bw-admins"]}, settings(), table)
    assert by_group.role is Role.ADMIN
    # A user's own entry wins over the groups' (an operator can demote one person).
    boss = {"sub": "b", "email": "boss@x.test", "groups": ["bw-admins"], "roles": ["admin"]}
    assert user_from_claims(boss, settings(), table).role is Role.VIEWER
    with pytest.raises(UnknownRoleError, match="no BorderWatch role"):
        user_from_claims({"sub": "nobody"}, settings(), table)


def test_default_role_applies_and_none_refuses(monkeypatch):
    assert user_from_claims({"sub": "s"}, settings(), RoleTable()).role is Role.VIEWER
    monkeypatch.setenv("BORDERWATCH_DEFAULT_ROLE", "none")
    with pytest.raises(UnknownRoleError):
        user_from_claims({"sub": "s"}, settings(), RoleTable())
    monkeypatch.setenv("BORDERWATCH_DEFAULT_ROLE", "superuser")
    with pytest.raises(ConfigError, match="BORDERWATCH_DEFAULT_ROLE"):
        settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[users]\nx = 'owner'\n", "is not a role"),
        ("[users\n", "not valid TOML"),
        ("admins = 'admin'\n", "unknown entries"),
    ],
)
def test_a_bad_roles_file_is_named_with_what_to_fix(tmp_path, text, message):
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_roles_file(path)
    with pytest.raises(ConfigError, match="does not exist"):
        load_roles_file(tmp_path / "missing.toml")


def test_auth_setting_reads_on_and_off(monkeypatch):
    assert settings().auth is False
    monkeypatch.setenv("BORDERWATCH_AUTH", "on")
    assert settings().auth is True
    monkeypatch.setenv("BORDERWATCH_AUTH", "maybe")
    with pytest.raises(ConfigError, match="BORDERWATCH_AUTH"):
        settings()


def test_an_old_or_undated_sign_in_has_expired():
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    fresh = {"auth_time": (now - timedelta(hours=1)).timestamp()}
    stale = {"iat": (now - timedelta(hours=13)).timestamp()}
    assert not session_expired(fresh, 12, now)
    assert session_expired(stale, 12, now)
    assert session_expired({}, 12, now)


# --- access ---------------------------------------------------------------------------


def test_what_each_role_may_do():
    viewer_may = {p for p in Permission if access.may(VIEWER, p)}
    analyst_may = {p for p in Permission if access.may(ANALYST, p)}
    assert viewer_may == set()
    assert analyst_may == {
        Permission.IMPORT,
        Permission.SERVER_PATH_IMPORT,
        Permission.ENABLE,
        Permission.CHANGE_SETTINGS,
        Permission.DELETE,
    }
    assert all(access.may(ADMIN, p) for p in Permission)
    assert all(access.may(local_user(), p) for p in Permission)
    with pytest.raises(AccessDeniedError, match="needs the analyst role"):
        access.require(VIEWER, Permission.DELETE)


def _store_with_restricted(directory) -> tuple[DatasetStore, str, str]:
    store = DatasetStore(directory)
    keys = []
    for name, dataset in (("ucdp_ged.csv", "ucdp"), ("acled_current.csv", "acled")):
        result = import_file((FIXTURES / name).read_bytes(), file_name=name, dataset=dataset)
        info = store.save(
            result.incidents,
            name=dataset.upper(),
            source_format=result.format,
            source_file=name,
            rejected=len(result.rejected),
            source_sha256=result.source_sha256,
        )
        keys.append(info.key)
    store.set_groups(keys[1], ["acled-licence"])
    return store, keys[0], keys[1]


def test_a_restricted_dataset_is_seen_only_by_its_groups(tmp_path):
    store, open_key, licensed = _store_with_restricted(tmp_path / "store")
    infos = store.list()
    assert [i.key for i in access.visible_datasets(VIEWER, infos)] == [open_key]
    assert [i.key for i in access.visible_datasets(ANALYST, infos)] == [open_key, licensed]
    # Administrators manage access but are no exception to it.
    assert access.hidden_dataset_keys(ADMIN, infos) == {licensed}
    assert access.hidden_dataset_keys(local_user(), infos) == frozenset()


def test_prepared_data_leaves_hidden_datasets_out_even_from_the_disk_cache(tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(paths.GEODATA_DIR, geodata)
    store, open_key, licensed = _store_with_restricted(tmp_path / "store")
    cache = tmp_path / "cache"
    everyone = DataSettings(geodata, store.directory, 3, 10.0)
    viewer = DataSettings(geodata, store.directory, 3, 10.0, hidden_datasets=frozenset({licensed}))
    assert data_fingerprint(everyone) != data_fingerprint(viewer)
    full = prepare_data(everyone, cache_dir=cache)
    assert licensed in set(full.incidents["dataset"])
    seen = prepare_data(viewer, cache_dir=cache)  # the analyst's copy is on disk beside it
    assert licensed not in set(seen.incidents["dataset"])
    assert open_key in set(seen.incidents["dataset"])
    assert len(seen.incidents) < len(full.incidents)


def test_split_merges_of_hidden_datasets_are_not_listed():
    pairs = [DistinctPair("ucdp-1:1", "acled-1:2", ""), DistinctPair("ucdp-1:1", "T-001", "")]
    assert team.visible_pairs(pairs, frozenset({"acled-1"})) == [pairs[1]]


def test_parse_groups_drops_blanks_and_repeats():
    assert access.parse_groups(" a, b\n a ,,c ") == ("a", "b", "c")


# --- audited actions -------------------------------------------------------------------


def test_guarded_actions_check_the_role_and_record_who_did_what(tmp_path):
    store, open_key, licensed = _store_with_restricted(tmp_path / "store")
    log = FileAuditLog(tmp_path / "store")
    with pytest.raises(AccessDeniedError):
        team.delete_dataset(store, log, VIEWER, open_key)
    with pytest.raises(AccessDeniedError):
        team.restrict_dataset(store, log, ANALYST, open_key, "g")
    assert team.set_shown(store, log, ANALYST, open_key, False) is None
    info, warning = team.restrict_dataset(store, log, ADMIN, open_key, "g1, g2")
    assert info.groups == ("g1", "g2") and warning is None
    sha = store.info(licensed).source_sha256
    assert team.delete_dataset(store, log, ANALYST, licensed) is None
    team.record_export(
        log, VIEWER, b"file", file_format="csv", filters="Tunisia", datasets=["x"], title="t"
    )
    events = log.events()
    assert [(e.user, e.action) for e in events] == [
        ("a@x.test", "disable"),
        ("d@x.test", "restrict"),
        ("a@x.test", "delete"),
        ("v@x.test", "export"),
    ]
    assert events[1].detail["groups"] == ["g1", "g2"]
    assert events[2].sha256 == sha and len(sha) == 64
    assert events[3].detail["filters"] == "Tunisia" and len(events[3].sha256) == 64
    assert list(team.audit_table(events)["action"]) == ["export", "delete", "restrict", "disable"]


def test_an_audit_trail_that_cannot_be_written_is_reported_not_raised(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    warning = team.record_export(
        FileAuditLog(blocked), VIEWER, b"x", file_format="csv", filters="", datasets=[], title=""
    )
    assert warning and "could not record this export" in warning


# --- start-up checks --------------------------------------------------------------------

GOOD_AUTH = {
    "redirect_uri": "http://127.0.0.1:8641/oauth2callback",
    "cookie_secret": "x" * 43,
    "client_id": "c",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


def test_secrets_problems_are_named():
    assert section_problems(GOOD_AUTH, 8641) == []
    assert "no [auth] section" in section_problems(None, 8641)[0]
    problems = " ".join(section_problems({**GOOD_AUTH, "cookie_secret": "short"}, 8642))
    assert "cookie_secret is 5 characters" in problems and "port 8641" in problems
    assert "no client_id" in " ".join(section_problems({**GOOD_AUTH, "client_id": ""}, 8641))


class _Metadata(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"issuer": "i", "authorization_endpoint": "a"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_unreachable_provider_is_a_clear_start_up_error():
    with HTTPServer(("127.0.0.1", 0), _Metadata) as server:
        port = server.server_address[1]
    # The port is closed now: nothing answers there.
    problem = provider_problem(f"http://127.0.0.1:{port}/.well-known/openid-configuration")
    assert problem and "does not answer" in problem and "dev_oidc.py" in problem


def test_a_reachable_provider_passes():
    server = HTTPServer(("127.0.0.1", 0), _Metadata)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/openid-configuration"
        assert provider_problem(url) is None
    finally:
        server.shutdown()
        server.server_close()


def test_launcher_refuses_to_start_a_team_server_whose_sign_in_cannot_work(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_AUTH", "on")
    monkeypatch.setattr(launcher, "sign_in_setup_problems", lambda options: ["no provider."])
    with pytest.raises(SystemExit, match="sign-in cannot work: no provider"):
        launcher.main(["--server.port", "8641"])


def test_team_server_options_come_last_and_win(monkeypatch):
    operator = ["--server.enableXsrfProtection", "false", "--server.port=8641"]
    assert launcher.streamlit_options(settings(), operator)[-3:] == operator
    monkeypatch.setenv("BORDERWATCH_AUTH", "on")
    team_options = launcher.streamlit_options(settings(), operator)
    assert team_options[-4:] == list(launcher.TEAM_SERVER_OPTIONS)
    assert listen_port(operator) == 8641 and listen_port(["--server.port", "9"]) == 9


def test_a_team_server_reads_server_paths_only_from_named_folders(monkeypatch, tmp_path):
    from borderwatch.app.imports import server_import_dirs

    monkeypatch.delenv("BORDERWATCH_SERVER_IMPORT_DIRS", raising=False)
    assert server_import_dirs("127.0.0.1")  # one analyst: the home folder
    monkeypatch.setenv("BORDERWATCH_AUTH", "on")
    assert server_import_dirs("127.0.0.1") == []
    monkeypatch.setenv("BORDERWATCH_SERVER_IMPORT_DIRS", str(tmp_path))
    assert server_import_dirs("127.0.0.1") == [tmp_path]


def test_splitting_a_merge_needs_the_analyst_role_and_is_recorded(tmp_path):
    from borderwatch.app.duplicates import MergedGroup

    store = DatasetStore(tmp_path / "store")
    log = FileAuditLog(tmp_path / "store")
    group = MergedGroup("T-001", ("T-001", "ucdp-1:7"), "n", "d", "p", "curated", "close")
    with pytest.raises(AccessDeniedError):
        team.split_merge(store, log, VIEWER, group)
    assert team.split_merge(store, log, ANALYST, group) is None
    pair = store.distinct_pairs()[0]
    assert team.undo_split(store, log, ANALYST, pair) is None
    assert store.distinct_pairs() == []
    assert [(e.action, sorted(e.detail)) for e in log.events()] == [
        ("settings", ["split"]),
        ("settings", ["unsplit"]),
    ]


def test_the_audit_trail_growing_does_not_invalidate_the_prepared_data(tmp_path):
    from borderwatch.team.audit import AuditEvent

    store, _, _ = _store_with_restricted(tmp_path / "store")
    chosen = DataSettings(paths.GEODATA_DIR, store.directory, 3, 10.0)
    before = data_fingerprint(chosen)
    FileAuditLog(store.directory).append(AuditEvent(user="u", action="sign-in"))
    assert data_fingerprint(chosen) == before


def test_launcher_refuses_a_broken_roles_file(monkeypatch, tmp_path):
    roles = tmp_path / "roles.toml"
    roles.write_text("[groups]\nstaff = 'chief'\n", encoding="utf-8")
    monkeypatch.setenv("BORDERWATCH_AUTH", "on")
    monkeypatch.setenv("BORDERWATCH_ROLES_FILE", str(roles))
    with pytest.raises(SystemExit, match="'chief' is not a role"):
        launcher.main([])


def test_administrators_manage_every_dataset_but_see_rows_of_their_groups_only(tmp_path):
    store, open_key, licensed = _store_with_restricted(tmp_path / "store")
    infos = store.list()
    assert [i.key for i in access.managed_datasets(ADMIN, infos)] == [open_key, licensed]
    assert [i.key for i in access.managed_datasets(VIEWER, infos)] == [open_key]
    assert [i.key for i in access.managed_datasets(ANALYST, infos)] == [open_key, licensed]
    assert access.hidden_dataset_keys(ADMIN, infos) == {licensed}
