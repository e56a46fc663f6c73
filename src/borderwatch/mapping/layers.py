"""The Leaflet map's layers: basemap, borders, zones, regimes, crossings, links, incidents.

Every colour, width and dash comes from the style table (:mod:`borderwatch.mapping.style`),
which the snapshot reads too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Template
from folium.map import Layer

from borderwatch.links import arc_coordinates, arrow_bearing_deg
from borderwatch.mapping import style
from borderwatch.mapping.popups import (
    arrangement_popup_html,
    escape,
    format_dates,
    incident_popup_html,
)
from borderwatch.mapping.style import AreaStyle, LineStyle
from borderwatch.mapping.view import ArrangementLayer
from borderwatch.schemas import COUNTRY_PROPERTIES, EVENT_TYPES

#: Display simplification in degrees: ~1 km for the focus countries and borders, coarser
#: for clipped neighbours. Analysis always uses the full-detail layer.
FOCUS_TOLERANCE_DEG = 0.01
NEIGHBOUR_TOLERANCE_DEG = 0.04
#: Coordinates sent to the browser: 3 decimals (~100 m), below the display tolerance.
DISPLAY_GRID_DEG = 0.001


def simplify_for_display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lighter geometries for drawing: fewer vertices and digits, still valid.

    Rows with a true ``focus`` column (focus countries) keep more detail; frames without
    that column (borders) get the focus tolerance throughout.
    """
    out = frame.copy()
    focus = out["focus"].to_numpy(bool) if "focus" in out else None
    tolerance = (
        FOCUS_TOLERANCE_DEG
        if focus is None
        else [FOCUS_TOLERANCE_DEG if f else NEIGHBOUR_TOLERANCE_DEG for f in focus]
    )
    simplified = shapely.simplify(out.geometry.values, tolerance, preserve_topology=True)
    gridded = shapely.set_precision(simplified, DISPLAY_GRID_DEG, mode="valid_output")
    out["geometry"] = shapely.make_valid(gridded)
    return out[~out.geometry.is_empty]


def leaflet_line(line: LineStyle, class_name: str) -> dict:
    """A Leaflet path style for ``line``."""
    return {
        "color": line.color,
        "weight": line.width_px,
        "opacity": line.opacity,
        "dashArray": line.dash_array,
        "className": class_name,
    }


def leaflet_area(area: AreaStyle, class_name: str) -> dict:
    """A Leaflet path style for ``area``."""
    return {
        "fillColor": area.fill,
        "fillOpacity": area.fill_opacity,
        "color": area.outline,
        "weight": area.outline_px,
        "dashArray": area.dash_array,
        "className": class_name,
    }


#: Country fill opacity over online tiles: the tiles show through, the region stays marked.
TRANSLUCENT_FILL_OPACITY = 0.35

Parent = folium.Map | folium.FeatureGroup


def _country_style(feature: dict, *, translucent: bool = False) -> dict:
    props = feature["properties"]
    kind: style.AreaKind = (
        "disputed" if props["disputed"] else "focus" if props["focus"] else "neighbour"
    )
    area = leaflet_area(style.AREAS[kind], "bw-country")
    if translucent:
        area["fillOpacity"] = TRANSLUCENT_FILL_OPACITY
    return area


def add_countries(
    m: folium.Map, countries: gpd.GeoDataFrame, *, translucent: bool = False
) -> folium.GeoJson:
    """Country polygons as the basemap, with a tooltip naming each in three languages.

    ``translucent`` fills let online tiles underneath show through.
    """
    layer = folium.GeoJson(
        countries[[*COUNTRY_PROPERTIES, "geometry"]],
        name="Countries",
        style_function=lambda f: _country_style(f, translucent=translucent),
        tooltip=folium.GeoJsonTooltip(
            fields=["name_en", "name_fr", "name_ar", "status_note"],
            aliases=["", "", "", ""],
            labels=False,
        ),
        control=False,
    )
    layer.add_to(m)
    return layer


