"""The Borders page map: a border (or all), its zone, the incidents in it, crossings, regimes."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from borderwatch.mapping import layers
from borderwatch.mapping.assets import STREAMLIT_STATIC_URL
from borderwatch.mapping.base import Basemap, bounds_of, finish_map, new_map
from borderwatch.mapping.legend import Legend
from borderwatch.schemas import EVENT_TYPES


def build_border_map(
    *,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    incidents: pd.DataFrame,
    crossings: pd.DataFrame,
    regimes: gpd.GeoDataFrame,
    regime_year: int,
    country_names: Mapping[str, str],
    selected_pairs: tuple[str, ...] = (),
    links: pd.DataFrame | None = None,
    fit_to: gpd.GeoSeries | None = None,
    basemap: Basemap = "offline",
    asset_base_url: str = STREAMLIT_STATIC_URL,
) -> folium.Map:
    """Build the map of one or all border zones.

    Parameters
    ----------
    countries, borders
        Display layers (simplified).
    zones
        Zone polygons of the selected borders.
    incidents
        The incidents to draw: those in the zone, after the sidebar filters.
    crossings
        Crossing points to draw (those on the selected borders).
    regimes
        Regime lines in force in ``regime_year`` (:func:`borderwatch.cooperation.regime_lines`).
    regime_year
        The year the regimes are shown for, named in the layer and legend.
    country_names
        ISO3 -> English name.
    selected_pairs
        The chosen border pairs, highlighted; empty means all borders.
    links
        Cross-border links to draw, or ``None``.
    fit_to
        Geometries the view must show; by default the zones of the selected borders.
    basemap, asset_base_url
        As for :func:`borderwatch.mapping.incident_map.build_incident_map`.
    """
    m = new_map(basemap=basemap)
    layers.add_countries(m, countries)
    layers.add_border_zones(m, zones)
    layers.add_borders(m, borders, highlight=selected_pairs)
    layers.add_country_labels(m, countries)
    if not regimes.empty:
        layers.add_border_regimes(m, regimes, year=regime_year)
    if not crossings.empty:
        layers.add_crossings(m, crossings)
    if links is not None:
        layers.add_links(m, links, country_names)
    layers.add_incidents(m, incidents, country_names)
    present_types = set(incidents["event_type"].unique())
    legend = Legend(
        event_types=[t for t in EVENT_TYPES if t in present_types],
        zone_km=float(zones["width_km"].iloc[0]) if not zones.empty else None,
        links=links is not None,
        crossings=not crossings.empty,
        closures=bool((regimes["kind"] == "border_closure").any()),
        barriers=bool((regimes["kind"] != "border_closure").any()),
    )
    bounds = bounds_of(
        countries,
        geometries=fit_to if fit_to is not None else (zones.geometry if selected_pairs else None),
        incidents=incidents if selected_pairs else None,
    )
    return finish_map(m, legend=legend, bounds=bounds, asset_base_url=asset_base_url)
