"""The "What changed" map's view: flagged border zones and countries, red for a rise and
blue for a fall (the style table's ``rise`` and ``fall`` areas)."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from borderwatch.changes import ChangeWindows, describe_change, flagged
from borderwatch.mapping.view import MapView, fit_bounds

UNIT_WORDS = {"country": "country", "zone": "border zone"}
CHANGE_COLUMNS = ["flag", "name", "detail", "unit_kind", "unit", "geometry"]


def change_areas(
    table: pd.DataFrame,
    windows: ChangeWindows,
    *,
    countries: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """The polygons of the flagged rows of ``table`` (:func:`borderwatch.changes.change_table`):
    a country's outline from ``countries`` (``iso3``), a zone's from ``zones`` (``pair``).
    Countries first, so zones are drawn over them. Units without a polygon are left out."""
    rows = []
    shapes = {
        "country": countries.set_index("iso3").geometry,
        "zone": zones.set_index("pair").geometry,
    }
    chosen = flagged(table).sort_values("unit_kind")  # "country" before "zone"
    for _, row in chosen.iterrows():
        geometry = shapes[str(row["unit_kind"])].get(row["unit"])
        if geometry is None:
            continue
        rows.append(
            {
                "flag": row["flag"],
                "name": f"{row['name']} ({UNIT_WORDS[str(row['unit_kind'])]})",
                "detail": describe_change(row, windows),
                "unit_kind": row["unit_kind"],
                "unit": row["unit"],
                "geometry": geometry,
            }
        )
    return gpd.GeoDataFrame(rows, columns=CHANGE_COLUMNS, geometry="geometry", crs="EPSG:4326")


def change_map_view(
    *,
    title: str,
    filter_description: str,
    table: pd.DataFrame,
    windows: ChangeWindows,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    country_names: Mapping[str, str],
    focus_countries: tuple[str, ...] = (),
) -> MapView:
    """The view of the flagged changes.

    Parameters
    ----------
    title, filter_description
        What the map shows and the filters behind it, in words.
    table
        The change table (:func:`borderwatch.changes.change_table`).
    windows
        Its windows, named in each area's tooltip.
    countries, borders, zones
        Display layers (simplified): countries with ``iso3``, border zones with ``pair``.
    country_names
        ISO3 -> English name.
    focus_countries
        The countries the analyst chose (the region when empty), fitted together with
        the flagged areas.
    """
    areas = change_areas(table, windows, countries=countries, zones=zones)
    region = fit_bounds(countries, focus_countries=focus_countries)
    if not areas.empty:
        minx, miny, maxx, maxy = areas.total_bounds
        region = type(region)(
            min(region.west, minx),
            min(region.south, miny),
            max(region.east, maxx),
            max(region.north, maxy),
        )
    return MapView(
        title=title,
        filter_description=filter_description,
        countries=countries,
        borders=borders,
        bounds=region,
        country_names=country_names,
        changes=areas,
    )