def add_country_labels(m: folium.Map, countries: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Names of the focus countries; disputed territory is labelled as such."""
    labels = folium.FeatureGroup(name="Country names", control=True)
    for row in countries[countries["focus"]].itertuples():
        point = row.geometry.representative_point()
        text = f"{row.name_en} (disputed)" if row.disputed else row.name_en
        css = "bw-label bw-label-disputed" if row.disputed else "bw-label"
        folium.Marker(
            location=(point.y, point.x),
            icon=folium.DivIcon(
                html=f'<div class="{css}">{escape(text)}</div>',
                icon_size=(140, 16),
                icon_anchor=(70, 8),
                class_name="bw-label-icon",
            ),
            interactive=False,
            keyboard=False,
        ).add_to(labels)
    labels.add_to(m)
    return labels


def _border_style(feature: dict) -> dict:
    kind: style.LineKind = "disputed_border" if feature["properties"]["disputed"] else "border"
    return leaflet_line(style.LINES[kind], "bw-border")


def _selected_border_style(feature: dict) -> dict:
    # A selected disputed boundary keeps its dashes, in the selected colour and width.
    line = style.LINES["selected_border"]
    dash = style.LINES["disputed_border"].dash_array if feature["properties"]["disputed"] else None
    return leaflet_line(line, "bw-border bw-border-selected") | {"dashArray": dash}


def add_borders(m: Parent, borders: gpd.GeoDataFrame) -> folium.GeoJson:
    """International land borders; disputed or indeterminate ones dashed."""
    layer = folium.GeoJson(
        borders[["pair", "name", "length_km", "disputed", "geometry"]],
        name="International borders",
        style_function=_border_style,
        highlight_function=lambda f: {"weight": 5},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "length_km"], aliases=["Border", "Length (km, geodesic)"]
        ),
    )
    layer.add_to(m)
    return layer


def add_selected_borders(
    parent: Parent, borders: gpd.GeoDataFrame, pairs: tuple[str, ...]
) -> folium.GeoJson | None:
    """The selected border pairs drawn heavier, in a stronger colour, over the borders."""
    chosen = borders[borders["pair"].isin(pairs)]
    if chosen.empty:
        return None
    layer = folium.GeoJson(
        chosen[["pair", "name", "length_km", "disputed", "geometry"]],
        name="Selected border",
        style_function=_selected_border_style,
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "length_km"], aliases=["Border", "Length (km, geodesic)"]
        ),
        control=False,
    )
    layer.add_to(parent)
    return layer


#: Neutral cluster icons, so they cannot be read as an event-type colour.
CLUSTER_ICON_JS = """
function(cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 28 : (n < 50 ? 34 : 40);
    return L.divIcon({
        html: '<div><span>' + n + '</span></div>',
        className: 'marker-cluster bw-cluster',
        iconSize: L.point(size, size)
    });
}
"""


#: Marks the incident id inside a tooltip (hidden): streamlit-folium returns the text of the
#: last clicked object's tooltip, and :func:`borderwatch.ui.map.clicked_incident_id` reads it.
ID_MARK = "bw-id:"

_INCIDENTS_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
    var rows = {{ this.rows|tojson }};
    var group = L.markerClusterGroup({
        maxClusterRadius: {{ this.cluster_radius_px }},
        spiderfyOnMaxZoom: true,
        showCoverageOnHover: false,
        iconCreateFunction: {{ this.icon_js }}
    });
    var byId = {};
    var markers = rows.map(function(r) {
        // r: id, lat, lon, radius, colour, class, tooltip, popup
        var marker = L.circleMarker([r[1], r[2]], {
            radius: r[3], color: {{ this.outline|tojson }}, weight: 1, fill: true,
            fillColor: r[4], fillOpacity: {{ this.opacity }}, className: r[5]
        });
        marker.bindTooltip(r[6]);
        // Popups never wider than the map (phones): Leaflet caps at maxWidth.
        marker.bindPopup(r[7], {
            maxWidth: 360, minWidth: 200, maxHeight: 360,
            autoPanPaddingTopLeft: [60, 12], autoPanPaddingBottomRight: [12, 12],
            className: "bw-incident-popup"
        });
        marker.on("popupopen", function(e) {
            var width = this._map ? this._map.getSize().x : 400;
            // Clear of the zoom and layer buttons on the left.
            e.popup.options.maxWidth = Math.max(160, Math.min(360, width - 90));
            e.popup.options.minWidth = Math.min(200, e.popup.options.maxWidth);
            e.popup.update();
        });
        marker.bwId = r[0];
        byId[r[0]] = marker;
        return marker;
    });
    group.addLayers(markers);
    group.bwById = byId;
    {{ this._parent.get_name() }}.bwIncidents = group;
    return group;
})();
{% endmacro %}
"""
)


