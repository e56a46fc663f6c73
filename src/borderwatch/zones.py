"""Border zones: the area within a given distance of a border, for drawing.

Each border is buffered in an azimuthal equidistant projection centred on that border, so
the width is in true kilometres (distortion stays under 0.5 % within 1,000 km of the
centre, i.e. under 0.25 km on a 50 km zone for the longest borders here). Membership of
incidents is decided by :mod:`borderwatch.proximity`, not by these polygons.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from pyproj import CRS

#: Zone width offered by default, in km.
ZONE_KM_RANGE = (5, 200)


def _local_equidistant(geometry: shapely.Geometry) -> CRS:
    centre = geometry.centroid
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={centre.y:.5f} +lon_0={centre.x:.5f} +datum=WGS84 +units=m"
    )


def border_zones(
    borders: gpd.GeoDataFrame, width_km: float, *, pairs: list[str] | None = None
) -> gpd.GeoDataFrame:
    """Polygons within ``width_km`` of each border (both sides), in EPSG:4326.

    Parameters
    ----------
    borders
        Border lines with a ``pair`` column.
    width_km
        Distance from the line, in kilometres.
    pairs
        Only these pairs; all when ``None``.
    """
    chosen = borders if pairs is None else borders[borders["pair"].isin(pairs)]
    records = []
    for row in chosen.itertuples():
        local = _local_equidistant(row.geometry)
        projected = gpd.GeoSeries([row.geometry], crs="EPSG:4326").to_crs(local)
        zone = projected.buffer(width_km * 1000.0, quad_segs=8).to_crs("EPSG:4326")
        records.append(
            {
                "pair": row.pair,
                "name": row.name,
                "width_km": width_km,
                "geometry": shapely.make_valid(zone.iloc[0]),
            }
        )
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
