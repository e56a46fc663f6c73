"""Imported datasets in the team database: :class:`PostgisDatasetStore`.

The same public API as the file store (:class:`borderwatch.store.DatasetStore`, see
:class:`borderwatch.app.backend.DatasetStoreBackend`), on the tables of
``migrations/versions/0001_team_schema.py``. Every change is one transaction: a dataset is
registered and its incidents copied together or not at all, so a crash or a lost
connection leaves nothing half-written, and another app process sees the change as soon as
it commits. Keys are handed out under a transaction-scoped advisory lock, so two imports at
the same moment never pick the same key.

At import the nearest land border of every placed incident and the geodesic distance to it
are measured (:mod:`borderwatch.proximity`) and stored, so filters by border zone run in
the database and pages need not measure them again.

``DatasetInfo.file`` is empty for a dataset kept in the database, and ``sha256`` is the
checksum of the rows as they were copied in (the COPY stream), kept for provenance.
"""

from __future__ import annotations

import builtins
import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from borderwatch import loading
from borderwatch.config import settings
from borderwatch.proximity import BorderIndex
from borderwatch.schemas import LATER_COLUMNS, incident_ids
from borderwatch.store import (
    DatasetInfo,
    DistinctPair,
    _check_savable,
    _group_names,
    _slug,
    empty_incidents,
)
from borderwatch.team.db.copying import (
    copy_into,
    copy_out,
    incidents_csv,
    read_incidents_csv,
    select_list,
)
from borderwatch.team.db.engine import connection

#: Advisory lock id taken while a key is chosen ("BWkeys" in ASCII).
_KEY_LOCK = 0x42574B657973
#: The columns of ``incident_facts`` (migration 0003), the query path's narrow copy.
FACT_COLUMNS = (
    "dataset, position, date_start, date_end, country_iso3, event_type, perpetrator, "
    "fatalities_low, fatalities_best, fatalities_high, location_precision, verification, "
    "nearest_border, border_distance_km, latitude, longitude, geom"
)
FACT_COLUMN_NAMES = tuple(name.strip() for name in FACT_COLUMNS.split(","))
#: Rows turned into CSV and copied at a time by :meth:`PostgisDatasetStore.save`.
COPY_CHUNK_ROWS = 100_000
_INFO_COLUMNS = (
    "key, name, source_format, source_file, rows, rejected, imported_at, enabled, sha256, "
    "source_sha256, merge_duplicates, groups"
)


@cache
def border_index(geodata_dir: Path) -> BorderIndex:
    """The border index of the curated layer in ``geodata_dir`` (built once per process)."""
    return BorderIndex.from_borders(loading.load_borders(geodata_dir / "borders.geojson"))


def _info(row: sa.Row) -> DatasetInfo:
    imported = row.imported_at.astimezone(UTC).isoformat(timespec="seconds")
    return DatasetInfo(
        key=row.key,
        name=row.name,
        source_format=row.source_format,
        source_file=row.source_file,
        rows=int(row.rows),
        rejected=int(row.rejected),
        imported_at=imported,
        enabled=bool(row.enabled),
        file="",
        sha256=row.sha256,
        source_sha256=row.source_sha256,
        merge_duplicates=bool(row.merge_duplicates),
        groups=tuple(row.groups or ()),
    )