class IncidentPoints(Layer):
    """Incidents as circles coloured by type and sized by deaths, clustered where dense.

    One compact JSON table and one loop in the browser (not one folium object per
    incident): fast to build and to send, and identical for identical data, so an
    unchanged selection never redraws. Each tooltip carries the incident id (hidden).
    """

    _template = _INCIDENTS_TEMPLATE

    def __init__(
        self,
        incidents: pd.DataFrame,
        country_names: Mapping[str, str],
        *,
        cluster_radius_px: int = 30,
    ) -> None:
        super().__init__(name="Incidents", overlay=True, control=True, show=True)
        self._name = "IncidentPoints"
        self.cluster_radius_px = cluster_radius_px
        self.icon_js = CLUSTER_ICON_JS
        self.outline = style.INCIDENT_OUTLINE
        self.opacity = style.INCIDENT_FILL_OPACITY
        placed = incidents.dropna(subset=["latitude", "longitude"])
        self.rows = [_incident_row(record, country_names) for record in placed.to_dict("records")]


def _incident_row(record: dict, country_names: Mapping[str, str]) -> list:
    dates = format_dates(record["date_start"], record["date_end"], record["date_precision"])
    incident_id = str(record["incident_id"])
    title = escape(f"{record['name']} — {dates}")
    tooltip = f'{title}<span hidden class="bw-tip-id">{ID_MARK}{escape(incident_id)}</span>'
    return [
        incident_id,
        round(float(record["latitude"]), 5),
        round(float(record["longitude"]), 5),
        round(style.radius_for_fatalities(record["fatalities_best"]), 2),
        style.event_style(record["event_type"]).color,
        f"bw-incident bw-type-{record['event_type']}",
        tooltip,
        incident_popup_html(record, country_names),
    ]


def add_incidents(
    parent: Parent,
    incidents: pd.DataFrame,
    country_names: Mapping[str, str],
    *,
    cluster_radius_px: int = 30,
) -> IncidentPoints:
    """Incidents as circles coloured by type and sized by deaths, clustered where dense."""
    layer = IncidentPoints(incidents, country_names, cluster_radius_px=cluster_radius_px)
    layer.add_to(parent)
    return layer


def add_border_zones(m: Parent, zones: gpd.GeoDataFrame) -> None:
    """Border zones as translucent bands under the borders and incidents."""
    folium.GeoJson(
        zones[["pair", "name", "width_km", "geometry"]],
        name="Border zones",
        style_function=lambda f: leaflet_area(style.AREAS["zone"], "bw-zone"),
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "width_km"], aliases=["Border zone", "Width either side (km)"]
        ),
    ).add_to(m)


def add_changes(m: Parent, changes: gpd.GeoDataFrame) -> None:
    """Border zones and countries flagged by the change test, red for a rise, blue for a
    fall (:mod:`borderwatch.changes`), each with its figures in the tooltip."""
    folium.GeoJson(
        changes[["flag", "name", "detail", "geometry"]],
        name="What changed (flagged rises and falls)",
        style_function=lambda f: leaflet_area(
            style.AREAS[f["properties"]["flag"]], f"bw-change bw-change-{f['properties']['flag']}"
        ),
        tooltip=folium.GeoJsonTooltip(fields=["name", "detail"], aliases=["", ""], labels=False),
    ).add_to(m)


