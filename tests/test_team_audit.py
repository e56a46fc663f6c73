"""The audit trail's file back end and the store's dataset groups."""

from __future__ import annotations

import csv
import io
import json

import pytest

from borderwatch.app.backend import audit_log, dataset_store
from borderwatch.config import Settings
from borderwatch.store import DatasetStore
from borderwatch.team.audit import AuditEvent, FileAuditLog, events_to_csv
from tests.test_store import _save


def test_file_audit_log_appends_and_reads_back(tmp_path):
    log = FileAuditLog(tmp_path)
    first = AuditEvent(user="alice", action="import", dataset="acled-1", sha256="ab" * 32)
    second = AuditEvent(user="bob", action="export", detail={"format": "kml", "years": [2014]})
    log.append(first)
    log.append(second)
    assert log.events() == [first, second]
    assert len(log.path.read_text(encoding="utf-8").splitlines()) == 2


def test_a_torn_last_line_does_not_hide_earlier_events(tmp_path):
    log = FileAuditLog(tmp_path)
    log.append(AuditEvent(user="alice", action="delete", dataset="gtd-1"))
    with open(log.path, "a", encoding="utf-8") as handle:
        handle.write('{"user": "bo')
    assert [event.user for event in log.events()] == ["alice"]


def test_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        AuditEvent(user="alice", action="rename")


def test_csv_export_neutralises_formulas_and_keeps_detail_as_json(tmp_path):
    events = [AuditEvent(user="=cmd|' /C calc'!A0", action="export", detail={"format": "csv"})]
    rows = list(csv.reader(io.StringIO(events_to_csv(events).decode("utf-8-sig"))))
    assert rows[0] == ["at", "user", "action", "dataset", "sha256", "detail"]
    assert rows[1][1].startswith("'=")
    assert json.loads(rows[1][5]) == {"format": "csv"}


def test_backends_default_to_files(tmp_path):
    config = Settings(data_dir=tmp_path)
    assert isinstance(dataset_store(config), DatasetStore)
    assert isinstance(audit_log(config), FileAuditLog)


def test_dataset_groups_are_stored_and_read_back(tmp_path):
    store = DatasetStore(tmp_path)
    info = _save(store)
    assert info.groups == ()
    restricted = store.set_groups(info.key, [" acled-licence ", "analysts", "analysts"])
    assert restricted.groups == ("acled-licence", "analysts")
    assert DatasetStore(tmp_path).info(info.key).groups == ("acled-licence", "analysts")
    with pytest.raises(ValueError, match="group name"):
        store.set_groups(info.key, [""])
