"""Draw a :class:`~borderwatch.mapping.view.MapView` as an offline Leaflet map (folium).

A map is two parts. The **base map** (:func:`base_map`) holds what never changes with the
analyst's filters: country polygons, borders, names, the legend box, credits, the region's
extent. The **data layers** (:func:`data_layers`) hold the selection: incidents (or grid
cells), heat map, per-country shading, zones, links, crossings, regimes, arrangements, the
legend's body, the layer list and where to look. On screen, streamlit-folium keeps the base
map and swaps the data layers in place (``feature_group_to_add``), so a filter change
neither reloads the map nor loses the analyst's pan and zoom. :func:`folium_map` puts both
in one map for the standalone HTML export.
"""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template
from folium.map import Layer

from borderwatch.aggregate import cell_size_deg, grid_cells
from borderwatch.config import settings
from borderwatch.fatalities import bound_arrays
from borderwatch.mapping import layers
from borderwatch.mapping.assets import STREAMLIT_STATIC_URL, use_local_assets, walk
from borderwatch.mapping.base import new_map
from borderwatch.mapping.controls import (
    Attribution,
    LegendControl,
    NameBaseLayer,
    PhoneHeight,
    RefitWhenShown,
    ViewUpdate,
    legend_html,
)
from borderwatch.mapping.playback_layer import PlaybackLayer
from borderwatch.mapping.view import Bounds, MapView

#: The map's accessible name (constant: the base map must not vary with the selection).
MAP_LABEL = "Map. Arrow keys pan, plus and minus zoom."
#: Zoom of the base map before the data layers fit the selection.
REGION_ZOOM = 4

#: At most this many points are sent to tell whether any of the selection is in view.
VIEW_CHECK_POINTS = 2000


def folium_map(
    view: MapView, *, basemap: str = "offline", asset_base_url: str = STREAMLIT_STATIC_URL
) -> folium.Map:
    """The view as one Leaflet map whose JS and CSS are all served by BorderWatch itself.

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
        Layers bottom to top: countries, borders, names, then the data layers: zones,
        selected borders, regimes, crossings, arrangements, links, incidents. Above
        ``max_individual_points`` (:mod:`borderwatch.config`) placed incidents they are drawn
        as grid cells, so the page stays light whatever the number of events.
    """
    m = base_map(view, basemap=basemap, asset_base_url=asset_base_url, legend_rows=True)
    data_layers(view).add_to(m)
    return use_local_assets(m, base_url=asset_base_url)


def base_map(
    view: MapView,
    *,
    basemap: str = "offline",
    asset_base_url: str = STREAMLIT_STATIC_URL,
    legend_rows: bool = False,
) -> folium.Map:
    """What does not change with the filters: identical for every selection on a page.

    The starting view is the region (all focus countries), never the selection, and the
    legend box starts empty (``legend_rows`` fills it, for a map drawn once): a base map
    that varied with the filters would be a new map, reloaded, with the view reset. The
    data layers then fit the selection and fill the legend.
    """
    m = new_map(basemap=basemap, label=MAP_LABEL)
    countries = layers.add_countries(m, view.countries, translucent=basemap != "offline")
    NameBaseLayer(m.get_name(), countries.get_name(), "countries").add_to(m)
    borders = layers.add_borders(m, view.borders)
    labels = layers.add_country_labels(m, view.countries)
    LegendControl(view.legend if legend_rows else ()).add_to(m)
    Attribution(view.attribution).add_to(m)
    _BaseOverlays(m, [("International borders", borders), ("Country names", labels)]).add_to(m)
    west, south, east, north = view.countries[view.countries["focus"]].total_bounds
    m.location = [float(south + north) / 2, float(west + east) / 2]
    m.options["zoom"] = REGION_ZOOM
    PhoneHeight().add_to(m)
    RefitWhenShown([[float(south), float(west)], [float(north), float(east)]]).add_to(m)
    return use_local_assets(m, base_url=asset_base_url)