def add_links(m: Parent, links: pd.DataFrame, country_names: Mapping[str, str]) -> None:
    """Directed arcs from the origin country to the incident, evidence in the popup."""
    group = folium.FeatureGroup(name="Cross-border links")
    line = style.LINES["link"]
    for link in links.itertuples():
        path = arc_coordinates(
            (link.origin_lon, link.origin_lat), (link.target_lon, link.target_lat)
        )
        origin = country_names.get(link.origin_iso3, link.origin_iso3)
        popup = (
            f"<div class='bw-popup'><h4>{escape(origin)} → {escape(link.incident_name)}</h4>"
            f"<p>{escape(str(link.evidence or 'No evidence note.'))}</p>"
            "<p><small>The arc starts at a point inside the origin country, not at a "
            f"documented staging site.</small></p><div class='bw-id'>{escape(link.incident_id)}"
            "</div></div>"
        )
        tooltip = escape(f"{origin} → {link.incident_name}")
        folium.PolyLine(
            path,
            color=line.color,
            weight=line.width_px,
            opacity=line.opacity,
            dash_array="1 0",
            className="bw-link",
            popup=folium.Popup(popup, max_width=320),
            tooltip=tooltip,
        ).add_to(group)
        # A CSS triangle, rotated along the arc: stays the same size at every zoom.
        folium.Marker(
            location=path[-1],
            icon=folium.DivIcon(
                html=f'<div class="bw-arrow" style="transform: rotate('
                f'{arrow_bearing_deg(path):.1f}deg); border-left-color:{line.color}">'
                "</div>",
                icon_size=(14, 14),
                icon_anchor=(7, 7),
                class_name="bw-link-head",
            ),
            tooltip=tooltip,
        ).add_to(group)
    group.add_to(m)


def add_crossings(m: Parent, crossings: pd.DataFrame) -> None:
    """Border crossing points with their status notes and sources."""
    group = folium.FeatureGroup(name="Border crossings")
    for crossing in crossings.itertuples():
        sources = "".join(f"<li>{escape(s)}</li>" for s in crossing.sources)
        note = escape(crossing.status_note) if crossing.status_note else "No status reported."
        popup = (
            f"<div class='bw-popup'><h4>{escape(crossing.name)}</h4><p>{note}</p>"
            + (
                f"<p class='bw-unverified'>Not verified: {escape(crossing.unverified)}</p>"
                if crossing.unverified
                else ""
            )
            + f"<div><b>Sources</b><ul>{sources}</ul></div></div>"
        )
        # A CSS diamond in a DivIcon: no extra Leaflet plugin to vendor.
        folium.Marker(
            location=(crossing.latitude, crossing.longitude),
            icon=folium.DivIcon(
                html=f'<div class="bw-crossing-marker" style="background:{style.CROSSING_COLOR}">'
                "</div>",
                icon_size=(14, 14),
                icon_anchor=(7, 7),
                class_name="bw-crossing-icon",
            ),
            popup=folium.Popup(popup, max_width=320),
            tooltip=escape(f"Crossing: {crossing.name}"),
        ).add_to(group)
    group.add_to(m)


def _regime_popup(regime: Any) -> str:
    """The popup of one regime (a row of :func:`borderwatch.cooperation.regime_lines`)."""
    sources = "".join(f"<li>{escape(s)}</li>" for s in regime.sources)
    return (
        f"<div class='bw-popup'><h4>{escape(regime.name)}</h4>"
        f"<p>{escape(regime.description)}</p>"
        f"<p>In force from {regime.date_start:%Y-%m-%d}"
        + (f" to {regime.date_end:%Y-%m-%d}" if pd.notna(regime.date_end) else "")
        + f" ({escape(regime.end_status)})</p>"
        + (
            f"<p class='bw-unverified'>{escape(regime.geometry_note)}</p>"
            if regime.geometry_note
            else ""
        )
        + f"<div><b>Sources</b><ul>{sources}</ul></div></div>"
    )


