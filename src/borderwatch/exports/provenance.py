"""What an export shows and where its data came from, attached to every export.

The provenance is built from the rows exported (:func:`make_provenance` with
``incidents``): every dataset that contributed a row is named with what the store's
registry knows of it (name, source format, source file and its SHA-256, rows, import time)
and the licence note of its source format (:data:`LICENCE_NOTES`); datasets whose reports
were merged into exported rows are named too. The curated files are listed only when
curated rows are exported (and the base map's files always).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from borderwatch import __version__, paths
from borderwatch.manifest import read_manifest
from borderwatch.schemas import CURATED_DATASET, CURATED_SOURCE

#: Files of the data layer that draw the base map (credited to Natural Earth).
BASE_MAP_FILES = ("countries.geojson", "borders.geojson", "barriers.geojson")
#: Curated files whose rows are incidents (listed only when curated incidents are exported).
CURATED_INCIDENT_FILES = ("incidents.csv",)

NATURAL_EARTH_CREDIT = "Borders: Natural Earth (public domain)."
CURATED_CREDIT = (
    "Incidents, arrangements, crossings: BorderWatch curation from public reporting, sources "
    "cited per row."
)

#: What the export's reader must know about each source format's terms. Wording kept to
#: what BorderWatch knows (``/work/shared/research/data-sources.md``): ACLED's and GTD's
#: terms forbid redistributing their data; UCDP's licence is not confirmed here.
LICENCE_NOTES: dict[str, str] = {
    "ACLED": (
        "ACLED data, imported from the analyst's own ACLED export: ACLED's terms of use "
        "forbid redistributing the data; see the provider's terms before sharing this file."
    ),
    "UCDP GED": (
        "UCDP Georeferenced Event Dataset, imported from the analyst's own copy: see the "
        "provider's terms (licence not confirmed by BorderWatch) before sharing this file."
    ),
    "GTD": (
        "Global Terrorism Database, imported from the analyst's own copy: the GTD's terms "
        "forbid redistributing the data; see the provider's terms before sharing this file."
    ),
    "BorderWatch": (
        "A file in BorderWatch's layout supplied by the analyst: terms as set by whoever "
        "compiled it; see the sources cited per row."
    ),
}
UNKNOWN_LICENCE = "Source format not recognised: see the provider's terms."

#: ``DatasetInfo.source_format`` (an importer layout key) -> the source family named above.
_FAMILIES = {
    "acled": "ACLED",
    "acled_legacy": "ACLED",
    "ucdp_ged": "UCDP GED",
    "gtd": "GTD",
    "borderwatch_csv": "BorderWatch",
}


@dataclass(frozen=True)
class Provenance:
    """Provenance of one export.

    Parameters
    ----------
    title
        What the export shows, as the analyst titled it.
    filters
        The filters applied, in words (e.g. ``IncidentFilter.describe``).
    datasets
        One entry per data-layer file used (``file``, ``sha256``, ``source``, …) and, with
        ``"kind": "imported dataset"``, one per imported dataset that contributed rows:
        ``name``, ``key``, ``source_format``, ``source_file``, ``source_sha256`` (of the
        file imported), ``stored_file`` and ``sha256`` (of the stored copy), ``rows``
        (exported rows from it), ``merged_reports`` (its reports merged into exported rows
        of other datasets), ``imported_at`` and ``licence``.
    generated_at
        UTC time of generation, ISO 8601.
    software
        ``BorderWatch <version>``.
    attribution
        Credits and licence notes that must travel with the export.
    """

    title: str
    filters: str
    datasets: list[dict[str, Any]] = field(default_factory=list)
    generated_at: str = ""
    software: str = f"BorderWatch {__version__}"
    attribution: str = f"{NATURAL_EARTH_CREDIT} {CURATED_CREDIT}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def imported(self) -> list[dict[str, Any]]:
        """The imported datasets among :attr:`datasets`."""
        return [d for d in self.datasets if d.get("kind") == "imported dataset"]

    def dataset_keys(self) -> list[str]:
        """Keys of the datasets whose incidents the export carries or draws: ``curated``
        when the curated incidents are among them, then each imported dataset's."""
        curated = any(
            d.get("file") in CURATED_INCIDENT_FILES and d.get("rows", 1) for d in self.datasets
        )
        return [CURATED_DATASET] * curated + [str(d["key"]) for d in self.imported]

    def as_lines(self) -> list[str]:
        """Human-readable lines, for captions on images and document descriptions."""
        used = ", ".join(
            f"{d['file']} ({d['sha256'][:12]})"
            for d in self.datasets
            if "sha256" in d and d.get("kind") != "imported dataset"
        )
        lines = [
            f"Filters: {self.filters}",
            f"Data: {used}" if used else "Data: BorderWatch data layer",
        ]
        for d in self.imported:
            checksum = d.get("source_sha256") or d.get("sha256") or ""
            rows = f"{d['rows']:,} rows" + (
                f", {d['merged_reports']:,} merged reports" if d.get("merged_reports") else ""
            )
            lines.append(
                f"Imported: '{d['name']}' ({d['source_format']}, {d['source_file']}"
                + (f", sha256 {checksum[:12]}" if checksum else "")
                + f", {rows}, imported {d['imported_at']})"
            )
        return [*lines, self.attribution, f"Generated {self.generated_at} by {self.software}"]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def licence_note(source_format: str) -> str:
    """The licence note of a source format (a layout key or a ``source_dataset`` value)."""
    family = _FAMILIES.get(source_format, source_format)
    return LICENCE_NOTES.get(family, UNKNOWN_LICENCE)


