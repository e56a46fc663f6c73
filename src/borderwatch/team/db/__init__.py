"""The team server's PostgreSQL + PostGIS back end (dataset store and audit trail).

Chosen by :mod:`borderwatch.app.backend` when ``BORDERWATCH_DATABASE_URL`` is set. Modules:
``engine`` (pooled connections, readiness check, clear errors), ``store``
(:class:`PostgisDatasetStore`), ``audit`` (:class:`PostgisAuditLog`), ``copying`` (incident
tables in and out by COPY), ``query`` (filters and map aggregation in SQL), ``setup``
(roles, migrations, curated layers; ``python -m borderwatch.team.db``). The tables are
described in ``docs/team-server.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from borderwatch.team.db.audit import PostgisAuditLog
    from borderwatch.team.db.store import PostgisDatasetStore


def open_dataset_store(url: str) -> PostgisDatasetStore:
    """The dataset store kept in the database at ``url``."""
    from borderwatch.team.db.store import PostgisDatasetStore

    return PostgisDatasetStore(url)


def open_audit_log(url: str) -> PostgisAuditLog:
    """The audit trail kept in the database at ``url``."""
    from borderwatch.team.db.audit import PostgisAuditLog

    return PostgisAuditLog(url)