def add_border_regimes(m: Parent, regimes: gpd.GeoDataFrame, *, year: int | None) -> None:
    """Closures and barriers in force in ``year``, drawn over the border lines."""
    group = folium.FeatureGroup(name=f"Border regimes ({year})" if year else "Border regimes")
    for regime in regimes.itertuples():
        closure = regime.kind == "border_closure"
        line = style.LINES["closure" if closure else "barrier"]
        css = "bw-regime bw-closure" if closure else "bw-regime bw-barrier"
        # lineCap butt: the barrier's short dashes would merge into a line with round caps.
        leaflet_style = leaflet_line(line, css) | {"lineCap": "butt"}
        layer = folium.GeoJson(
            regime.geometry.__geo_interface__,
            name=regime.name,
            style_function=lambda _f, leaflet_style=leaflet_style: leaflet_style,
            tooltip=escape(str(regime.name)),
        )
        layer.add_child(folium.Popup(_regime_popup(regime), max_width=340))
        layer.add_to(group)
    group.add_to(m)


def add_arrangements(
    m: Parent,
    layer: ArrangementLayer,
    countries: gpd.GeoDataFrame,
    country_names: Mapping[str, str],
) -> None:
    """Cooperation arrangements, in their kind's colour.

    Bilateral and unilateral ones as their border (thick) and an arc between the parties
    (dashed), in one layer; each multilateral one as its member states shaded, in a layer of
    its own, shown when it is ``layer.shown_multilateral``.
    """
    _add_pairwise_arrangements(m, layer, country_names)
    for arrangement in layer.multilateral.to_dict("records"):
        _add_multilateral_arrangement(
            m,
            arrangement,
            countries,
            country_names,
            show=arrangement["arrangement_id"] == layer.shown_multilateral,
        )


def _add_pairwise_arrangements(
    m: Parent, layer: ArrangementLayer, country_names: Mapping[str, str]
) -> None:
    group = folium.FeatureGroup(name="Bilateral and unilateral arrangements")
    by_id = layer.table.set_index("arrangement_id")
    for shape in layer.lines.itertuples():
        arrangement = by_id.loc[shape.arrangement_id].to_dict()
        arrangement["arrangement_id"] = shape.arrangement_id
        color = style.ARRANGEMENT_COLORS[shape.kind]
        popup = folium.Popup(arrangement_popup_html(arrangement, country_names), max_width=360)
        tooltip = escape(f"{arrangement['name']} ({arrangement['date_start']:%Y})")
        if shape.role == "border":
            line = leaflet_line(
                style.LINES["arrangement_border"].in_color(color), "bw-arrangement-border"
            )
            geojson = folium.GeoJson(
                shape.geometry.__geo_interface__,
                style_function=lambda _f, line=line: line,
                tooltip=tooltip,
            )
            geojson.add_child(popup)
            geojson.add_to(group)
        else:
            arc = style.LINES["arrangement_arc"]
            folium.PolyLine(
                [(lat, lon) for lon, lat in shape.geometry.coords],
                color=color,
                weight=arc.width_px,
                opacity=arc.opacity,
                dash_array=arc.dash_array,
                className="bw-arrangement-link",
                popup=popup,
                tooltip=tooltip,
            ).add_to(group)
    group.add_to(m)


def _add_multilateral_arrangement(
    m: Parent,
    arrangement: dict,
    countries: gpd.GeoDataFrame,
    country_names: Mapping[str, str],
    *,
    show: bool,
) -> None:
    members = countries[countries["iso3"].isin(arrangement["parties"])]
    on_map = set(countries["iso3"])
    off_map = [country_names.get(p, p) for p in arrangement["parties"] if p not in on_map]
    popup_html = arrangement_popup_html(arrangement, country_names)
    if off_map:
        popup_html += f"<p><small>Also: {escape(', '.join(off_map))}</small></p>"
    area = leaflet_area(
        style.arrangement_area(arrangement["kind"], arrangement["name"]), "bw-multilateral"
    )
    group = folium.FeatureGroup(
        name=f"{arrangement['name']} ({arrangement['date_start']:%Y})", show=show
    )
    geojson = folium.GeoJson(
        members[["iso3", "name_en", "geometry"]],
        style_function=lambda _f: area,
        tooltip=escape(arrangement["name"]),
    )
    geojson.add_child(folium.Popup(popup_html, max_width=360))
    geojson.add_to(group)
    group.add_to(m)


