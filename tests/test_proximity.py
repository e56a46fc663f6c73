"""Distances to borders: known answers checked by an independent method, zones, bad rows."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS

from borderwatch.border_stats import in_zone, possibly_in_zone, zone_counts_by_year, zone_ranking
from borderwatch.proximity import BorderIndex, add_border_distance, is_placed
from borderwatch.zones import border_zones

from .conftest import incident_rows

# (name, lon, lat, expected nearest pair)
PLACES = [
    ("Ben Gardane", 11.2167, 33.1389, "LBY-TUN"),
    ("Tunis centre", 10.1815, 36.8065, "DZA-TUN"),
    ("Tiguentourine facility", 9.127, 27.897, "DZA-LBY"),
    ("Kasserine (Chaambi)", 8.6825, 35.2064, "DZA-TUN"),
    ("Tindouf", -8.1478, 27.6742, None),
    ("Gao", -0.006, 16.257, "BFA-MLI"),
    ("Sallum", 25.16, 31.55, "EGY-LBY"),
    ("Marrakesh", -7.9889, 31.6265, None),
]


@pytest.fixture(scope="module")
def index(geodata):
    return BorderIndex.from_borders(geodata.borders)


def independent_distance_km(borders: gpd.GeoDataFrame, lon: float, lat: float) -> float:
    """Exact geodesic distance by another route: in an azimuthal equidistant projection
    centred on the point, distances from the centre are true, so the planar distance to the
    projected border lines is the geodesic distance."""
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    projected = borders.to_crs(local)
    return float(projected.distance(gpd.points_from_xy([0], [0])[0]).min()) / 1000.0


@pytest.mark.parametrize(("name", "lon", "lat", "pair"), PLACES, ids=[p[0] for p in PLACES])
def test_distances_match_an_independent_geodesic_calculation(geodata, index, name, lon, lat, pair):
    distance, nearest = index.nearest(np.array([lon]), np.array([lat]))
    expected = independent_distance_km(geodata.borders, lon, lat)
    assert distance[0] == pytest.approx(expected, abs=1.0), name
    if pair is not None:
        assert nearest[0] == pair


def test_distance_is_kilometres_not_degrees(index):
    # Ben Gardane is ~30 km from the Libyan border; in degrees it would be ~0.3.
    distance, _ = index.nearest(np.array([11.2167]), np.array([33.1389]))
    assert 15 < distance[0] < 45


def _incidents(rows):
    return incident_rows(
        rows,
        [
            "incident_id",
            "longitude",
            "latitude",
            "location_precision",
            "date_start",
            "fatalities_low",
            "fatalities_best",
            "fatalities_high",
        ],
    )


def test_ben_gardane_in_tun_lby_zone_and_tunis_not(index):
    incidents = add_border_distance(
        _incidents(
            [
                ("ben-gardane", 11.2167, 33.1389, 2, "2016-03-07", 55, 60, 75),
                ("tunis", 10.1815, 36.8065, 2, "2015-11-24", 13, 13, 13),
            ]
        ),
        index,
    )
    zone = in_zone(incidents, 50)
    assert list(zone) == [True, False]
    assert incidents.loc[0, "nearest_border"] == "LBY-TUN"
    assert list(in_zone(incidents, 50, pairs=["DZA-TUN"])) == [False, False]


def test_missing_coordinates_are_kept_as_not_placed(index):
    incidents = add_border_distance(
        _incidents(
            [
                ("placed", 11.2167, 33.1389, 1, "2016-03-07", 1, 1, 1),
                ("no-coordinates", None, None, 4, "2016-03-07", 1, 1, 1),
            ]
        ),
        index,
    )
    assert len(incidents) == 2
    assert list(is_placed(incidents)) == [True, False]
    assert np.isnan(incidents.loc[1, "border_distance_km"])
    assert pd.isna(incidents.loc[1, "nearest_border"])
    assert list(in_zone(incidents, 50)) == [True, False]


def test_precision_widens_what_may_be_in_the_zone(index):
    # ~60 km from a border: outside a 50 km zone, but a town centroid (30 km error) may be in.
    incidents = add_border_distance(
        _incidents([("x", 10.8, 33.3, 2, "2016-01-01", 0, 0, 0)]), index
    )
    distance = incidents.loc[0, "border_distance_km"]
    assert 50 < distance < 80
    assert not in_zone(incidents, 50).iloc[0]
    assert possibly_in_zone(incidents, 50).iloc[0]


def test_zone_counts_and_ranking(index):
    incidents = add_border_distance(
        _incidents(
            [
                ("a", 11.2167, 33.1389, 2, "2016-03-07", 55, 60, 75),
                ("b", 11.30, 33.00, 2, "2016-05-01", 1, 2, 3),
                ("c", 11.30, 33.00, 2, "2015-05-01", None, None, None),
                ("d", 8.6825, 35.2064, 2, "2014-07-16", 15, 15, 16),
            ]
        ),
        index,
    )
    by_year = zone_counts_by_year(incidents, 50)
    tun_lby_2016 = by_year[(by_year["pair"] == "LBY-TUN") & (by_year["year"] == 2016)].iloc[0]
    assert tun_lby_2016["incidents"] == 2
    assert (tun_lby_2016["deaths_low"], tun_lby_2016["deaths_high"]) == (56, 78)
    ranking = zone_ranking(incidents, 50, {"LBY-TUN": "Libya – Tunisia"})
    assert ranking.iloc[0]["pair"] == "LBY-TUN" and ranking.iloc[0]["incidents"] == 3
    assert ranking.iloc[0]["border"] == "Libya – Tunisia"


def test_zone_polygons_have_true_width(geodata):
    zones = border_zones(geodata.borders, 50, pairs=["LBY-TUN"])
    assert len(zones) == 1 and zones.is_valid.all()
    # A point 40 km off the border is inside, one 60 km off is not (independent check).
    index = BorderIndex.from_borders(geodata.borders)
    grid_lon, grid_lat = np.meshgrid(np.linspace(9.5, 12.5, 40), np.linspace(30, 34, 40))
    lon, lat = grid_lon.ravel(), grid_lat.ravel()
    distance, pair = index.nearest(lon, lat)
    points = gpd.points_from_xy(lon, lat)
    inside = zones.geometry.iloc[0].contains(points)
    tun_lby = pair == "LBY-TUN"
    assert inside[tun_lby & (distance < 48)].all()
    assert not inside[distance > 52].any()
