"""The local store of imported event datasets, kept across restarts (issue #6).

Layout of the store directory (:func:`data_dir`)::

    datasets.json              the registry: one entry per stored dataset (DatasetInfo)
    distinct.json              pairs of incidents the analyst declared distinct (split merges)
    acled-2026-11-24-1.parquet one GeoParquet file per dataset, incidents as imported
    .lock                      serialises writers (several app sessions, several processes)

Durability: every file is written to a temporary file in the same directory, flushed with
``fsync`` and moved into place with ``os.replace`` (atomic on POSIX and Windows), and the
directory entry is flushed too. A dataset is saved in two steps: its parquet file first,
then the registry. A crash between the two leaves an *orphan* parquet file that no entry
points at: it is ignored by every reader and removed by a later :meth:`DatasetStore.save`
(or :meth:`DatasetStore.remove_orphans`) once it is older than :data:`ORPHAN_MIN_AGE_S`. A
registry entry therefore never points at a half-written file. Deleting works the other way
round: the entry goes first, then the file.

Readers never lock: the registry is always replaced whole, so they see the old or the new
version. Writers take a lock (a thread lock, plus ``fcntl.flock`` where available) so that
two imports at the same moment cannot lose each other's registry entry or pick one key.

Column types: the in-memory incident table keeps ``origin_countries`` and ``sources`` as
tuples of strings (see ``docs/import-design.md``). Parquet has no tuple type, so they are
written as ``list<string>`` columns and turned back into tuples on load. Every other column
round-trips with its pandas dtype (``Int64`` fatalities keep their NA), and so does the
index (the importer's source row positions). A missing geometry (``None``, what the
importers give an incident without coordinates) stays missing; a ``POINT (NaN NaN)`` comes
back as ``POINT EMPTY`` (WKB cannot tell them apart). The ``latitude``/``longitude``
columns, which the app uses to decide whether an incident is placed, round-trip exactly.

Damage is reported, never repaired silently: an unreadable registry or dataset file raises
:class:`~borderwatch.errors.DataFileError` naming the file and what to do, and no other
dataset is touched.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from borderwatch.config import environment_variable, settings
from borderwatch.errors import DataFileError, Problem
from borderwatch.schemas import IMPORTED_INCIDENTS, INCIDENTS, LATER_COLUMNS, incident_ids

try:  # POSIX only; on Windows writers are serialised within one process only.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

#: Environment variable that moves the store elsewhere (tests, shared installations).
DATA_DIR_VARIABLE = environment_variable("data_dir")
REGISTRY_NAME = "datasets.json"
REGISTRY_FORMAT = "borderwatch-datasets"
REGISTRY_VERSION = 1
#: Orphan and temporary files younger than this are left alone: another process may be
#: between writing its parquet file and registering it.
ORPHAN_MIN_AGE_S = 3600.0
#: Columns of a stored incident table (:data:`~borderwatch.schemas.IMPORTED_INCIDENTS`).
INCIDENT_COLUMNS = tuple(IMPORTED_INCIDENTS.column_names)
#: Columns an imported incident table carries on top of the curated layout.
EXTRA_COLUMNS = INCIDENT_COLUMNS[len(INCIDENTS.columns) :]
#: Columns holding tuples in memory and ``list<string>`` in parquet.
TUPLE_COLUMNS = tuple(c.name for c in IMPORTED_INCIDENTS.columns if c.dtype == "object")

_TEMP_PREFIX = ".tmp-"
_KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PARQUET_ERRORS = (OSError, ValueError, TypeError, pa.ArrowException)


def data_dir() -> Path:
    """Where imported datasets live: ``$BORDERWATCH_DATA_DIR`` or ``<repo>/data/imports``."""
    return settings().data_dir


@dataclass(frozen=True)
class DatasetInfo:
    """One stored dataset, as listed in the registry.

    Parameters
    ----------
    key
        Short unique id, e.g. ``acled-2026-11-24-1``; prefixes the dataset's incident ids.
    name
        Name the analyst gave it.
    source_format
        Layout it was imported from (``ACLED``, ``UCDP GED``, ``GTD``, ``BorderWatch``).
    source_file
        Name of the file it was imported from.
    rows
        Incidents stored.
    rejected
        Rows of the source file the importer rejected.
    imported_at
        When it was saved, ISO 8601 in UTC (``2026-11-24T09:30:12+00:00``).
    enabled
        Whether it is shown with the curated incidents.
    file
        Name of its GeoParquet file inside the store directory.
    sha256
        Checksum of that file, checked on every load.
    source_sha256
        Checksum of the file it was imported from (empty for datasets stored before it was
        recorded).
    merge_duplicates
        Whether its incidents may be merged with reports of the same event in other
        datasets (:mod:`borderwatch.dedupe`); on by default.
    groups
        Groups allowed to see it (team mode: licensed data such as ACLED or GTD). Empty: every
        user sees it. A user outside the groups never sees its rows, counts, exports or entry.
    """

    key: str
    name: str
    source_format: str
    source_file: str
    rows: int
    rejected: int
    imported_at: str
    enabled: bool
    file: str
    sha256: str
    source_sha256: str = ""
    merge_duplicates: bool = True
    groups: tuple[str, ...] = ()


#: Fields every registry entry has.
_FIELD_TYPES = {
    "key": str,
    "name": str,
    "source_format": str,
    "source_file": str,
    "rows": int,
    "rejected": int,
    "imported_at": str,
    "enabled": bool,
    "file": str,
    "sha256": str,
}
#: Fields added later: an entry written before them gets the default.
_OPTIONAL_FIELD_TYPES = {"source_sha256": str, "merge_duplicates": bool, "groups": list}

DISTINCT_NAME = "distinct.json"
DISTINCT_FORMAT = "borderwatch-distinct-pairs"
DISTINCT_VERSION = 1


@dataclass(frozen=True)
class DistinctPair:
    """Two incidents the analyst declared to be different events: never merged.

    ``first`` and ``second`` are incident ids, sorted; ``declared_at`` is ISO 8601 UTC.
    """

    first: str
    second: str
    declared_at: str = ""

    @classmethod
    def of(cls, a: str, b: str, declared_at: str = "") -> DistinctPair:
        first, second = sorted((str(a), str(b)))
        return cls(first, second, declared_at)

    @property
    def ids(self) -> tuple[str, str]:
        return self.first, self.second


@dataclass
class _Registry:
    datasets: list[DatasetInfo]
    #: Keys of deleted datasets; never handed out again, so an incident id always means
    #: the same incident.
    retired: list[str]

    def find(self, key: str) -> int:
        for position, info in enumerate(self.datasets):
            if info.key == key:
                return position
        raise KeyError(f"no stored dataset has the key {key!r}")

    def to_json(self) -> str:
        document = {
            "format": REGISTRY_FORMAT,
            "version": REGISTRY_VERSION,
            "datasets": [asdict(info) for info in self.datasets],
            "retired": self.retired,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _group_names(groups: Iterable[str]) -> tuple[str, ...]:
    """Sorted, distinct, stripped group names; an empty name is refused."""
    names = {str(group).strip() for group in groups}
    if "" in names:
        raise ValueError("a group name must not be empty")
    return tuple(sorted(names))


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:20].strip("-")
    return slug or "dataset"


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be opened on Windows
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _to_parquet_table(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Copy ready for parquet: tuple columns as lists (the caller's table is not changed)."""
    out = incidents.copy(deep=False)
    for column in TUPLE_COLUMNS:
        if column in out.columns:
            out[column] = pd.Series(
                [list(v) if isinstance(v, tuple | list) else [] for v in out[column]],
                index=out.index,
                dtype=object,
            )
    return out