def add_incident_cells(m: Parent, cells: pd.DataFrame, *, cell_deg: float) -> folium.GeoJson:
    """Grid cells summarising many incidents: one circle per cell, area ~ incidents.

    One GeoJSON layer for all cells (not one Leaflet object each), so thousands of cells
    build and render quickly.
    """
    properties = {
        "incidents": cells["incidents"].astype(int).tolist(),
        "radius": style.cell_radii_px(cells["incidents"]).tolist(),
        "color": [style.event_style(str(t)).color for t in cells["main_type"]],
        "main_type": cells["main_type"].map(EVENT_TYPES).fillna(cells["main_type"]).tolist(),
        "deaths": [
            f"{lo:,.0f}–{hi:,.0f} (best {best:,.0f})" if pd.notna(best) else "not counted"
            for lo, best, hi in zip(
                cells["deaths_low"], cells["deaths_best"], cells["deaths_high"], strict=True
            )
        ],
        "period": [
            f"{a:%Y-%m-%d} to {b:%Y-%m-%d}"
            for a, b in zip(cells["first"], cells["last"], strict=True)
        ],
    }
    hint = "Choose a country, a border or fewer years to see incidents one by one."
    # The FeatureCollection built directly: geopandas' row-by-row __geo_interface__ took
    # a quarter of a second for a few thousand cells.
    table = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": str(number),
                "properties": {**{k: v[number] for k, v in properties.items()}, "hint": hint},
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            }
            for number, (lon, lat) in enumerate(
                zip(cells["longitude"], cells["latitude"], strict=True)
            )
        ],
    }
    layer = folium.GeoJson(
        table,
        name=f"Incidents per {cell_deg:g}° cell",
        marker=folium.CircleMarker(),
        style_function=lambda f: {
            "radius": f["properties"]["radius"],
            "color": style.INCIDENT_OUTLINE,
            "weight": 1,
            # folium's CircleMarker starts with fill off: without this the cells were
            # drawn as bare outlines.
            "fill": True,
            "fillColor": f["properties"]["color"],
            "fillOpacity": style.CELL_FILL_OPACITY,
            "className": "bw-cell",
        },
        tooltip=folium.GeoJsonTooltip(fields=["incidents"], aliases=["Incidents in cell"]),
        popup=folium.GeoJsonPopup(
            fields=["incidents", "deaths", "main_type", "period", "hint"],
            aliases=["Incidents", "Deaths where reported", "Most often", "Dates", ""],
        ),
    )
    layer.add_to(m)
    return layer


