"""The geodata manifest: what each committed file holds, so tests can check it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_file(path: Path) -> dict[str, Any]:
    """Facts about one data file: sha256, rows, geometry type and CRS (vector files)."""
    entry: dict[str, Any] = {"file": path.name, "sha256": sha256_of(path)}
    if path.suffix in (".geojson", ".gpkg"):
        info = pyogrio.read_info(path)
        # GDAL says "Unknown" for mixed layers; list the types actually present instead.
        geometry_types = sorted(set(pyogrio.read_dataframe(path).geom_type))
        entry.update(
            rows=int(info["features"]),
            geometry_type=" / ".join(geometry_types),
            crs=info["crs"],
        )
    elif path.suffix == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        has_points = {"latitude", "longitude"} <= set(table.columns)
        entry.update(
            rows=len(table),
            geometry_type="Point (latitude/longitude columns)" if has_points else None,
            crs="EPSG:4326" if has_points else None,
        )
    return entry


def build_manifest(files: list[Path], *, sources: dict[str, Any]) -> dict[str, Any]:
    return {"sources": sources, "files": [describe_file(p) for p in sorted(files)]}


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
