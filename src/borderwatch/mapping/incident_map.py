"""The main incident map: countries, borders and incidents on one offline Leaflet map."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from borderwatch.aggregate import MAX_INDIVIDUAL_POINTS, cell_size_deg, grid_cells
from borderwatch.mapping import layers
from borderwatch.mapping.assets import STREAMLIT_STATIC_URL
from borderwatch.mapping.base import Basemap, as_box, bounds_of, finish_map, new_map
from borderwatch.mapping.legend import Legend
from borderwatch.schemas import EVENT_TYPES


def incident_map_bounds(
    countries: gpd.GeoDataFrame, incidents: pd.DataFrame, focus_countries: tuple[str, ...] = ()
) -> list[list[float]]:
    """The view of the incident map: the chosen countries (or the region) and the incidents."""
    return bounds_of(countries, focus_countries=focus_countries, incidents=incidents)


def build_incident_map(
    *,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    incidents: pd.DataFrame,
    country_names: Mapping[str, str],
    focus_countries: tuple[str, ...] = (),
    zones: gpd.GeoDataFrame | None = None,
    links: pd.DataFrame | None = None,
    basemap: Basemap = "offline",
    asset_base_url: str = STREAMLIT_STATIC_URL,
) -> folium.Map:
    """Build the incident map.

    Parameters
    ----------
    countries
        Country polygons to draw as the basemap (already simplified for display).
    borders
        Border lines (already simplified for display).
    incidents
        The incidents to draw (already filtered); rows without coordinates are skipped.
        Above :data:`borderwatch.aggregate.MAX_INDIVIDUAL_POINTS` placed incidents they are
        drawn as grid cells, so the page stays light whatever the number of events.
    country_names
        ISO3 -> English name, for popups.
    focus_countries
        Countries the analyst selected; the view fits them. Empty: the whole region.
    zones
        Border-zone polygons to draw under the incidents, or ``None``.
    links
        Cross-border links (:func:`borderwatch.links.cross_border_links`) to draw as arcs,
        or ``None``.
    basemap
        ``"offline"`` draws only the bundled polygons. ``"openstreetmap"`` is the online
        opt-in: it adds OpenStreetMap tiles, fetched by the browser from the internet.
    asset_base_url
        Where the vendored Leaflet files are served.

    Returns
    -------
    folium.Map
        A map whose JS/CSS all come from ``asset_base_url``.
    """
    m = new_map(basemap=basemap)
    layers.add_countries(m, countries)
    if zones is not None:
        layers.add_border_zones(m, zones)
    layers.add_borders(m, borders)
    layers.add_country_labels(m, countries)
    if links is not None:
        layers.add_links(m, links, country_names)
    placed = int(incidents[["longitude", "latitude"]].notna().all(axis=1).sum())
    if placed > MAX_INDIVIDUAL_POINTS:
        box = as_box(incident_map_bounds(countries, incidents, focus_countries))
        cell_deg = cell_size_deg(box)
        layers.add_incident_cells(m, grid_cells(incidents, cell_deg=cell_deg), cell_deg=cell_deg)
    else:
        layers.add_incidents(m, incidents, country_names)
    present_types = set(incidents["event_type"].unique())
    legend = Legend(
        event_types=[t for t in EVENT_TYPES if t in present_types],
        zone_km=None if zones is None or zones.empty else float(zones["width_km"].iloc[0]),
        links=links is not None,
    )
    bounds = incident_map_bounds(countries, incidents, focus_countries)
    return finish_map(m, legend=legend, bounds=bounds, asset_base_url=asset_base_url)
