"""Cross-border links: where attackers, training or weapons came from, drawn as arcs."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

LINK_COLUMNS = [
    "incident_id",
    "incident_name",
    "date_start",
    "origin_iso3",
    "target_iso3",
    "origin_lon",
    "origin_lat",
    "target_lon",
    "target_lat",
    "evidence",
]


def country_anchors(countries: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """A point inside each country (lon, lat) to start arcs from."""
    points = countries.geometry.representative_point()
    return {iso3: (p.x, p.y) for iso3, p in zip(countries["iso3"], points, strict=True)}


def cross_border_links(
    incidents: pd.DataFrame, anchors: Mapping[str, tuple[float, float]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (incident, documented origin country).

    Returns
    -------
    drawable
        Links whose origin is on the map, with coordinates: the origin is the origin
        country's anchor point (sources rarely give the staging site), the target the
        incident itself.
    off_map
        Links whose origin country is outside the map (e.g. a distant state's air strike),
        listed so that none is silently dropped.
    """
    rows = []
    # Most rows (all imported ones) have no documented origin: skip them before looping.
    with_origin = incidents[incidents["origin_countries"].map(len) > 0]
    for incident in with_origin.itertuples():
        for origin in incident.origin_countries:
            if origin == incident.country_iso3:
                continue
            anchor = anchors.get(origin, (np.nan, np.nan))
            rows.append(
                {
                    "incident_id": incident.incident_id,
                    "incident_name": incident.name,
                    "date_start": incident.date_start,
                    "origin_iso3": origin,
                    "target_iso3": incident.country_iso3,
                    "origin_lon": anchor[0],
                    "origin_lat": anchor[1],
                    "target_lon": incident.longitude,
                    "target_lat": incident.latitude,
                    "evidence": incident.cross_border_note,
                }
            )
    links = pd.DataFrame(rows, columns=LINK_COLUMNS)
    on_map = links["origin_lon"].notna() & links["target_lon"].notna()
    return links[on_map].reset_index(drop=True), links[~on_map].reset_index(drop=True)


def link_summary(links: pd.DataFrame, country_names: Mapping[str, str]) -> pd.DataFrame:
    """Links counted per origin → target country pair, most frequent first."""
    if links.empty:
        return pd.DataFrame(columns=["From", "To", "Links", "Incidents"])
    grouped = (
        links.groupby(["origin_iso3", "target_iso3"])
        .agg(Links=("incident_id", "size"), Incidents=("incident_id", lambda s: ", ".join(s)))
        .reset_index()
        .sort_values(["Links", "origin_iso3"], ascending=[False, True])
    )
    grouped.insert(0, "From", grouped.pop("origin_iso3").map(lambda c: country_names.get(c, c)))
    grouped.insert(1, "To", grouped.pop("target_iso3").map(lambda c: country_names.get(c, c)))
    return grouped.reset_index(drop=True)


def arc_coordinates(
    start: tuple[float, float], end: tuple[float, float], *, bend: float = 0.18, steps: int = 24
) -> list[tuple[float, float]]:
    """A gently curved path from ``start`` to ``end`` as (lat, lon) pairs, for drawing.

    A quadratic Bézier curve bowed to the left of the direction of travel, so arcs in
    opposite directions between the same countries do not overlap. Display only.
    """
    (x0, y0), (x1, y1) = start, end
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx - (y1 - y0) * bend, my + (x1 - x0) * bend
    t = np.linspace(0.0, 1.0, steps)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1
    return [(float(y), float(x)) for x, y in zip(xs, ys, strict=True)]


def arrow_bearing_deg(path: list[tuple[float, float]]) -> float:
    """Screen angle (degrees clockwise from east) of the end of ``path`` on a Web
    Mercator map, for rotating a pixel-sized arrowhead."""
    (lat0, lon0), (lat1, lon1) = path[-3], path[-1]

    def mercator_y(lat: float) -> float:
        return float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))

    dx = np.radians(lon1 - lon0)
    dy = mercator_y(lat1) - mercator_y(lat0)
    return float(np.degrees(np.arctan2(-dy, dx)))  # screen y grows downwards
