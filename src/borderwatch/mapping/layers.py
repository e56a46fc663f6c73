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
from folium.plugins import MarkerCluster

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


def _country_style(feature: dict) -> dict:
    props = feature["properties"]
    kind: style.AreaKind = (
        "disputed" if props["disputed"] else "focus" if props["focus"] else "neighbour"
    )
    return leaflet_area(style.AREAS[kind], "bw-country")


def add_countries(m: folium.Map, countries: gpd.GeoDataFrame) -> None:
    """Country polygons as the basemap, with a tooltip naming each in three languages."""
    folium.GeoJson(
        countries[[*COUNTRY_PROPERTIES, "geometry"]],
        name="Countries",
        style_function=_country_style,
        tooltip=folium.GeoJsonTooltip(
            fields=["name_en", "name_fr", "name_ar", "status_note"],
            aliases=["", "", "", ""],
            labels=False,
        ),
        control=False,
    ).add_to(m)


def add_country_labels(m: folium.Map, countries: gpd.GeoDataFrame) -> None:
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
            ),
            interactive=False,
        ).add_to(labels)
    labels.add_to(m)


def add_borders(
    m: folium.Map, borders: gpd.GeoDataFrame, *, highlight: tuple[str, ...] = ()
) -> None:
    """International land borders; disputed or indeterminate ones dashed.

    Pairs in ``highlight`` are drawn heavier, in a stronger colour.
    """

    def line_style(feature: dict) -> dict:
        props = feature["properties"]
        if props["pair"] in highlight:
            # A selected disputed boundary keeps its dashes, in the selected colour and width.
            line = style.LINES["selected_border"]
            dash = style.LINES["disputed_border"].dash_array if props["disputed"] else None
            return leaflet_line(line, "bw-border bw-border-selected") | {"dashArray": dash}
        kind: style.LineKind = "disputed_border" if props["disputed"] else "border"
        return leaflet_line(style.LINES[kind], "bw-border")

    folium.GeoJson(
        borders[["pair", "name", "length_km", "disputed", "geometry"]],
        name="International borders",
        style_function=line_style,
        highlight_function=lambda f: {"weight": 5},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "length_km"], aliases=["Border", "Length (km, geodesic)"]
        ),
    ).add_to(m)


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


def add_incidents(
    m: folium.Map,
    incidents: pd.DataFrame,
    country_names: Mapping[str, str],
    *,
    cluster_radius_px: int = 30,
) -> None:
    """Incidents as circles coloured by type and sized by deaths, clustered where dense."""
    cluster = MarkerCluster(
        name="Incidents",
        icon_create_function=CLUSTER_ICON_JS,
        options={
            "maxClusterRadius": cluster_radius_px,
            "spiderfyOnMaxZoom": True,
            "showCoverageOnHover": False,
        },
    )
    placed = incidents.dropna(subset=["latitude", "longitude"])
    for record in placed.to_dict("records"):
        color = style.event_style(record["event_type"]).color
        tooltip = (
            f"{record['name']} — "
            f"{format_dates(record['date_start'], record['date_end'], record['date_precision'])}"
        )
        folium.CircleMarker(
            location=(record["latitude"], record["longitude"]),
            radius=style.radius_for_fatalities(record["fatalities_best"]),
            color=style.INCIDENT_OUTLINE,
            weight=1,
            fill=True,
            fill_color=color,
            fill_opacity=style.INCIDENT_FILL_OPACITY,
            className=f"bw-incident bw-type-{record['event_type']}",
            popup=folium.Popup(
                incident_popup_html(record, country_names),
                max_width=360,
                max_height=360,
                lazy=True,  # built when opened: thousands of popups would slow the page
            ),
            tooltip=folium.Tooltip(escape(tooltip)),
        ).add_to(cluster)
    cluster.add_to(m)


def add_border_zones(m: folium.Map, zones: gpd.GeoDataFrame) -> None:
    """Border zones as translucent bands under the borders and incidents."""
    folium.GeoJson(
        zones[["pair", "name", "width_km", "geometry"]],
        name="Border zones",
        style_function=lambda f: leaflet_area(style.AREAS["zone"], "bw-zone"),
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "width_km"], aliases=["Border zone", "Width either side (km)"]
        ),
    ).add_to(m)


def add_links(m: folium.Map, links: pd.DataFrame, country_names: Mapping[str, str]) -> None:
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


def add_crossings(m: folium.Map, crossings: pd.DataFrame) -> None:
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


def add_border_regimes(m: folium.Map, regimes: gpd.GeoDataFrame, *, year: int | None) -> None:
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
    m: folium.Map,
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
    m: folium.Map, layer: ArrangementLayer, country_names: Mapping[str, str]
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
    m: folium.Map,
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


def add_incident_cells(m: folium.Map, cells: pd.DataFrame, *, cell_deg: float) -> None:
    """Grid cells summarising many incidents: one circle per cell, area ~ incidents.

    One GeoJSON layer for all cells (not one Leaflet object each), so thousands of cells
    build and render quickly.
    """
    largest = max(int(cells["incidents"].max()), 1) if not cells.empty else 1
    table = gpd.GeoDataFrame(
        {
            "incidents": cells["incidents"].astype(int),
            "radius": (4 + 22 * (cells["incidents"] / largest) ** 0.5).round(1),
            "color": [style.event_style(str(t)).color for t in cells["main_type"]],
            "main_type": cells["main_type"].map(EVENT_TYPES).fillna(cells["main_type"]),
            "deaths": [
                f"{lo:,.0f}–{hi:,.0f} (best {best:,.0f})"
                for lo, best, hi in zip(
                    cells["deaths_low"], cells["deaths_best"], cells["deaths_high"], strict=True
                )
            ],
            "period": [
                f"{a:%Y-%m-%d} to {b:%Y-%m-%d}"
                for a, b in zip(cells["first"], cells["last"], strict=True)
            ],
            "hint": "Choose a country, a border or fewer years to see incidents one by one.",
        },
        geometry=gpd.points_from_xy(cells["longitude"], cells["latitude"]),
        crs="EPSG:4326",
    )
    folium.GeoJson(
        table,
        name=f"Incidents per {cell_deg:g}° cell",
        marker=folium.CircleMarker(),
        style_function=lambda f: {
            "radius": f["properties"]["radius"],
            "color": style.INCIDENT_OUTLINE,
            "weight": 1,
            "fillColor": f["properties"]["color"],
            "fillOpacity": style.CELL_FILL_OPACITY,
            "className": "bw-cell",
        },
        tooltip=folium.GeoJsonTooltip(fields=["incidents"], aliases=["Incidents in cell"]),
        popup=folium.GeoJsonPopup(
            fields=["incidents", "deaths", "main_type", "period", "hint"],
            aliases=["Incidents", "Deaths where reported", "Most often", "Dates", ""],
        ),
    ).add_to(m)
