"""The cooperation map: arrangements in force in a year, styled by kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from borderwatch.links import arc_coordinates
from borderwatch.mapping import layers, style
from borderwatch.mapping.assets import STREAMLIT_STATIC_URL
from borderwatch.mapping.base import Basemap, bounds_of, finish_map, new_map
from borderwatch.mapping.legend import ArrangementLegend
from borderwatch.mapping.popups import arrangement_popup_html, escape
from borderwatch.schemas import ARRANGEMENT_KINDS


def arrangement_lines(
    arrangements: pd.DataFrame,
    borders: gpd.GeoDataFrame,
    anchors: Mapping[str, tuple[float, float]],
) -> gpd.GeoDataFrame:
    """The lines that stand for bilateral and unilateral arrangements.

    One ``role="border"`` row per arrangement tied to a border (its border line), and one
    ``role="arc"`` row per bilateral arrangement between two states on the map (a curve
    between them; arcs between the same states fan out). Shared by the interactive map and
    the static snapshot.
    """
    border_lines = borders.set_index("pair")["geometry"]
    arcs_per_pair: dict[frozenset, int] = defaultdict(int)
    rows = []
    for arrangement in arrangements[arrangements["scope"] != "multilateral"].itertuples():
        common = {"arrangement_id": arrangement.arrangement_id, "kind": arrangement.kind}
        if arrangement.border_pair in border_lines.index:
            rows.append(
                {**common, "role": "border", "geometry": border_lines[arrangement.border_pair]}
            )
        parties = [p for p in arrangement.parties if p in anchors]
        if arrangement.scope == "bilateral" and len(parties) == 2:
            key = frozenset(parties)
            bend = 0.12 + 0.07 * arcs_per_pair[key]
            arcs_per_pair[key] += 1
            path = arc_coordinates(anchors[parties[0]], anchors[parties[1]], bend=bend)
            rows.append(
                {**common, "role": "arc", "geometry": LineString([(lon, lat) for lat, lon in path])}
            )
    return gpd.GeoDataFrame(
        rows,
        columns=["arrangement_id", "kind", "role", "geometry"],
        geometry="geometry",
        crs="EPSG:4326",
    )


def build_cooperation_map(
    *,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    arrangements: pd.DataFrame,
    anchors: Mapping[str, tuple[float, float]],
    country_names: Mapping[str, str],
    shown_multilateral: str | None = None,
    basemap: Basemap = "offline",
    asset_base_url: str = STREAMLIT_STATIC_URL,
) -> folium.Map:
    """Build the map of cooperation arrangements.

    Parameters
    ----------
    countries, borders
        Display layers (simplified).
    arrangements
        The arrangements to draw (already limited to a year and the analyst's filters).
    anchors
        A point inside each country, for the arcs between bilateral parties.
    country_names
        ISO3 -> English name.
    shown_multilateral
        ``arrangement_id`` of the multilateral arrangement whose members are shaded when the
        map opens; the others are layers the analyst can switch on.
    basemap, asset_base_url
        As for :func:`borderwatch.mapping.incident_map.build_incident_map`.
    """
    m = new_map(basemap=basemap)
    layers.add_countries(m, countries)
    layers.add_borders(m, borders)
    layers.add_country_labels(m, countries)

    pairwise = folium.FeatureGroup(name="Bilateral and unilateral arrangements")
    by_id = arrangements.set_index("arrangement_id")
    for shape in arrangement_lines(arrangements, borders, anchors).itertuples():
        arrangement = by_id.loc[shape.arrangement_id].to_dict()
        arrangement["arrangement_id"] = shape.arrangement_id
        color = style.ARRANGEMENT_COLORS[shape.kind]
        popup = folium.Popup(arrangement_popup_html(arrangement, country_names), max_width=360)
        tooltip = escape(f"{arrangement['name']} ({arrangement['date_start']:%Y})")
        if shape.role == "border":
            folium.GeoJson(
                shape.geometry.__geo_interface__,
                style_function=lambda _f, color=color: {
                    "color": color,
                    "weight": 7,
                    "opacity": 0.65,
                    "className": "bw-arrangement-border",
                },
                popup=popup,
                tooltip=tooltip,
            ).add_to(pairwise)
        else:
            folium.PolyLine(
                [(lat, lon) for lon, lat in shape.geometry.coords],
                color=color,
                weight=3,
                opacity=0.9,
                dash_array="8 6",
                className="bw-arrangement-link",
                popup=popup,
                tooltip=tooltip,
            ).add_to(pairwise)
    pairwise.add_to(m)

    for arrangement in arrangements[arrangements["scope"] == "multilateral"].to_dict("records"):
        members = countries[countries["iso3"].isin(arrangement["parties"])]
        off_map = [
            country_names.get(p, p)
            for p in arrangement["parties"]
            if p not in set(countries["iso3"])
        ]
        popup_html = arrangement_popup_html(arrangement, country_names)
        if off_map:
            popup_html += f"<p><small>Also: {escape(', '.join(off_map))}</small></p>"
        color = style.ARRANGEMENT_COLORS[arrangement["kind"]]
        group = folium.FeatureGroup(
            name=f"{arrangement['name']} ({arrangement['date_start']:%Y})",
            show=arrangement["arrangement_id"] == shown_multilateral,
        )
        folium.GeoJson(
            members[["iso3", "name_en", "geometry"]],
            style_function=lambda _f, color=color: {
                "color": color,
                "weight": 2.5,
                "fillColor": color,
                "fillOpacity": 0.3,
                "className": "bw-multilateral",
            },
            popup=folium.Popup(popup_html, max_width=360),
            tooltip=escape(arrangement["name"]),
        ).add_to(group)
        group.add_to(m)

    kinds = [k for k in ARRANGEMENT_KINDS if k in set(arrangements["kind"])]
    bounds = bounds_of(countries)
    return finish_map(
        m, legend=ArrangementLegend(kinds=kinds), bounds=bounds, asset_base_url=asset_base_url
    )