def _curated_files(files: Iterable[str]) -> list[dict[str, Any]]:
    manifest = read_manifest(paths.geodata_dir() / paths.MANIFEST_FILE.name)
    by_name = {entry["file"]: entry for entry in manifest["files"]}
    natural_earth = manifest["sources"]["natural_earth"]
    datasets = []
    for name in files:
        entry = dict(by_name.get(name, {"file": name}))
        entry["source"] = (
            f"Natural Earth {natural_earth['natural_earth_version']} ({natural_earth['licence']})"
            if name in BASE_MAP_FILES
            else manifest["sources"]["curated"].get(name, "BorderWatch")
        )
        datasets.append(entry)
    return datasets


def _dataset_keys(incidents: pd.DataFrame) -> pd.Series:
    """Each row's dataset key; curated rows (no ``dataset`` value) are ``curated``."""
    if "dataset" not in incidents.columns:
        return pd.Series(CURATED_DATASET, index=incidents.index, dtype=object)
    keys = incidents["dataset"].astype(object)
    keys = keys.where(keys.notna() & (keys.astype("str") != ""), CURATED_DATASET)
    if "source_dataset" in incidents.columns:
        curated = incidents["source_dataset"].astype(object) == CURATED_SOURCE
        keys = keys.where(~curated, CURATED_DATASET)
    return keys


def contributions(incidents: pd.DataFrame) -> tuple[Counter[str], Counter[str]]:
    """Exported rows per dataset key, and reports merged into them per dataset key.

    Merged reports are read from ``also_reported_as`` (ids ``"<key>:<original id>"``).
    """
    rows = Counter(_dataset_keys(incidents).tolist())
    merged: Counter[str] = Counter()
    if "also_reported_as" in incidents.columns:
        for ids in incidents["also_reported_as"]:
            if isinstance(ids, tuple | list):
                merged.update(str(i).split(":", 1)[0] if ":" in str(i) else "curated" for i in ids)
    return rows, merged


def _stored_infos(store_dir: Path | None) -> dict[str, Any]:
    from borderwatch.app.backend import dataset_store
    from borderwatch.errors import DataFileError
    from borderwatch.store import DatasetStore

    try:
        # No folder given: the store in force (files, or the team database).
        store = DatasetStore(store_dir) if store_dir is not None else dataset_store()
        return {info.key: info for info in store.list()}
    except DataFileError:
        return {}


