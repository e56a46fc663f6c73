"""Distances and lengths on the WGS84 ellipsoid (metres and kilometres, never degrees)."""

from __future__ import annotations

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

WGS84 = Geod(ellps="WGS84")


def geodesic_length_km(geometry: BaseGeometry) -> float:
    """Length of a line geometry along the WGS84 ellipsoid, in kilometres.

    Parameters
    ----------
    geometry
        A (Multi)LineString in EPSG:4326 longitude/latitude.
    """
    return WGS84.geometry_length(geometry) / 1000.0


def geodesic_distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two points in kilometres (Karney's algorithm via PROJ)."""
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0
