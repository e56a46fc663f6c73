"""The cooperation map's view: arrangements in force in a year, styled by kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from borderwatch.links import arc_coordinates
from borderwatch.mapping.view import ArrangementLayer, MapView, fit_bounds


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


def cooperation_map_view(
    *,
    title: str,
    filter_description: str,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    arrangements: pd.DataFrame,
    anchors: Mapping[str, tuple[float, float]],
    country_names: Mapping[str, str],
    shown_multilateral: str | None = None,
) -> MapView:
    """The view of the cooperation arrangements in force.

    Parameters
    ----------
    title, filter_description
        What the map shows and the filters behind it, in words.
    countries, borders
        Display layers (simplified).
    arrangements
        The arrangements to draw (already limited to a year and the analyst's filters).
    anchors
        A point inside each country, for the arcs between bilateral parties.
    country_names
        ISO3 -> English name.
    shown_multilateral
        ``arrangement_id`` of the multilateral arrangement whose members are shaded (on
        screen, the others can be switched on in the layer control).

    Returns
    -------
    MapView
        Fitted to the region's focus countries; no incident layer.
    """
    layer = ArrangementLayer(
        table=arrangements,
        lines=arrangement_lines(arrangements, borders, anchors),
        shown_multilateral=shown_multilateral,
    )
    return MapView(
        title=title,
        filter_description=filter_description,
        countries=countries,
        borders=borders,
        bounds=fit_bounds(countries),
        country_names=country_names,
        arrangements=layer,
    )
