"""The team database: roles and grants, the append-only audit trail, what a dataset stores
beyond the file back end (border distance, groups, split merges), change counter, errors."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
import sqlalchemy as sa

from borderwatch.app.backend import audit_log, dataset_store
from borderwatch.config import Settings
from borderwatch.team.audit import AuditEvent
from borderwatch.team.db import setup
from borderwatch.team.db.audit import PostgisAuditLog
from borderwatch.team.db.engine import DatabaseUnavailableError, check_ready
from borderwatch.team.db.store import PostgisDatasetStore
from tests.test_store import _imported, _save


def _as_app(database, statement: str) -> None:
    engine = sa.create_engine(database.app_url, poolclass=sa.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE incidents ADD COLUMN note text",
        "DROP TABLE distinct_pairs",
        "CREATE TABLE mine (x int)",
        "DROP INDEX incidents_geom_idx",
        "CREATE INDEX mine_idx ON incidents (name)",
        "TRUNCATE borders",
        "UPDATE audit_events SET \"user\" = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE alembic_version SET version_num = 'x'",
    ],
)
def test_the_app_role_cannot_change_the_schema_or_the_audit_trail(team_database, statement):
    with pytest.raises(sa.exc.ProgrammingError, match=r"permission denied|must be owner"):
        _as_app(team_database, statement)


def test_the_audit_trail_refuses_changes_even_from_its_owner(team_database):
    PostgisAuditLog(team_database.app_url).append(AuditEvent(user="alice", action="import"))
    engine = sa.create_engine(team_database.owner_url, poolclass=sa.NullPool)
    for statement in ("UPDATE audit_events SET action = 'export'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    engine.dispose()


def test_audit_events_are_appended_and_read_back_in_order(team_database):
    log = audit_log(Settings(database_url=team_database.app_url))
    assert isinstance(log, PostgisAuditLog)
    before = log.events()
    first = AuditEvent(user="alice", action="import", dataset="acled-1", sha256="ab" * 32)
    second = AuditEvent(
        user="bob", action="export", detail={"format": "kml", "years": [2014], "note": "é"}
    )
    log.append(first)
    log.append(second)
    assert log.events() == [*before, first, second]


def test_the_backend_chooser_opens_the_database(team_database):
    chosen = dataset_store(Settings(database_url=team_database.app_url))
    assert isinstance(chosen, PostgisDatasetStore)


def test_border_distance_and_zone_are_stored_at_import(empty_team_database):
    target = PostgisDatasetStore(empty_team_database.app_url)
    info = _save(target)
    engine = sa.create_engine(empty_team_database.owner_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT original_id, nearest_border, border_distance_km, ST_SRID(geom) AS srid "
                "FROM incidents WHERE dataset = :key ORDER BY position"
            ),
            {"key": info.key},
        ).all()
    engine.dispose()
    placed = [row for row in rows if row.original_id not in ("ACLED1", "ACLED2")]
    assert len(rows) == 8 and len(placed) == 6
    assert all(row.nearest_border and row.border_distance_km >= 0 for row in placed)
    assert all(row.srid == 4326 for row in placed)
    unplaced = [row for row in rows if row.original_id in ("ACLED1", "ACLED2")]
    assert all(row.nearest_border is None for row in unplaced)


def test_groups_merging_and_split_merges_are_kept(empty_team_database):
    target = PostgisDatasetStore(empty_team_database.app_url)
    info = _save(target)
    assert info.groups == () and info.merge_duplicates is True
    restricted = target.set_groups(info.key, [" acled-licence ", "analysts", "analysts"])
    assert restricted.groups == ("acled-licence", "analysts")
    assert PostgisDatasetStore(empty_team_database.app_url).info(info.key).groups == (
        "acled-licence",
        "analysts",
    )
    with pytest.raises(ValueError, match="group name"):
        target.set_groups(info.key, [""])
    assert target.set_merge_duplicates(info.key, False).merge_duplicates is False

    pairs = target.declare_distinct([("b:1", "a:2"), ("a:2", "b:1"), ("c:1", "d:1")])
    assert [p.ids for p in pairs] == [("a:2", "b:1"), ("c:1", "d:1")]
    assert all(p.declared_at.endswith("+00:00") for p in pairs)
    with pytest.raises(ValueError, match="distinct from itself"):
        target.declare_distinct([("a", "a")])
    assert [p.ids for p in target.forget_distinct([("b:1", "a:2")])] == [("c:1", "d:1")]
    with pytest.raises(KeyError):
        target.set_groups("nope", ["x"])


def test_every_change_moves_the_version_other_processes_key_on(empty_team_database):
    one = PostgisDatasetStore(empty_team_database.app_url)
    other = PostgisDatasetStore(empty_team_database.app_url)
    seen = [other.version()]
    info = _save(one)
    seen.append(other.version())
    one.set_enabled(info.key, False)
    seen.append(other.version())
    one.declare_distinct([("a", "b")])
    seen.append(other.version())
    one.delete(info.key)
    seen.append(other.version())
    assert seen == sorted(set(seen)), seen  # strictly increasing
    assert other.list() == []


def test_concurrent_imports_get_distinct_keys(empty_team_database):
    keys: list[str] = []
    errors: list[BaseException] = []

    def save() -> None:
        try:
            keys.append(_save(PostgisDatasetStore(empty_team_database.app_url)).key)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(keys)) == 4
    assert len(PostgisDatasetStore(empty_team_database.app_url).load_enabled()) == 32


def test_a_failed_import_leaves_nothing_behind(empty_team_database, monkeypatch):
    from borderwatch.team.db import store as db_store

    target = PostgisDatasetStore(empty_team_database.app_url)

    def broken(*args, **kwargs):
        raise OSError("connection lost while copying")

    monkeypatch.setattr(db_store, "copy_into", broken)
    with pytest.raises(OSError, match="connection lost"):
        target.save(_imported(), name="x", source_format="ACLED", source_file="x.csv", rejected=0)
    assert target.list() == []


def test_an_unreachable_database_is_named_without_its_password():
    url = "postgresql+psycopg://borderwatch_app:s3cret@127.0.0.1:9/borderwatch"
    with pytest.raises(DatabaseUnavailableError) as caught:
        PostgisDatasetStore(url).list()
    message = f"{caught.value.summary()} {caught.value.remedy}"
    assert "s3cret" not in message
    assert "borderwatch_app:***@127.0.0.1:9/borderwatch" in message
    assert "cannot be reached" in message and "make team" in message
    with pytest.raises(DatabaseUnavailableError):
        check_ready(url)


def test_a_database_without_the_schema_says_to_migrate(team_database):
    engine = sa.create_engine(team_database.superuser_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS unmigrated"))
        conn.execute(sa.text("CREATE DATABASE unmigrated"))
    engine.dispose()
    url = team_database.superuser_url.rsplit("/", 1)[0] + "/unmigrated"
    with pytest.raises(DatabaseUnavailableError, match="no BorderWatch schema") as caught:
        check_ready(url)
    assert "migrate" in caught.value.remedy


def test_the_schema_is_current_and_the_curated_layer_loads(team_database):
    assert check_ready(team_database.app_url) >= 1
    counts = setup.load_curated(team_database.owner_url)
    assert counts["borders"] == 41 and counts["curated_incidents"] >= 100
    assert counts == setup.load_curated(team_database.owner_url)  # repeatable
    engine = sa.create_engine(team_database.app_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        srids = conn.execute(
            sa.text(
                "SELECT DISTINCT srid FROM geometry_columns WHERE f_table_name IN "
                "('incidents', 'curated_incidents', 'borders', 'countries', 'crossing_points')"
            )
        ).scalars()
        assert set(srids) == {4326}
        zoned = conn.execute(
            sa.text("SELECT count(*) FROM curated_incidents WHERE border_distance_km <= 50")
        ).scalar_one()
        assert zoned > 0
    engine.dispose()


def test_prepared_data_follows_the_database_at_once(empty_team_database, tmp_path):
    """What one app process imports or deletes, another one's next rerun shows (asked of
    the database: the prepared data holds the curated layer only)."""
    from borderwatch import paths
    from borderwatch.app.prepared import DataSettings, data_fingerprint, prepare_data

    chosen = DataSettings(
        geodata_dir=paths.GEODATA_DIR,
        store_dir=tmp_path / "unused",
        dedupe_days=3,
        dedupe_km=10.0,
        database_url=empty_team_database.app_url,
    )
    from borderwatch.app.selection import select
    from borderwatch.filters import IncidentFilter

    def shown() -> pd.Series:
        """The datasets of the rows the Incident map's table shows (all of them)."""
        return select(prepare_data(chosen), IncidentFilter(), chosen).table(10_000).rows["dataset"]

    before = data_fingerprint(chosen)
    curated = len(prepare_data(chosen).incidents)
    assert len(shown()) == curated
    other_process = PostgisDatasetStore(empty_team_database.app_url)
    info = _save(other_process, "GTD")
    assert data_fingerprint(chosen) != before
    assert (shown() == info.key).sum() >= 1
    assert len(shown()) > curated
    assert prepare_data(chosen).database_datasets == (info.key,)
    # The process holds the curated layer only: the imported rows stay in the database.
    assert len(prepare_data(chosen).incidents) == curated
    other_process.delete(info.key)
    assert len(shown()) == curated
    assert prepare_data(chosen).database_datasets == ()
    assert not (tmp_path / "unused").exists()  # team mode writes no files of its own