def _restore_tuples(frame: gpd.GeoDataFrame) -> None:
    for column in TUPLE_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.Series(
                [() if v is None else tuple(v) for v in frame[column]],
                index=frame.index,
                dtype=object,
            )


def empty_incidents() -> gpd.GeoDataFrame:
    """An imported-incident table with no rows, typed as :data:`IMPORTED_INCIDENTS` says."""
    return gpd.GeoDataFrame(IMPORTED_INCIDENTS.empty(), geometry=gpd.GeoSeries([], crs="EPSG:4326"))


def _check_savable(incidents: gpd.GeoDataFrame, *, name: str, rejected: int) -> None:
    if not isinstance(incidents, gpd.GeoDataFrame) or incidents.crs is None:
        raise ValueError("incidents must be a GeoDataFrame in EPSG:4326")
    missing = [
        c
        for c in (*INCIDENT_COLUMNS, "geometry")
        if c not in incidents.columns and c not in LATER_COLUMNS
    ]
    if missing:
        raise ValueError(f"the incident table lacks column(s): {', '.join(missing)}")
    if incidents.crs.to_epsg() != 4326:
        raise ValueError(f"incidents are in {incidents.crs}, expected EPSG:4326")
    if rejected < 0:
        raise ValueError("rejected must be >= 0")
    if not name.strip():
        raise ValueError("a stored dataset needs a name")


