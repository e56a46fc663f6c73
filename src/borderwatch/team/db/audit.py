"""The audit trail in the team database: :class:`PostgisAuditLog`.

Rows of ``audit_events``. The app's role may only insert and select there, and a trigger
refuses UPDATE, DELETE and TRUNCATE for every role, so the trail is append-only from the
app's side whatever the app does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from borderwatch.team.audit import AuditEvent
from borderwatch.team.db.engine import connection


class PostgisAuditLog:
    """The audit trail kept in the database at ``url`` (implements ``AuditLog``)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def append(self, event: AuditEvent) -> None:
        """Record one event; it is committed (durable) when this returns."""
        with connection(self.url, write=True) as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO audit_events (at, "user", action, dataset, sha256, detail) '
                    "VALUES (:at, :user, :action, :dataset, :sha256, CAST(:detail AS jsonb))"
                ),
                {
                    "at": datetime.fromisoformat(event.at),
                    "user": event.user,
                    "action": event.action,
                    "dataset": event.dataset,
                    "sha256": event.sha256,
                    "detail": json.dumps(dict(event.detail), ensure_ascii=False, sort_keys=True),
                },
            )

    def events(self) -> list[AuditEvent]:
        """Every recorded event, oldest first (in the order they were recorded)."""
        with connection(self.url) as conn:
            rows = conn.execute(
                sa.text(
                    'SELECT at, "user", action, dataset, sha256, detail FROM audit_events '
                    "ORDER BY id"
                )
            )
            return [
                AuditEvent(
                    user=row.user,
                    action=row.action,
                    dataset=row.dataset,
                    sha256=row.sha256,
                    detail=dict(row.detail or {}),
                    at=row.at.astimezone(UTC).isoformat(timespec="seconds"),
                )
                for row in rows
            ]
