"""The team server's PostgreSQL + PostGIS back end (dataset store and audit trail).

Placeholder until the back end lands: configuring a database stops with a clear message.
"""

from __future__ import annotations

from typing import Any

from borderwatch.config import ConfigError


def open_dataset_store(url: str) -> Any:
    """The dataset store kept in the database at ``url``."""
    raise ConfigError("BORDERWATCH_DATABASE_URL is set, but this build has no database back end.")


def open_audit_log(url: str) -> Any:
    """The audit trail kept in the database at ``url``."""
    raise ConfigError("BORDERWATCH_DATABASE_URL is set, but this build has no database back end.")