def _read_document(
    path: Path, kind: tuple[str, int, str], error: Callable[[str], DataFileError]
) -> dict | None:
    """A JSON document of ``kind`` (format, version, what it is) read from ``path``, or
    ``None`` when there is no file yet; anything else wrong becomes ``error(message)``."""
    fmt, version, what = kind
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot be read ({exc})") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"is not valid JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != fmt:
        raise error(f"is not {what}")
    if document.get("version") != version:
        raise error(
            f"has version {document.get('version')!r}; this BorderWatch reads version {version}"
        )
    return document


class DatasetStore:
    """Imported datasets kept in ``directory`` (created on first write).

    Every method reads the registry afresh, so several app sessions or processes can share
    one store. Methods that change it may be called concurrently.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def registry_path(self) -> Path:
        return self.directory / REGISTRY_NAME

    # ---------------------------------------------------------------- reading

    def list(self) -> builtins.list[DatasetInfo]:
        """Stored datasets in the order they were imported."""
        return builtins.list(self._read_registry().datasets)

    def info(self, key: str) -> DatasetInfo:
        """The registry entry of one dataset; ``KeyError`` if there is none."""
        registry = self._read_registry()
        return registry.datasets[registry.find(key)]

    def load(self, key: str) -> gpd.GeoDataFrame:
        """The incidents of one dataset as saved, index included (tuple columns restored).

        Raises
        ------
        KeyError
            No dataset has this key.
        DataFileError
            Its file is missing, damaged or changed since it was saved.
        """
        return self._load(self.info(key))

    def load_enabled(self) -> gpd.GeoDataFrame:
        """All enabled datasets in one table, in import order, with a fresh RangeIndex.

        With no dataset enabled, a typed empty table (:func:`empty_incidents`).

        A damaged dataset raises :class:`DataFileError` naming it; the caller can then
        offer to disable or delete it (both work on a damaged dataset).
        """
        frames = [self._load(info) for info in self._read_registry().datasets if info.enabled]
        if not frames:
            return empty_incidents()
        if len(frames) == 1:
            return frames[0].reset_index(drop=True)
        combined = pd.concat(frames, ignore_index=True)
        return gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")

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
        """Store an imported incident table as a new, enabled dataset.

        The dataset gets a new key ``<format>-<UTC date>-<n>``, never used before in this
        store. The table's ``dataset`` column is set to that key and its ``incident_id`` to
        :func:`~borderwatch.schemas.incident_ids` of it (the importer's labels were
        provisional), so ids follow the import contract. The caller's table is not modified.

        Raises
        ------
        ValueError
            The table lacks columns of the import contract or is not in EPSG:4326, or the
            name is empty.
        DataFileError
            The registry is unreadable (nothing is written then).
        """
        _check_savable(incidents, name=name, rejected=rejected)

        self.directory.mkdir(parents=True, exist_ok=True)
        with self._writing():
            registry = self._read_registry()
            self._remove_orphans(registry, ORPHAN_MIN_AGE_S)
            key = self._new_key(registry, source_format)
            file_name = f"{key}.parquet"

            table = _to_parquet_table(incidents)
            for column in LATER_COLUMNS:  # optional in a saved table: empty when absent
                if column not in table.columns:
                    table[column] = pd.Series("", index=table.index, dtype="str")
            table["dataset"] = key
            table["incident_id"] = incident_ids(key, table["original_id"])
            target = self.directory / file_name
            sha256 = self._write_atomically(target, lambda tmp: table.to_parquet(tmp))

            info = DatasetInfo(
                key=key,
                name=name,
                source_format=source_format,
                source_file=source_file,
                rows=len(table),
                rejected=int(rejected),
                imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
                enabled=True,
                file=file_name,
                sha256=sha256,
                source_sha256=source_sha256,
            )
            registry.datasets.append(info)
            self._write_registry(registry)
        return info

    def set_enabled(self, key: str, enabled: bool) -> DatasetInfo:
        """Show or hide a dataset; returns its updated entry."""
        with self._writing():
            registry = self._read_registry()
            position = registry.find(key)
            info = replace(registry.datasets[position], enabled=bool(enabled))
            registry.datasets[position] = info
            self._write_registry(registry)
        return info

    def set_merge_duplicates(self, key: str, merge: bool) -> DatasetInfo:
        """Let a dataset's incidents be merged with other datasets' reports, or not."""
        with self._writing():
            registry = self._read_registry()
            position = registry.find(key)
            info = replace(registry.datasets[position], merge_duplicates=bool(merge))
            registry.datasets[position] = info
            self._write_registry(registry)
        return info

    def set_groups(self, key: str, groups: Iterable[str]) -> DatasetInfo:
        """Restrict a dataset to the named groups (none: everyone sees it); returns its entry."""
        allowed = _group_names(groups)
        with self._writing():
            registry = self._read_registry()
            position = registry.find(key)
            info = replace(registry.datasets[position], groups=allowed)
            registry.datasets[position] = info
            self._write_registry(registry)
        return info

    # ---------------------------------------------------------------- split merges

    @property
    def distinct_path(self) -> Path:
        return self.directory / DISTINCT_NAME

    def distinct_pairs(self) -> builtins.list[DistinctPair]:
        """Pairs of incidents declared distinct, in the order they were declared."""
        return self._read_distinct()

    def declare_distinct(self, pairs: Iterable[tuple[str, str]]) -> builtins.list[DistinctPair]:
        """Declare each pair of incident ids to be different events (a wrong merge split).

        Pairs already declared are kept as they were; returns every pair now declared.
        """
        with self._writing():
            known = self._read_distinct()
            seen = {pair.ids for pair in known}
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for a, b in pairs:
                if a == b:
                    raise ValueError(f"an incident cannot be distinct from itself ({a!r})")
                pair = DistinctPair.of(a, b, now)
                if pair.ids not in seen:
                    known.append(pair)
                    seen.add(pair.ids)
            self._write_distinct(known)
        return known

    def forget_distinct(self, pairs: Iterable[tuple[str, str]]) -> builtins.list[DistinctPair]:
        """Undo :meth:`declare_distinct` for these pairs; returns the pairs still declared."""
        with self._writing():
            dropped = {DistinctPair.of(a, b).ids for a, b in pairs}
            kept = [pair for pair in self._read_distinct() if pair.ids not in dropped]
            self._write_distinct(kept)
        return kept

    def delete(self, key: str) -> None:
        """Remove a dataset: its registry entry first, then its file.

        If the file cannot be removed it stays behind as an orphan, cleaned up later.
        """
        with self._writing():
            registry = self._read_registry()
            info = registry.datasets.pop(registry.find(key))
            registry.retired.append(info.key)
            self._write_registry(registry)
            with contextlib.suppress(OSError):
                (self.directory / info.file).unlink(missing_ok=True)

    def remove_orphans(self, min_age_s: float = ORPHAN_MIN_AGE_S) -> builtins.list[Path]:
        """Delete parquet and temporary files no registry entry points at.

        Only files older than ``min_age_s`` are removed (younger ones may belong to a save
        in progress in another process). Nothing but temporary files is removed while the
        registry does not exist, so files left by a lost registry can still be recovered.
        Returns the files removed.
        """
        if not self.directory.is_dir():
            return []
        with self._writing():
            return self._remove_orphans(self._read_registry(), min_age_s)

    # ---------------------------------------------------------------- internals

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        resolved = self.directory.resolve()
        with _THREAD_LOCKS_GUARD:
            thread_lock = _THREAD_LOCKS.setdefault(resolved, threading.Lock())
        with thread_lock, (resolved / ".lock").open("a") as lock_file:
            if fcntl is not None:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    def _registry_remedy(self) -> str:
        return (
            f"Restore {REGISTRY_NAME} from a backup. If there is none, move it out of "
            f"{self.directory}: the datasets' .parquet files stay there, untouched, but "
            "they are no longer listed and must be imported again."
        )

    def _registry_error(self, message: str) -> DataFileError:
        return DataFileError(
            self.registry_path, [Problem(None, None, message)], remedy=self._registry_remedy()
        )

    def _read_registry(self) -> _Registry:
        document = _read_document(
            self.registry_path,
            (REGISTRY_FORMAT, REGISTRY_VERSION, "a BorderWatch dataset registry"),
            self._registry_error,
        )
        if document is None:
            return _Registry([], [])
        entries, retired = document.get("datasets"), document.get("retired", [])
        if not isinstance(entries, builtins.list) or not isinstance(retired, builtins.list):
            raise self._registry_error("'datasets' and 'retired' must be lists")

        problems: builtins.list[Problem] = []
        datasets: builtins.list[DatasetInfo] = []
        for number, entry in enumerate(entries, start=1):
            entry_problems = self._check_entry(entry)
            for message in entry_problems:
                problems.append(Problem(None, None, f"dataset entry {number}: {message}"))
            if not entry_problems:
                values = {f.name: entry[f.name] for f in fields(DatasetInfo) if f.name in entry}
                values["groups"] = tuple(values.get("groups", ()))
                datasets.append(DatasetInfo(**values))
        keys = [info.key for info in datasets]
        problems.extend(
            Problem(None, "key", f"'{key}' is used by more than one entry")
            for key in sorted({k for k in keys if keys.count(k) > 1})
        )
        if problems:
            raise DataFileError(self.registry_path, problems, remedy=self._registry_remedy())
        return _Registry(datasets, [str(k) for k in retired])

    @staticmethod
    def _check_entry(entry: object) -> builtins.list[str]:
        if not isinstance(entry, dict):
            return ["is not an object"]
        problems = []
        for name, kind in _FIELD_TYPES.items():
            value = entry.get(name)
            # bool is an int subclass; an int field must not accept true/false.
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                problems.append(f"field '{name}' is missing or not a {kind.__name__}")
        for name, kind in _OPTIONAL_FIELD_TYPES.items():
            if name in entry and not isinstance(entry[name], kind):
                problems.append(f"field '{name}' is not a {kind.__name__}")
        if isinstance(entry.get("groups"), builtins.list) and not all(
            isinstance(group, str) and group for group in entry["groups"]
        ):
            problems.append("field 'groups' must list non-empty group names")
        if problems:
            return problems
        if not _KEY_PATTERN.match(entry["key"]):
            problems.append(f"key '{entry['key']}' is not a valid dataset key")
        file = entry["file"]
        if Path(file).name != file or file.startswith(".") or not file.endswith(".parquet"):
            problems.append(f"file '{file}' is not a parquet file name inside the store")
        return problems

    def _write_registry(self, registry: _Registry) -> None:
        data = registry.to_json().encode("utf-8")
        self._write_atomically(self.registry_path, lambda tmp: Path(tmp).write_bytes(data))

    def _distinct_error(self, message: str) -> DataFileError:
        return DataFileError(
            self.distinct_path,
            [Problem(None, None, message)],
            remedy=(
                f"Restore {DISTINCT_NAME} from a backup, or move it out of {self.directory}: "
                "the merges you split are then made again until you split them once more."
            ),
        )

    def _read_distinct(self) -> builtins.list[DistinctPair]:
        document = _read_document(
            self.distinct_path,
            (DISTINCT_FORMAT, DISTINCT_VERSION, "a BorderWatch list of distinct incidents"),
            self._distinct_error,
        )
        if document is None:
            return []
        pairs = document.get("pairs")
        if not isinstance(pairs, builtins.list):
            raise self._distinct_error("'pairs' must be a list")
        out = []
        for number, entry in enumerate(pairs, start=1):
            ids = entry.get("ids") if isinstance(entry, dict) else None
            if (
                not isinstance(ids, builtins.list)
                or len(ids) != 2
                or not all(isinstance(i, str) and i for i in ids)
            ):
                raise self._distinct_error(f"pair {number} is not two incident ids")
            out.append(DistinctPair.of(ids[0], ids[1], str(entry.get("declared_at", ""))))
        return out

    def _write_distinct(self, pairs: builtins.list[DistinctPair]) -> None:
        document = {
            "format": DISTINCT_FORMAT,
            "version": DISTINCT_VERSION,
            "pairs": [{"ids": list(p.ids), "declared_at": p.declared_at} for p in pairs],
        }
        data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self._write_atomically(self.distinct_path, lambda tmp: Path(tmp).write_bytes(data))

    def _write_atomically(self, target: Path, write) -> str:
        """Write ``target`` through a synced temporary file; returns the file's sha256."""
        descriptor, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=_TEMP_PREFIX, suffix=target.suffix
        )
        os.close(descriptor)
        try:
            write(temporary)
            with open(temporary, "rb+") as stream:
                os.fsync(stream.fileno())
            sha256 = _sha256(Path(temporary))
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _fsync_directory(self.directory)
        return sha256

    def _new_key(self, registry: _Registry, source_format: str) -> str:
        prefix = f"{_slug(source_format)}-{datetime.now(UTC):%Y-%m-%d}"
        taken = {info.key for info in registry.datasets} | set(registry.retired)
        number = 1
        while (
            f"{prefix}-{number}" in taken
            or (self.directory / f"{prefix}-{number}.parquet").exists()
        ):
            number += 1
        return f"{prefix}-{number}"

    def _remove_orphans(self, registry: _Registry, min_age_s: float) -> builtins.list[Path]:
        referenced = {info.file for info in registry.datasets}
        registry_exists = self.registry_path.exists()
        now = time.time()
        removed = []
        for path in self.directory.iterdir():
            temporary = path.name.startswith(_TEMP_PREFIX)
            orphan = path.suffix == ".parquet" and path.name not in referenced and registry_exists
            if not (temporary or orphan):
                continue
            try:
                if now - path.stat().st_mtime < min_age_s:
                    continue
                path.unlink()
            except OSError:
                continue
            removed.append(path)
        return removed

    def _load(self, info: DatasetInfo) -> gpd.GeoDataFrame:
        path = self.directory / info.file
        remedy = (
            f"Delete the dataset '{info.name}' ({info.key}) and import {info.source_file} "
            f"again, or restore {info.file} from a backup of {self.directory}."
        )

        def error(message: str) -> DataFileError:
            return DataFileError(path, [Problem(None, None, message)], remedy=remedy)

        try:
            sha256 = _sha256(path)
        except FileNotFoundError as exc:
            raise error("the file is missing") from exc
        except OSError as exc:
            raise error(f"cannot be read ({exc})") from exc
        if sha256 != info.sha256:
            raise error("its content has changed since it was imported (checksum differs)")
        try:
            frame = gpd.read_parquet(path)
        except _PARQUET_ERRORS as exc:
            raise error(f"cannot be read as GeoParquet ({exc})") from exc
        # Datasets stored before the curation audit (or before exports named their datasets)
        # lack those columns: they are empty for such rows anyway.
        for column in LATER_COLUMNS:
            if column not in frame.columns:
                frame[column] = pd.Series("", index=frame.index, dtype="str")
        missing = [c for c in INCIDENT_COLUMNS if c not in frame.columns]
        if missing:
            raise DataFileError(
                path, [Problem(None, c, "column is missing") for c in missing], remedy=remedy
            )
        if len(frame) != info.rows:
            raise error(f"holds {len(frame)} rows, the registry says {info.rows}")
        _restore_tuples(frame)
        return frame