def data_layers(view: MapView) -> folium.FeatureGroup:
    """The selection's layers in one group, with the script that places them
    (:class:`~borderwatch.mapping.controls.ViewUpdate`). Element ids are numbered, so the
    same selection always gives the same script and is never redrawn."""
    group = folium.FeatureGroup(name="BorderWatch data", control=False)
    if view.zones is not None:
        layers.add_border_zones(group, view.zones)
    if view.changes is not None and not view.changes.empty:
        layers.add_changes(group, view.changes)
    if view.highlight_pairs:
        layers.add_selected_borders(group, view.borders, view.highlight_pairs)
    if view.regimes is not None and not view.regimes.empty:
        layers.add_border_regimes(group, view.regimes, year=view.regime_year)
    if view.crossings is not None and not view.crossings.empty:
        layers.add_crossings(group, view.crossings)
    if view.arrangements is not None:
        layers.add_arrangements(group, view.arrangements, view.countries, view.country_names)
    if view.links is not None:
        layers.add_links(group, view.links, view.country_names)
    points: list[list[float]] = []
    if view.playback is not None:
        points = _add_playback(group, view)
    elif view.incidents is not None:
        points = _add_incident_layers(group, view)
    overlays = [
        (child.layer_name, child, bool(child.show))
        for child in group._children.values()
        if isinstance(child, Layer) and child.control
    ]
    ViewUpdate(
        overlays=overlays,
        legend_html=legend_html(view.legend),
        bounds=view.bounds.corners,
        points=points[:: max(1, len(points) // VIEW_CHECK_POINTS)],
        focus=_focus_json(view),
    ).add_to(group)
    for number, element in enumerate(walk(group)):
        element._id = f"bw{number}"
    return group


def _focus_json(view: MapView) -> dict | None:
    focus = view.focus
    if focus is None:
        return None
    key = f"{focus.incident_id}@{focus.latitude:.5f},{focus.longitude:.5f},{focus.zoom}"
    return {
        "key": key,
        "id": focus.incident_id,
        "lat": focus.latitude,
        "lng": focus.longitude,
        "zoom": focus.zoom,
    }


def _add_incident_layers(group: folium.FeatureGroup, view: MapView) -> list[list[float]]:
    """Markers one by one, or grid cells (sized for the view's bounds) when there are many;
    a heat map and per-country shading as options. Returns the drawn points."""
    incidents = view.incidents
    assert incidents is not None
    is_placed = incidents["longitude"].notna() & incidents["latitude"].notna()
    bounds = bound_arrays(incidents)  # once, for the cells and the shading
    if view.cells is not None or int(is_placed.sum()) > settings().max_individual_points:
        # grid_cells takes the few columns it counts: a copy of every column of a large
        # selection would cost more than the counting.
        cell_deg = view.cell_deg or cell_size_deg(view.bounds)
        cells = (
            view.cells
            if view.cells is not None
            else grid_cells(incidents, cell_deg=cell_deg, bounds=bounds)
        )
        layers.add_incident_cells(group, cells, cell_deg=cell_deg)
        layers.CellCounts(cells).add_to(group)
        heat = [
            [round(float(a), 3), round(float(o), 3), float(n)]
            for a, o, n in zip(
                cells["latitude"], cells["longitude"], cells["incidents"], strict=True
            )
        ]
    else:
        placed = incidents[is_placed]
        layers.add_incidents(group, placed, view.country_names)
        heat = [
            [round(float(a), 4), round(float(o), 4), 1.0]
            for a, o in zip(placed["latitude"], placed["longitude"], strict=True)
        ]
    layers.HeatLayer(heat).add_to(group)
    if view.country_counts is not None:
        _add_country_layers(group, view.country_counts.set_index("country_iso3"))
    else:
        _add_country_shading(group, incidents, bounds[1])
    return [[p[0], p[1]] for p in heat]


def _add_playback(group: folium.FeatureGroup, view: MapView) -> list[list[float]]:
    """The frames and their player instead of all incidents at once; returns the placed
    incidents' points (to tell whether any is in view)."""
    assert view.playback is not None
    PlaybackLayer(view.playback).add_to(group)
    if view.incidents is None:
        return []
    placed = view.incidents[["latitude", "longitude"]].dropna()
    return placed.round(3).to_numpy().tolist()


def _add_country_shading(
    group: folium.FeatureGroup, incidents: pd.DataFrame, best: np.ndarray
) -> None:
    if "country_iso3" not in incidents or incidents.empty:
        return
    # Counted on the codes of the (few) countries: a groupby on a million strings is slower.
    codes, countries = pd.factorize(incidents["country_iso3"])
    known = codes >= 0
    size = np.bincount(codes[known], minlength=len(countries))
    deaths = np.bincount(
        codes[known],
        weights=np.nan_to_num(best[known]),
        minlength=len(countries),
    )
    per_country = pd.DataFrame(
        {"incidents": size, "deaths": deaths}, index=[str(country) for country in countries]
    )
    _add_country_layers(group, per_country)


def _add_country_layers(group: folium.FeatureGroup, per_country: pd.DataFrame) -> None:
    """The two shading layers from incidents and deaths per country (indexed by ISO3)."""
    layers.CountryShading(
        "Incidents per country (shading)", "Incidents", per_country["incidents"].to_dict()
    ).add_to(group)
    layers.CountryShading(
        "Deaths per country (shading)", "Deaths (best estimate)", per_country["deaths"].to_dict()
    ).add_to(group)


class _BaseOverlays(MacroElement):
    """List base-map layers the analyst can switch off (``map.bwBaseOverlays``)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this.map_name }}.bwBaseOverlays = [
{%- for name, layer in this.entries %}
    [{{ name|tojson }}, {{ layer.get_name() }}],
{%- endfor %}
];
{% endmacro %}
"""
    )

    def __init__(self, m: folium.Map, entries: list[tuple[str, MacroElement]]) -> None:
        super().__init__()
        self._name = "BaseOverlays"
        self.map_name = m.get_name()
        self.entries = entries


__all__ = ["Bounds", "base_map", "data_layers", "folium_map"]