_CELL_COUNTS_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
    // Counts written on the grid cells in view, once few enough are in view to read them.
    var cells = {{ this.cells|tojson }};
    var group = L.layerGroup();
    var map = null;
    function draw() {
        group.clearLayers();
        if (!map) { return; }
        var view = map.getBounds().pad(0.05);
        var shown = cells.filter(function(c) { return view.contains([c[0], c[1]]); });
        if (shown.length > {{ this.max_labels }}) { return; }
        // Busiest first; a label that would overlap one already written is left out
        // (zoom in to read it): overlapping numbers read as none.
        shown.sort(function(a, b) { return b[2] - a[2]; });
        var written = [];
        shown.forEach(function(c) {
            var at = map.latLngToContainerPoint([c[0], c[1]]);
            var width = 8 + 7 * String(c[2]).length;
            var overlaps = written.some(function(w) {
                return Math.abs(w.x - at.x) < (w.width + width) / 2 && Math.abs(w.y - at.y) < 14;
            });
            if (overlaps) { return; }
            written.push({x: at.x, y: at.y, width: width});
            group.addLayer(L.marker([c[0], c[1]], {
                interactive: false, keyboard: false,
                icon: L.divIcon({className: "bw-count", html: String(c[2]),
                                 iconSize: [40, 14], iconAnchor: [20, 7]})
            }));
        });
    }
    group.on("add", function() { map = group._map; map.on("moveend", draw); draw(); });
    group.on("remove", function() { if (map) { map.off("moveend", draw); } map = null; });
    return group;
})();
{% endmacro %}
"""
)


class CellCounts(Layer):
    """The number of incidents written on each grid cell, when at most ``max_labels``
    cells are in view (zoom in to read them); the busiest first, none over another."""

    _template = _CELL_COUNTS_TEMPLATE

    def __init__(self, cells: pd.DataFrame, *, max_labels: int = 250) -> None:
        super().__init__(name="Counts on cells", overlay=True, control=True, show=True)
        self._name = "CellCounts"
        self.max_labels = max_labels
        self.cells = [
            [round(float(lat), 4), round(float(lon), 4), int(n)]
            for lat, lon, n in zip(
                cells["latitude"], cells["longitude"], cells["incidents"], strict=True
            )
        ]


_HEAT_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.heatLayer({{ this.points|tojson }}, {
    radius: 20, blur: 16, maxZoom: 8, minOpacity: 0.3, max: {{ this.max_weight }}
});
{% endmacro %}
"""
)


class HeatLayer(Layer):
    """A heat map of the selection (Leaflet.heat, vendored): ``[lat, lon, weight]`` points,
    incidents one by one or grid cells weighted by their counts. Off until chosen."""

    _template = _HEAT_TEMPLATE

    def __init__(self, points: list[list[float]]) -> None:
        super().__init__(name="Heat map", overlay=True, control=True, show=False)
        self._name = "HeatLayer"
        self.points = points
        self.max_weight = max((p[2] for p in points), default=1.0)


#: Sequential fills for the per-country shading, light to dark.
SHADING_COLORS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")

_SHADING_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
    // Restyles the base map's country polygons while on: no geometry is sent again.
    var values = {{ this.values|tojson }};
    var breaks = {{ this.breaks|tojson }};
    var colors = {{ this.colors|tojson }};
    var label = {{ this.label|tojson }};
    var group = L.layerGroup();
    function colour(v) {
        var i = 0;
        while (i < breaks.length && v > breaks[i]) { i++; }
        return colors[Math.min(i, colors.length - 1)];
    }
    function paint(on) {
        var map = group._map || window.map;
        var countries = map && map.bwBase && map.bwBase.countries;
        if (!countries) { return; }
        countries.eachLayer(function(layer) {
            var iso = layer.feature.properties.iso3;
            if (on && iso in values) {
                layer.setStyle({fillColor: colour(values[iso]), fillOpacity: 0.85});
                layer.bwShade = label + ": " + values[iso].toLocaleString("en");
            } else {
                countries.resetStyle(layer);
                layer.bwShade = null;
            }
        });
    }
    group.on("add", function() { paint(true); });
    group.on("remove", function() { paint(false); });
    return group;
})();
{% endmacro %}
"""
)


class CountryShading(Layer):
    """Countries shaded by a per-country total of the selection (incidents or deaths).

    ``values`` maps ISO3 to the total; five classes from the smallest to the largest.
    """

    _template = _SHADING_TEMPLATE

    def __init__(self, name: str, label: str, values: Mapping[str, float]) -> None:
        super().__init__(name=name, overlay=True, control=True, show=False)
        self._name = "CountryShading"
        self.label = label
        self.values = {k: round(float(v), 1) for k, v in sorted(values.items()) if v > 0}
        self.colors = list(SHADING_COLORS)
        self.breaks = shading_breaks(list(self.values.values()))


def shading_breaks(values: list[float], classes: int = len(SHADING_COLORS)) -> list[float]:
    """Upper bounds of the first ``classes - 1`` classes: equal steps up to the largest."""
    top = max(values, default=0.0)
    return [round(top * (i + 1) / classes, 1) for i in range(classes - 1)]
