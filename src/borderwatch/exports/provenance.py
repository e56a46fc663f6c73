"""What an export shows and where its data came from, attached to every export."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from borderwatch import __version__, paths
from borderwatch.manifest import read_manifest


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
        One entry per dataset used: file name, sha256, rows, and the source line.
    generated_at
        UTC time of generation, ISO 8601.
    software
        ``BorderWatch <version>``.
    attribution
        Credits that must travel with the export.
    """

    title: str
    filters: str
    datasets: list[dict[str, Any]] = field(default_factory=list)
    generated_at: str = ""
    software: str = f"BorderWatch {__version__}"
    attribution: str = (
        "Borders: Natural Earth (public domain). Incidents, arrangements, crossings: "
        "BorderWatch curation from public reporting, sources cited per row."
    )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_lines(self) -> list[str]:
        """Human-readable lines, for captions on images and document descriptions."""
        used = ", ".join(
            f"{d['file']} ({d['sha256'][:12]})" for d in self.datasets if "sha256" in d
        )
        return [
            f"Filters: {self.filters}",
            f"Data: {used}" if used else "Data: BorderWatch data layer",
            self.attribution,
            f"Generated {self.generated_at} by {self.software}",
        ]


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_provenance(
    *,
    title: str,
    filters: str,
    files: tuple[str, ...] = ("incidents.csv", "borders.geojson", "countries.geojson"),
) -> Provenance:
    """Provenance for an export built from ``files`` of the data layer, stamped now."""
    manifest = read_manifest(paths.geodata_dir() / paths.MANIFEST_FILE.name)
    by_name = {entry["file"]: entry for entry in manifest["files"]}
    natural_earth = manifest["sources"]["natural_earth"]
    datasets = []
    for name in files:
        entry = dict(by_name.get(name, {"file": name}))
        entry["source"] = (
            f"Natural Earth {natural_earth['natural_earth_version']} ({natural_earth['licence']})"
            if name in ("countries.geojson", "borders.geojson", "barriers.geojson")
            else manifest["sources"]["curated"].get(name, "BorderWatch")
        )
        datasets.append(entry)
    return Provenance(title=title, filters=filters, datasets=datasets, generated_at=now_utc())