def _imported_entries(
    incidents: pd.DataFrame, rows: Counter[str], merged: Counter[str], store_dir: Path | None
) -> list[dict[str, Any]]:
    keys = [k for k in dict.fromkeys([*rows, *merged]) if k != CURATED_DATASET]
    if not keys:
        return []
    infos = _stored_infos(store_dir)
    formats = (
        incidents.groupby(_dataset_keys(incidents))["source_dataset"].first().to_dict()
        if "source_dataset" in incidents.columns
        else {}
    )
    entries = []
    for key in keys:
        info = infos.get(key)
        if info is not None:
            entry: dict[str, Any] = {
                "kind": "imported dataset",
                "name": info.name,
                "key": key,
                "source_format": _FAMILIES.get(info.source_format, info.source_format),
                "layout": info.source_format,
                "source_file": info.source_file,
                "source_sha256": info.source_sha256,
                "stored_file": info.file,
                "sha256": info.sha256,
                "imported_at": info.imported_at,
            }
        else:  # deleted from the store since the data was prepared
            entry = {
                "kind": "imported dataset",
                "name": key,
                "key": key,
                "source_format": str(formats.get(key, "unknown")),
                "source_file": "unknown (no longer in the store)",
                "source_sha256": "",
                "stored_file": "",
                "sha256": "",
                "imported_at": "unknown",
            }
        entry["rows"] = int(rows.get(key, 0))
        entry["merged_reports"] = int(merged.get(key, 0))
        entry["licence"] = licence_note(entry["source_format"])
        entries.append(entry)
    return entries


def make_provenance(
    *,
    title: str,
    filters: str,
    files: tuple[str, ...] = ("incidents.csv", "borders.geojson", "countries.geojson"),
    incidents: pd.DataFrame | None = None,
    store_dir: Path | None = None,
    row_counts: Mapping[str, int] | None = None,
) -> Provenance:
    """Provenance for an export, stamped now.

    Parameters
    ----------
    title, filters
        What the export shows.
    files
        Files of the data layer the view draws.
    incidents
        The incident rows exported. Given, the provenance names every dataset they came
        from (and every dataset whose reports were merged into them), with its licence
        note, and lists the curated incident files only if curated rows are among them.
    store_dir
        The store of imported datasets (default: the configured one).
    row_counts
        Without ``incidents``: the rows per dataset key (``curated`` for the curated layer)
        when the rows are not at hand (team mode: counted in the database).
    """
    if incidents is None and row_counts is None:
        return Provenance(
            title=title, filters=filters, datasets=_curated_files(files), generated_at=now_utc()
        )
    if incidents is None:
        rows = Counter({key: int(n) for key, n in (row_counts or {}).items()})
        merged: Counter[str] = Counter()
        incidents = pd.DataFrame()
    else:
        rows, merged = contributions(incidents)
    curated_used = rows.get(CURATED_DATASET, 0) > 0
    kept = [f for f in files if curated_used or f not in CURATED_INCIDENT_FILES]
    curated_entries = _curated_files(kept)
    for entry in curated_entries:
        if entry.get("file") in CURATED_INCIDENT_FILES:
            entry["rows"] = int(rows.get(CURATED_DATASET, 0))
    imported = _imported_entries(incidents, rows, merged, store_dir)
    credits = [NATURAL_EARTH_CREDIT]
    if curated_used or any(f not in BASE_MAP_FILES + CURATED_INCIDENT_FILES for f in kept):
        credits.append(CURATED_CREDIT)
    if imported:
        named = "; ".join(f"'{e['name']}' ({e['source_format']})" for e in imported)
        credits.append(f"Imported datasets: {named}.")
        credits += list(dict.fromkeys(entry["licence"] for entry in imported))
    return Provenance(
        title=title,
        filters=filters,
        datasets=[*curated_entries, *imported],
        generated_at=now_utc(),
        attribution=" ".join(credits),
    )
