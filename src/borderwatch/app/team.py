"""The Data and Team pages' guarded actions: check the user's role, act, record it.

Every change to the shared datasets goes through here so that who may do it
(:mod:`borderwatch.team.access`) and what the audit trail records
(:mod:`borderwatch.team.audit`) are decided in one place, without Streamlit. Each action
returns a warning to show when the audit trail could not record it (the action itself has
happened by then), or ``None``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping

import pandas as pd

from borderwatch.app.backend import DatasetStoreBackend
from borderwatch.app.duplicates import MergedGroup
from borderwatch.importers import ImportResult
from borderwatch.store import DatasetInfo, DistinctPair
from borderwatch.team.access import Permission, parse_groups, require
from borderwatch.team.audit import AuditEvent, AuditLog
from borderwatch.team.identity import User

_LOG = logging.getLogger(__name__)


def record(log: AuditLog, event: AuditEvent) -> str | None:
    """Append ``event``; on failure log it and return what to tell the user."""
    try:
        log.append(event)
    except Exception as error:  # the action has happened: say so, never a traceback
        _LOG.exception("audit event %s by %s not recorded", event.action, event.user)
        return (
            f"The audit trail could not record this {event.action} ({type(error).__name__}); "
            "tell the server's administrator. Details are in the server log."
        )
    return None


def record_import(
    log: AuditLog, user: User, stored: DatasetInfo, result: ImportResult
) -> str | None:
    """Record that ``user`` imported ``stored`` (with the file's sha256 and row counts)."""
    return record(
        log,
        AuditEvent(
            user=user.id,
            action="import",
            dataset=stored.key,
            sha256=stored.source_sha256,
            detail={
                "name": stored.name,
                "file": result.file_name,
                "format": result.format,
                "rows_accepted": result.rows_accepted,
                "rows_rejected": result.rows_rejected,
            },
        ),
    )


def set_shown(
    store: DatasetStoreBackend, log: AuditLog, user: User, key: str, shown: bool
) -> str | None:
    """Show (enable) or hide (disable) a dataset for everyone, and record it."""
    require(user, Permission.ENABLE)
    info = store.set_enabled(key, shown)
    action = "enable" if shown else "disable"
    return record(log, AuditEvent(user=user.id, action=action, dataset=key, detail=_named(info)))


def delete_dataset(store: DatasetStoreBackend, log: AuditLog, user: User, key: str) -> str | None:
    """Delete a dataset, and record it (with its file's sha256: what was deleted)."""
    require(user, Permission.DELETE)
    info = store.info(key)
    store.delete(key)
    return record(
        log,
        AuditEvent(
            user=user.id,
            action="delete",
            dataset=key,
            sha256=info.source_sha256,
            detail=_named(info),
        ),
    )


def set_merging(
    store: DatasetStoreBackend, log: AuditLog, user: User, key: str, merge: bool
) -> str | None:
    """Switch duplicate merging on or off for a dataset (a shared setting), and record it."""
    from borderwatch.app import duplicates

    require(user, Permission.CHANGE_SETTINGS)
    info = duplicates.set_merging(store, key, merge)
    detail = {**_named(info), "merge_duplicates": merge}
    return record(log, AuditEvent(user=user.id, action="settings", dataset=key, detail=detail))


def split_merge(
    store: DatasetStoreBackend, log: AuditLog, user: User, group: MergedGroup
) -> str | None:
    """Split a merged incident into its reports (a shared setting), and record it."""
    from borderwatch.app import duplicates

    require(user, Permission.CHANGE_SETTINGS)
    duplicates.split_group(store, group)
    detail = {"split": [list(pair) for pair in group.pairs]}
    return record(log, AuditEvent(user=user.id, action="settings", detail=detail))


def undo_split(
    store: DatasetStoreBackend, log: AuditLog, user: User, pair: DistinctPair
) -> str | None:
    """Let two reports be merged again (a shared setting), and record it."""
    from borderwatch.app import duplicates

    require(user, Permission.CHANGE_SETTINGS)
    duplicates.undo_split(store, pair)
    detail = {"unsplit": list(pair.ids)}
    return record(log, AuditEvent(user=user.id, action="settings", detail=detail))


def restrict_dataset(
    store: DatasetStoreBackend, log: AuditLog, user: User, key: str, groups_text: str
) -> tuple[DatasetInfo, str | None]:
    """Restrict a dataset to the groups named in ``groups_text`` (none: everyone sees it),
    and record it; returns the dataset's new entry and the audit warning, if any."""
    require(user, Permission.MANAGE_ACCESS)
    before = store.info(key).groups
    info = store.set_groups(key, parse_groups(groups_text))
    warning = record(
        log,
        AuditEvent(
            user=user.id,
            action="restrict",
            dataset=key,
            detail={**_named(info), "groups": list(info.groups), "before": list(before)},
        ),
    )
    return info, warning


def record_export(
    log: AuditLog,
    user: User,
    data: bytes,
    *,
    file_format: str,
    filters: str,
    datasets: Iterable[str],
    title: str,
) -> str | None:
    """Record that ``user`` exported ``data`` (its sha256, format, filters, datasets)."""
    return record(
        log,
        AuditEvent(
            user=user.id,
            action="export",
            dataset=", ".join(sorted(set(datasets))),
            sha256=hashlib.sha256(data).hexdigest(),
            detail={"format": file_format, "filters": filters, "title": title},
        ),
    )


def visible_pairs(pairs: list[DistinctPair], hidden: frozenset[str]) -> list[DistinctPair]:
    """The split merges whose incidents all belong to datasets the user may see (an id is
    ``"<dataset key>:<original id>"``; curated ids have no dataset key)."""

    def seen(incident_id: str) -> bool:
        return incident_id.split(":", 1)[0] not in hidden if ":" in incident_id else True

    return [pair for pair in pairs if seen(pair.first) and seen(pair.second)]


def _named(info: DatasetInfo) -> Mapping[str, object]:
    return {"name": info.name, "file": info.source_file}


#: Columns of the audit table the Team page shows.
AUDIT_TABLE_COLUMNS = ("when (UTC)", "user", "action", "dataset", "sha256", "detail")


def audit_table(events: list[AuditEvent], *, limit: int = 1_000) -> pd.DataFrame:
    """The newest ``limit`` events as a table for the page, newest first (the CSV download
    carries all)."""
    import json

    rows = [
        (
            event.at.replace("T", " ")[:19],
            event.user,
            event.action,
            event.dataset,
            event.sha256,
            json.dumps(dict(event.detail), ensure_ascii=False, sort_keys=True),
        )
        for event in reversed(events[-limit:])
    ]
    return pd.DataFrame(rows, columns=list(AUDIT_TABLE_COLUMNS))