def test_awkward_texts_survive_the_copy(empty_team_database):
    """Empty text stays empty, missing stays missing, and quotes, commas, newlines, a
    backslash-N and non-Latin text come back as written."""
    table = _imported()
    awkward = ['say "no", then\nleave', "\\N", "", "تونس ; Tunisie", "a\\b{c}"]
    table.loc[table.index[:5], "summary"] = awkward
    table.loc[table.index[0], "perpetrator"] = None
    table.at[table.index[1], "sources"] = ('He said "x", {y}', "\\N")
    target = PostgisDatasetStore(empty_team_database.app_url)
    loaded = target.load(
        target.save(table, name="x", source_format="ACLED", source_file="x", rejected=0).key
    )
    assert loaded["summary"].tolist()[:5] == awkward
    assert pd.isna(loaded["perpetrator"].iloc[0])
    assert loaded["sources"].iloc[1] == ('He said "x", {y}', "\\N")


def test_the_narrow_facts_follow_their_dataset(empty_team_database):
    target = PostgisDatasetStore(empty_team_database.app_url)
    first, second = _save(target), _save(target, "GTD")
    engine = sa.create_engine(empty_team_database.owner_url, poolclass=sa.NullPool)
    count = "SELECT count(*) FROM incident_facts WHERE dataset = :key"
    with engine.connect() as conn:
        assert conn.execute(sa.text(count), {"key": first.key}).scalar_one() == 8
    target.delete(first.key)
    with engine.connect() as conn:
        assert conn.execute(sa.text(count), {"key": first.key}).scalar_one() == 0
        assert conn.execute(sa.text(count), {"key": second.key}).scalar_one() == 8
    engine.dispose()


def test_a_database_restart_loses_nothing_and_needs_no_app_restart(empty_team_database):
    target = PostgisDatasetStore(empty_team_database.app_url)
    log = PostgisAuditLog(empty_team_database.app_url)
    info = _save(target)
    event = AuditEvent(user="alice", action="import", dataset=info.key)
    log.append(event)
    empty_team_database.pg("stop")
    try:
        with pytest.raises(DatabaseUnavailableError, match="cannot be reached"):
            target.list()
    finally:
        empty_team_database.pg("start")
    # The same pooled engine reconnects; everything committed before the stop is there.
    assert target.list() == [info]
    assert len(target.load(info.key)) == 8
    assert log.events()[-1] == event