class PostgisDatasetStore:
    """Imported datasets kept in the PostgreSQL + PostGIS database at ``url``."""

    def __init__(self, url: str, *, geodata_dir: Path | None = None) -> None:
        self.url = url
        self.geodata_dir = Path(geodata_dir or settings().geodata_dir)

    # ---------------------------------------------------------------- reading

    def list(self) -> builtins.list[DatasetInfo]:
        """Stored datasets in the order they were imported."""
        with connection(self.url) as conn:
            rows = conn.execute(sa.text(f"SELECT {_INFO_COLUMNS} FROM datasets ORDER BY seq"))
            return [_info(row) for row in rows]

    def info(self, key: str) -> DatasetInfo:
        """The entry of one dataset; ``KeyError`` if there is none."""
        with connection(self.url) as conn:
            return self._info(conn, key)

    def version(self) -> int:
        """A number that changes with every change to the datasets, their incidents or the
        split merges (the database's ``store_version`` sequence): key caches on it."""
        with connection(self.url) as conn:
            return int(conn.execute(sa.text("SELECT last_value FROM store_version")).scalar_one())

    def load(self, key: str) -> gpd.GeoDataFrame:
        """The incidents of one dataset as saved, index included (tuple columns restored)."""
        with connection(self.url) as conn:
            self._info(conn, key)
            return self._copy_out(conn, "WHERE incidents.dataset = %s", (key,))

    def load_enabled(self) -> gpd.GeoDataFrame:
        """All enabled datasets in one table, in import order, with a fresh RangeIndex."""
        with connection(self.url) as conn:
            frame = self._copy_out(
                conn,
                "JOIN datasets ON datasets.key = incidents.dataset WHERE datasets.enabled",
                (),
                order="datasets.seq, incidents.position",
            )
        if frame.empty:
            return empty_incidents()
        return frame.reset_index(drop=True)

    # ---------------------------------------------------------------- writing

    def save(
        self,
        incidents: gpd.GeoDataFrame,
        *,
        name: str,
        source_format: str,
        source_file: str,
        rejected: int,
        source_sha256: str = "",
    ) -> DatasetInfo:
        """Store an imported incident table as a new, enabled dataset (one transaction).

        Keys, ids and checks as :meth:`borderwatch.store.DatasetStore.save`; the border
        distance and nearest border of each incident are measured and stored with it.
        """
        _check_savable(incidents, name=name, rejected=rejected)
        table = incidents.copy(deep=False)
        for column in LATER_COLUMNS:
            if column not in table.columns:
                table[column] = pd.Series("", index=table.index, dtype="str")
        distance, pair = border_index(self.geodata_dir).nearest(
            table["longitude"].to_numpy(), table["latitude"].to_numpy()
        )
        table["border_distance_km"], table["nearest_border"] = distance, pair
        with connection(self.url, write=True) as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _KEY_LOCK})
            key = self._new_key(conn, source_format)
            table["dataset"] = key
            table["incident_id"] = incident_ids(key, table["original_id"])
            # The entry first (the incidents refer to it), its checksum once they are in:
            # one transaction, so no one sees the one without the other.
            conn.execute(
                sa.text(
                    "INSERT INTO datasets (key, name, source_format, source_file, rows, "
                    "rejected, sha256, source_sha256) VALUES (:key, :name, :format, :file, "
                    ":rows, :rejected, '', :source_sha256)"
                ),
                {
                    "key": key,
                    "name": name,
                    "format": source_format,
                    "file": source_file,
                    "rows": len(table),
                    "rejected": int(rejected),
                    "source_sha256": source_sha256,
                },
            )
            conn.execute(
                sa.text("UPDATE datasets SET sha256 = :sha256 WHERE key = :key"),
                {"key": key, "sha256": self._copy_in(conn, key, table)},
            )
            self._count_in(conn, key)
            return self._info(conn, key)

    def set_enabled(self, key: str, enabled: bool) -> DatasetInfo:
        """Show or hide a dataset; returns its updated entry."""
        return self._update(key, "enabled = :value", bool(enabled))

    def set_merge_duplicates(self, key: str, merge: bool) -> DatasetInfo:
        """Let a dataset's incidents be merged with other datasets' reports, or not."""
        return self._update(key, "merge_duplicates = :value", bool(merge))

    def set_groups(self, key: str, groups: Iterable[str]) -> DatasetInfo:
        """Restrict a dataset to the named groups (none: everyone sees it)."""
        return self._update(key, "groups = :value", builtins.list(_group_names(groups)))

    def delete(self, key: str) -> None:
        """Remove a dataset and its incidents; its key is never handed out again."""
        with connection(self.url, write=True) as conn:
            deleted = conn.execute(
                sa.text("DELETE FROM datasets WHERE key = :key RETURNING key"), {"key": key}
            ).first()
            if deleted is None:
                raise KeyError(f"no stored dataset has the key {key!r}")
            conn.execute(
                sa.text(
                    "INSERT INTO retired_dataset_keys (key) VALUES (:key) ON CONFLICT DO NOTHING"
                ),
                {"key": key},
            )

    # ---------------------------------------------------------------- split merges

    def distinct_pairs(self) -> builtins.list[DistinctPair]:
        """Pairs of incidents declared distinct, in the order they were declared."""
        with connection(self.url) as conn:
            return self._pairs(conn)

    def declare_distinct(self, pairs: Iterable[tuple[str, str]]) -> builtins.list[DistinctPair]:
        """Declare each pair of incident ids to be different events; returns every pair."""
        with connection(self.url, write=True) as conn:
            for a, b in pairs:
                if a == b:
                    raise ValueError(f"an incident cannot be distinct from itself ({a!r})")
                pair = DistinctPair.of(a, b)
                conn.execute(
                    sa.text(
                        "INSERT INTO distinct_pairs (first_id, second_id) VALUES (:a, :b) "
                        "ON CONFLICT DO NOTHING"
                    ),
                    {"a": pair.first, "b": pair.second},
                )
            return self._pairs(conn)

    def forget_distinct(self, pairs: Iterable[tuple[str, str]]) -> builtins.list[DistinctPair]:
        """Undo :meth:`declare_distinct` for these pairs; returns the pairs still declared."""
        with connection(self.url, write=True) as conn:
            for a, b in pairs:
                pair = DistinctPair.of(a, b)
                conn.execute(
                    sa.text("DELETE FROM distinct_pairs WHERE first_id = :a AND second_id = :b"),
                    {"a": pair.first, "b": pair.second},
                )
            return self._pairs(conn)

    # ---------------------------------------------------------------- internals

    @staticmethod
    def _info(conn: Connection, key: str) -> DatasetInfo:
        row = conn.execute(
            sa.text(f"SELECT {_INFO_COLUMNS} FROM datasets WHERE key = :key"), {"key": key}
        ).first()
        if row is None:
            raise KeyError(f"no stored dataset has the key {key!r}")
        return _info(row)

    @staticmethod
    def _pairs(conn: Connection) -> builtins.list[DistinctPair]:
        rows = conn.execute(
            sa.text("SELECT first_id, second_id, declared_at FROM distinct_pairs ORDER BY seq")
        )
        return [
            DistinctPair(
                r.first_id, r.second_id, r.declared_at.astimezone(UTC).isoformat(timespec="seconds")
            )
            for r in rows
        ]

    def _update(self, key: str, assignment: str, value: object) -> DatasetInfo:
        with connection(self.url, write=True) as conn:
            updated = conn.execute(
                sa.text(f"UPDATE datasets SET {assignment} WHERE key = :key RETURNING key"),
                {"key": key, "value": value},
            ).first()
            if updated is None:
                raise KeyError(f"no stored dataset has the key {key!r}")
            return self._info(conn, key)

    @staticmethod
    def _new_key(conn: Connection, source_format: str) -> str:
        prefix = f"{_slug(source_format)}-{datetime.now(UTC):%Y-%m-%d}"
        taken = set(
            conn.execute(
                sa.text(
                    "SELECT key FROM datasets WHERE key LIKE :p UNION "
                    "SELECT key FROM retired_dataset_keys WHERE key LIKE :p"
                ),
                {"p": prefix + "-%"},
            ).scalars()
        )
        numbers = [
            int(k.rsplit("-", 1)[1]) for k in taken if re.fullmatch(re.escape(prefix) + r"-\d+", k)
        ]
        return f"{prefix}-{max(numbers, default=0) + 1}"

    @staticmethod
    def _copy_in(conn: Connection, key: str, table: gpd.GeoDataFrame) -> str:
        """COPY ``table`` into ``incidents`` and its narrow columns into ``incident_facts``,
        in chunks (memory stays bounded for a million rows); returns the sha256 of the
        incidents' rows as copied."""
        digest = hashlib.sha256()
        for start in range(0, len(table), COPY_CHUNK_ROWS):
            chunk = table.iloc[start : start + COPY_CHUNK_ROWS]
            data = incidents_csv(chunk, first_position=start)
            digest.update(data)
            copy_into(conn, "incidents", data)
            facts = incidents_csv(chunk, first_position=start, columns=FACT_COLUMN_NAMES)
            copy_into(conn, "incident_facts", facts, FACT_COLUMN_NAMES)
        return digest.hexdigest()

    @staticmethod
    def _count_in(conn: Connection, key: str) -> None:
        """Count the dataset's incidents into ``incident_counts`` and its placed ones into
        ``incident_cell_counts`` (migrations 0004, 0005), from the narrow copy just written."""
        # Imported here: the query module builds on this one.
        from borderwatch.aggregate import CELL_SIZES_DEG
        from borderwatch.team.db.query import (
            CELL_COUNT_COLUMNS,
            COUNT_COLUMNS,
            cell_counts_select,
            counts_select,
        )

        facts = "incident_facts WHERE dataset = :key"
        conn.execute(
            sa.text(
                f"INSERT INTO incident_counts (dataset, {COUNT_COLUMNS}) SELECT :key, * FROM "
                f"({counts_select(facts)}) AS counted"
            ),
            {"key": key},
        )
        conn.execute(
            sa.text(
                f"INSERT INTO incident_cell_counts (dataset, {CELL_COUNT_COLUMNS}) "
                f"SELECT :key, * FROM ({cell_counts_select(facts)}) AS counted"
            ),
            {"key": key, "cell_sizes": list(CELL_SIZES_DEG)},
        )

    @staticmethod
    def _copy_out(
        conn: Connection, where: str, params: tuple, *, order: str = "incidents.position"
    ) -> gpd.GeoDataFrame:
        query = f"SELECT {select_list('incidents')} FROM incidents {where} ORDER BY {order}"
        return read_incidents_csv(copy_out(conn, query, params))
