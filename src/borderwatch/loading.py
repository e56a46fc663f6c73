"""Read the committed geodata layer, checking each file against its layout.

Every failure becomes a :class:`~borderwatch.errors.DataFileError` naming the file, the
row and field where possible, and how to repair it; callers never see a raw traceback
from pandas or GDAL.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from borderwatch import paths
from borderwatch.errors import DataFileError, Problem
from borderwatch.schemas import (
    BARRIER_PROPERTIES,
    BORDER_LENGTHS,
    BORDER_PROPERTIES,
    CAPABILITIES,
    COOPERATION,
    COUNTRY_PROPERTIES,
    CROSSINGS,
    INCIDENTS,
    TableSchema,
)
from borderwatch.validation import validate_table


def _rebuild_remedy(path: Path) -> str:
    return (
        f"Regenerate it with `{paths.REBUILD_COMMAND}`, or restore the committed file with "
        f"`git checkout -- geodata/{path.name}`."
    )


def _curated_remedy(path: Path) -> str:
    return (
        f"Correct geodata/{path.name} as described in docs/dataset-layouts.md, or restore "
        f"the committed file with `git checkout -- geodata/{path.name}`."
    )


def _require_file(path: Path, remedy: str) -> None:
    if not path.is_file():
        raise DataFileError(path, [Problem(None, None, "the file is missing")], remedy=remedy)
    if path.stat().st_size == 0:
        raise DataFileError(path, [Problem(None, None, "the file is empty")], remedy=remedy)


def _read_vector(path: Path, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    remedy = _rebuild_remedy(path)
    _require_file(path, remedy)
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise DataFileError(
            path, [Problem(None, None, f"cannot be read as GeoJSON ({exc})")], remedy=remedy
        ) from exc
    problems = [
        Problem(None, name, "property is missing") for name in required if name not in frame.columns
    ]
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        problems.append(Problem(None, None, f"CRS is {frame.crs}, expected EPSG:4326"))
    if not problems:
        broken = frame.geometry.isna() | frame.geometry.is_empty | ~frame.geometry.is_valid
        problems.extend(
            Problem(int(i) + 1, "geometry", "is missing, empty or invalid")
            for i in broken[broken].index
        )
    if problems:
        raise DataFileError(path, problems, remedy=remedy)
    return frame


def load_countries(path: Path = paths.COUNTRIES_FILE) -> gpd.GeoDataFrame:
    """Country polygons (EPSG:4326) with ISO3 codes and English, French and Arabic names."""
    return _read_vector(path, COUNTRY_PROPERTIES)


def load_borders(path: Path = paths.BORDERS_FILE) -> gpd.GeoDataFrame:
    """International land borders, one line feature per pair, with geodesic length in km."""
    return _read_vector(path, BORDER_PROPERTIES)


def load_barriers(path: Path = paths.BARRIERS_FILE) -> gpd.GeoDataFrame:
    """Schematic lines of border barriers, tied to the arrangement that built them."""
    return _read_vector(path, BARRIER_PROPERTIES)


def _read_table(path: Path, schema: TableSchema) -> pd.DataFrame:
    remedy = _curated_remedy(path)
    _require_file(path, remedy)
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(
            path, [Problem(None, None, f"cannot be read as UTF-8 CSV ({exc})")], remedy=remedy
        ) from exc
    return validate_table(raw, schema, path=path, remedy=remedy)


def load_incidents(path: Path = paths.INCIDENTS_FILE) -> gpd.GeoDataFrame:
    """Curated incidents as points in EPSG:4326, columns typed as in the layout."""
    table = _read_table(path, INCIDENTS)
    points = shapely.points(table["longitude"].to_numpy(), table["latitude"].to_numpy())
    return gpd.GeoDataFrame(table, geometry=points, crs="EPSG:4326")


def load_cooperation(path: Path = paths.COOPERATION_FILE) -> pd.DataFrame:
    """Curated cooperation arrangements and border regimes."""
    return _read_table(path, COOPERATION)


def load_crossings(path: Path = paths.CROSSINGS_FILE) -> gpd.GeoDataFrame:
    """Border crossing points with status notes and sources."""
    table = _read_table(path, CROSSINGS)
    points = shapely.points(table["longitude"].to_numpy(), table["latitude"].to_numpy())
    return gpd.GeoDataFrame(table, geometry=points, crs="EPSG:4326")


def load_capabilities(path: Path = paths.CAPABILITIES_FILE) -> pd.DataFrame:
    """Military capability figures per country and year, with sources; empty = unknown."""
    return _read_table(path, CAPABILITIES)


def load_border_lengths(path: Path = paths.BORDER_LENGTHS_FILE) -> pd.DataFrame:
    """Published lengths of the focus borders beside the length measured on the map's line."""
    return _read_table(path, BORDER_LENGTHS)


@dataclass(frozen=True)
class GeoData:
    """The whole committed data layer, loaded and checked."""

    countries: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    cooperation: pd.DataFrame
    crossings: gpd.GeoDataFrame
    barriers: gpd.GeoDataFrame
    capabilities: pd.DataFrame
    border_lengths: pd.DataFrame

    def country_names(self) -> dict[str, str]:
        return dict(zip(self.countries["iso3"], self.countries["name_en"], strict=True))


def _check_codes(table: pd.DataFrame, column: str, known: set[str], path: Path) -> list[Problem]:
    problems = []
    for index, value in table[column].items():
        codes = value if isinstance(value, tuple) else (value,)
        unknown = [c for c in codes if c not in known]
        if unknown:
            problems.append(
                Problem(int(index) + 1, column, f"unknown country code(s): {', '.join(unknown)}")
            )
    return problems


def load_geodata(directory: Path = paths.GEODATA_DIR) -> GeoData:
    """Load and cross-check every file of the geodata layer.

    Incident countries must exist in the country layer; origin and party codes may name
    states outside the map view (e.g. France in the 5+5 initiative), so they are only
    checked for form.

    Raises
    ------
    DataFileError
        For the first file that fails, with every problem found in it.
    """
    countries = load_countries(directory / paths.COUNTRIES_FILE.name)
    borders = load_borders(directory / paths.BORDERS_FILE.name)
    incidents_path = directory / paths.INCIDENTS_FILE.name
    incidents = load_incidents(incidents_path)
    problems = _check_codes(incidents, "country_iso3", set(countries["iso3"]), incidents_path)
    if problems:
        raise DataFileError(incidents_path, problems, remedy=_curated_remedy(incidents_path))
    cooperation = load_cooperation(directory / paths.COOPERATION_FILE.name)
    crossings_path = directory / paths.CROSSINGS_FILE.name
    crossings = load_crossings(crossings_path)
    unknown_pairs = [
        Problem(int(i) + 1, "border_pair", f"'{pair}' is not a border in borders.geojson")
        for i, pair in crossings["border_pair"].items()
        if pair not in set(borders["pair"])
    ]
    if unknown_pairs:
        raise DataFileError(crossings_path, unknown_pairs, remedy=_curated_remedy(crossings_path))
    barriers = load_barriers(directory / paths.BARRIERS_FILE.name)
    capabilities = load_capabilities(directory / paths.CAPABILITIES_FILE.name)
    lengths = load_border_lengths(directory / paths.BORDER_LENGTHS_FILE.name)
    return GeoData(
        countries, borders, incidents, cooperation, crossings, barriers, capabilities, lengths
    )
