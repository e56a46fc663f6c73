"""Content promises of the curated layer: coverage, sources, honest locations."""

from __future__ import annotations

from shapely.ops import nearest_points

from borderwatch.geodesy import geodesic_distance_km


def test_at_least_the_seed_incidents(geodata):
    assert len(geodata.incidents) >= 45
    assert geodata.incidents["incident_id"].is_unique


def test_in_amenas_attack(geodata):
    incidents = geodata.incidents
    row = incidents[incidents["name"].str.contains("Tiguentourine|In Amenas")].iloc[0]
    assert str(row["date_start"].date()) == "2013-01-16"
    assert str(row["date_end"].date()) == "2013-01-19"
    assert row["country_iso3"] == "DZA"
    assert "LBY" in row["origin_countries"]
    assert row["fatalities_low"] < row["fatalities_high"], "disputed toll kept as a range"


def test_every_incident_cites_a_source(geodata):
    assert (geodata.incidents["sources"].map(len) >= 1).all()
    assert (geodata.cooperation["sources"].map(len) >= 1).all()


def test_cross_border_origins_carry_evidence(geodata):
    with_origin = geodata.incidents[geodata.incidents["origin_countries"].map(len) > 0]
    assert len(with_origin) >= 5
    assert (with_origin["cross_border_note"].str.len() > 0).all()


def test_points_fall_in_their_country(geodata):
    # Inside the polygon, or within 10 km of it (geodesic): coastal centroids sit on the shore.
    countries = geodata.countries.set_index("iso3")
    for row in geodata.incidents.itertuples():
        polygon = countries.loc[row.country_iso3, "geometry"]
        if polygon.contains(row.geometry):
            continue
        nearest, _ = nearest_points(polygon, row.geometry)
        gap_km = geodesic_distance_km(nearest.x, nearest.y, row.longitude, row.latitude)
        assert gap_km < 10, (row.incident_id, row.place_name, round(gap_km, 1))


def test_cooperation_covers_the_key_arrangements(geodata):
    coop = geodata.cooperation
    closure = coop[(coop["border_pair"] == "DZA-MAR") & (coop["kind"] == "border_closure")]
    assert len(closure) == 1 and str(closure.iloc[0]["date_start"].year) == "1994"
    barrier = coop[(coop["border_pair"] == "LBY-TUN") & (coop["scope"] == "unilateral")]
    assert len(barrier) >= 1
    assert {"DZA", "TUN"} <= set(coop[coop["scope"] == "bilateral"]["parties"].sum())


def test_every_incident_records_its_verification(geodata):
    incidents = geodata.incidents
    assert incidents["verification"].isin(["two sources", "single source", "disputed"]).all()
    assert (incidents["checked"].fillna("").str.len() > 0).all()
