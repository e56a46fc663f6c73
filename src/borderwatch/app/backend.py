"""Where the app keeps imported datasets and its audit trail: files (one machine, the
default) or the team server's PostgreSQL database (``BORDERWATCH_DATABASE_URL`` set).

Pages and the application layer ask here and never construct a back end themselves, so the
choice is made once, from :mod:`borderwatch.config`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Protocol

import geopandas as gpd

from borderwatch.config import Settings, settings
from borderwatch.store import DatasetInfo, DatasetStore, DistinctPair
from borderwatch.team.audit import AuditLog, FileAuditLog


class DatasetStoreBackend(Protocol):
    """What every dataset store offers (:class:`~borderwatch.store.DatasetStore` is the
    file back end); the PostGIS back end offers the same."""

    def list(self) -> builtins.list[DatasetInfo]: ...
    def info(self, key: str) -> DatasetInfo: ...
    def load(self, key: str) -> gpd.GeoDataFrame: ...
    def load_enabled(self) -> gpd.GeoDataFrame: ...
    def save(
        self,
        incidents: gpd.GeoDataFrame,
        *,
        name: str,
        source_format: str,
        source_file: str,
        rejected: int,
        source_sha256: str = "",
    ) -> DatasetInfo: ...
    def set_enabled(self, key: str, enabled: bool) -> DatasetInfo: ...
    def set_merge_duplicates(self, key: str, merge: bool) -> DatasetInfo: ...
    def set_groups(self, key: str, groups: Iterable[str]) -> DatasetInfo: ...
    def distinct_pairs(self) -> builtins.list[DistinctPair]: ...
    def declare_distinct(self, pairs: Iterable[tuple[str, str]]) -> builtins.list[DistinctPair]: ...
    def forget_distinct(self, pairs: Iterable[tuple[str, str]]) -> builtins.list[DistinctPair]: ...
    def delete(self, key: str) -> None: ...


def dataset_store(config: Settings | None = None) -> DatasetStoreBackend:
    """The dataset store in force: the database when one is configured, else files."""
    config = config or settings()
    if config.database_url:
        from borderwatch.team.db import open_dataset_store

        return open_dataset_store(config.database_url)
    return DatasetStore(config.data_dir)


def audit_log(config: Settings | None = None) -> AuditLog:
    """The audit trail in force: the database when one is configured, else a file."""
    config = config or settings()
    if config.database_url:
        from borderwatch.team.db import open_audit_log

        return open_audit_log(config.database_url)
    return FileAuditLog(config.data_dir)
