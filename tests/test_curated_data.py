"""Content promises of the curated layer: coverage, sources, honest locations."""

from __future__ import annotations

import csv

import pytest
from shapely.ops import nearest_points

from borderwatch import paths
from borderwatch.citations import citation_problems
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


def test_crossings_lie_on_their_side_near_their_border(geodata):
    # Each crossing stands for a town or post on one side (point_country), which must be
    # one of its pair's two countries; the point must lie in that country's polygon and
    # within 15 km (geodesic) of the pair's border line.
    countries = geodata.countries.set_index("iso3")
    borders = geodata.borders.set_index("pair")
    for row in geodata.crossings.itertuples():
        assert row.point_country in row.border_pair.split("-"), row.crossing_id
        polygon = countries.loc[row.point_country, "geometry"]
        assert polygon.contains(row.geometry), (row.crossing_id, row.name, row.point_country)
        nearest, _ = nearest_points(borders.loc[row.border_pair, "geometry"], row.geometry)
        gap_km = geodesic_distance_km(nearest.x, nearest.y, row.longitude, row.latitude)
        assert gap_km < 15, (row.crossing_id, round(gap_km, 1))


def test_debdeb_is_on_the_algerian_side(geodata):
    debdeb = geodata.crossings[geodata.crossings["name"].str.startswith("Debdeb")].iloc[0]
    countries = geodata.countries.set_index("iso3")
    assert countries.loc["DZA", "geometry"].contains(debdeb.geometry)
    assert not countries.loc["LBY", "geometry"].contains(debdeb.geometry)


# --- Curation rules (geodata/README.md, "Curation guide") --------------------------------

#: Every curated table and the name of its sources column.
CURATED_SOURCES = {
    "incidents.csv": "sources",
    "cooperation.csv": "sources",
    "crossings.csv": "sources",
    "capabilities.csv": "source",
    "border_lengths.csv": "sources",
}


def _curated_rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (paths.GEODATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("name", CURATED_SOURCES)
def test_every_row_is_dated_sourced_and_verified(name):
    """At least one dated source, a verification status, what was checked; 'two sources'
    names two different outlets (Wikipedia counting as one)."""
    columns, rows = _curated_rows(name)
    source = CURATED_SOURCES[name]
    if "verification" not in columns:
        # incidents.csv gains the columns in a parallel audit; the same check applies then.
        assert name == "incidents.csv", f"{name} has no verification column"
        pytest.skip(f"{name} has no verification column yet")
    position = columns.index(source)
    assert columns[position + 1 : position + 3] == ["verification", "checked"], columns
    problems = {
        f"row {number} ({row[columns[0]]})": found
        for number, row in enumerate(rows, start=1)
        if (found := citation_problems(row[source], row["verification"], row["checked"]))
    }
    assert not problems, problems


def test_disputed_rows_say_how():
    for name in ("cooperation.csv", "crossings.csv"):
        _, rows = _curated_rows(name)
        for row in rows:
            if row["verification"] == "disputed":
                assert "isputed" in row["unverified"], (name, row[next(iter(row))])


def test_disputed_capabilities_keep_the_competing_figures():
    # Competing figures are a range (low < high), and the note says who gives which.
    _, rows = _curated_rows("capabilities.csv")
    disputed = [r for r in rows if r["verification"] == "disputed"]
    assert disputed
    for row in disputed:
        key = (row["country_iso3"], row["indicator"], row["year"])
        assert float(row["value_low"]) < float(row["value_high"]), key
        assert "isputed" in row["note"], key


def test_every_capability_figure_names_its_release():
    # SIPRI revises past years: a figure without its release cannot be compared.
    _, rows = _curated_rows("capabilities.csv")
    for row in (r for r in rows if r["value_low"]):
        key = (row["country_iso3"], row["indicator"], row["year"])
        assert row["release"], key
        if "SIPRI" in row["source"]:
            assert "SIPRI" in row["release"], key
        money = row["indicator"] == "military_expenditure_usd_bn"
        assert bool(row["price_basis"]) == money, key


def test_border_lengths_beside_the_measured_line(geodata):
    _, rows = _curated_rows("border_lengths.csv")
    measured = geodata.borders.set_index("pair")["length_km"]
    assert {"DZA-TUN", "DZA-MAR", "DZA-LBY", "LBY-TUN", "EGY-LBY", "EGY-SDN"} <= {
        r["pair"] for r in rows
    }
    for row in rows:
        assert float(row["measured_km"]) == measured[row["pair"]], row["pair"]
        low, high = float(row["published_km_low"]), float(row["published_km_high"])
        assert 0 < low <= high, row["pair"]
        assert row["note"], row["pair"]
        if low != high:  # competing figures are a range, and the note names them
            assert row["verification"] in ("disputed", "single source", "two sources")
    by_pair = {r["pair"]: r for r in rows}
    # The figures quoted in the issue, kept inside the published ranges.
    assert float(by_pair["DZA-TUN"]["published_km_high"]) >= 1034
    assert float(by_pair["DZA-MAR"]["published_km_high"]) == 1941


def test_every_incident_records_its_verification(geodata):
    incidents = geodata.incidents
    assert incidents["verification"].isin(["two sources", "single source", "disputed"]).all()
    assert (incidents["checked"].fillna("").str.len() > 0).all()
