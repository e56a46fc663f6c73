"""Draw a :class:`~borderwatch.mapping.view.MapView` as an offline Leaflet map (folium)."""

from __future__ import annotations

import folium

from borderwatch.aggregate import cell_size_deg, grid_cells
from borderwatch.config import settings
from borderwatch.mapping import layers
from borderwatch.mapping.assets import STREAMLIT_STATIC_URL, use_local_assets
from borderwatch.mapping.base import new_map
from borderwatch.mapping.controls import Attribution, LegendControl, RefitWhenShown
from borderwatch.mapping.view import MapView


def folium_map(
    view: MapView, *, basemap: str = "offline", asset_base_url: str = STREAMLIT_STATIC_URL
) -> folium.Map:
    """The view as a Leaflet map whose JS and CSS are all served by BorderWatch itself.

    Parameters
    ----------
    view
        What to draw, where to look, the legend and the credits.
    basemap
        ``"offline"`` (bundled polygons only) or ``"openstreetmap"`` (the online opt-in:
        the browser fetches OpenStreetMap tiles from the internet).
    asset_base_url
        Where the vendored Leaflet files are served
        (:data:`borderwatch.exports.html.INLINE_BASE_URL` for a standalone file).

    Returns
    -------
    folium.Map
        Layers bottom to top: countries, zones, borders, names, regimes, crossings,
        arrangements, links, incidents. Above
        ``max_individual_points`` (:mod:`borderwatch.config`) placed incidents they are drawn
        as grid cells, so the page stays light whatever the number of events.
    """
    m = new_map(basemap=basemap)
    layers.add_countries(m, view.countries)
    if view.zones is not None:
        layers.add_border_zones(m, view.zones)
    layers.add_borders(m, view.borders, highlight=view.highlight_pairs)
    layers.add_country_labels(m, view.countries)
    if view.regimes is not None and not view.regimes.empty:
        layers.add_border_regimes(m, view.regimes, year=view.regime_year)
    if view.crossings is not None and not view.crossings.empty:
        layers.add_crossings(m, view.crossings)
    if view.arrangements is not None:
        layers.add_arrangements(m, view.arrangements, view.countries, view.country_names)
    if view.links is not None:
        layers.add_links(m, view.links, view.country_names)
    if view.incidents is not None:
        _add_incident_layer(m, view)
    return _finish(m, view, asset_base_url=asset_base_url)


def _add_incident_layer(m: folium.Map, view: MapView) -> None:
    """Markers one by one, or grid cells (sized for the view's bounds) when there are many."""
    incidents = view.incidents
    assert incidents is not None
    placed = int(incidents[["longitude", "latitude"]].notna().all(axis=1).sum())
    if placed > settings().max_individual_points:
        cell_deg = cell_size_deg(view.bounds)
        layers.add_incident_cells(m, grid_cells(incidents, cell_deg=cell_deg), cell_deg=cell_deg)
    else:
        layers.add_incidents(m, incidents, view.country_names)


def _finish(m: folium.Map, view: MapView, *, asset_base_url: str) -> folium.Map:
    """Legend, credits and layer control; fit the view's bounds; localise JS and CSS."""
    LegendControl(view.legend).add_to(m)
    Attribution(view.attribution).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds(view.bounds.corners)
    RefitWhenShown(view.bounds.corners).add_to(m)
    return use_local_assets(m, base_url=asset_base_url)
