"""Data exports: every format read back (through GDAL where it applies) matches the data."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from borderwatch.exports.data import (
    DATA_FORMATS,
    ORIGIN_COLUMNS,
    export_data,
    export_table,
    neutralise_formulas,
    to_csv,
    to_geojson,
    to_gpkg,
    to_kml,
)
from borderwatch.exports.provenance import Provenance, make_provenance
from borderwatch.proximity import BorderIndex, add_border_distance
from borderwatch.schemas import INCIDENTS

FATALITIES = ("fatalities_low", "fatalities_best", "fatalities_high")
ARABIC_PLACE = "Ben Gardane (بن قردان)"
KML = {"kml": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(scope="module")
def provenance() -> Provenance:
    return make_provenance(title="Test", filters="countries: Tunisia")


@pytest.fixture(scope="module")
def tunisia(geodata):
    """Tunisian incidents with border distances; one place name given in Arabic too."""
    incidents = add_border_distance(geodata.incidents, BorderIndex.from_borders(geodata.borders))
    subset = incidents[incidents["country_iso3"] == "TUN"].copy()
    subset.loc[subset["incident_id"] == "BW-0033", "place_name"] = ARABIC_PLACE
    # The subset must exercise what the tests check: accents, unknown and zero tolls.
    assert subset["name"].str.contains("ï").any()
    assert subset["fatalities_best"].isna().any()
    assert (subset["fatalities_low"] == 0).any()
    assert len(subset) < len(geodata.incidents)
    return subset


def _ints(values) -> list[int | None]:
    """Cells as Python ints (None where missing), failing on any non-integral value."""
    out: list[int | None] = []
    for value in values:
        if value is None or pd.isna(value):
            out.append(None)
        else:
            assert float(value) == int(float(value)), value
            out.append(int(float(value)))
    return out


def _assert_matches(read, expected, *, lon, lat, names="name") -> None:
    """Rows read back from an export agree with the incidents that were exported."""
    assert len(read) == len(expected)
    assert list(read["incident_id"]) == list(expected["incident_id"])
    np.testing.assert_allclose(np.asarray(lon, dtype=float), expected["longitude"], atol=1e-6)
    np.testing.assert_allclose(np.asarray(lat, dtype=float), expected["latitude"], atol=1e-6)
    assert list(read[names]) == list(expected["name"])
    assert list(read["place_name"]) == list(expected["place_name"])
    assert ARABIC_PLACE in list(read["place_name"])
    for column in FATALITIES:
        assert _ints(read[column]) == _ints(expected[column]), column


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- the export table -----------------------------------------------------------------------


def test_export_table_keeps_layout_columns_and_types(tunisia):
    table = export_table(tunisia)
    assert list(table.columns) == [
        *INCIDENTS.column_names,
        *ORIGIN_COLUMNS,
        "border_distance_km",
        "nearest_border",
        "geometry",
    ]
    assert table.crs.to_epsg() == 4326
    assert list(table.index) == list(range(len(tunisia)))
    for column in (*FATALITIES, "location_precision"):
        assert isinstance(table[column].dtype, pd.Int64Dtype), column
        assert _ints(table[column]) == _ints(tunisia[column])
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in table["date_start"])
    assert list(table["date_end"]) == [d.strftime("%Y-%m-%d") for d in tunisia["date_end"]]
    distances = table["border_distance_km"].to_numpy()
    np.testing.assert_allclose(distances, tunisia["border_distance_km"], atol=0.05 + 1e-9)
    np.testing.assert_array_equal(distances, np.round(distances, 1))
    assert list(table["nearest_border"]) == list(tunisia["nearest_border"])
    np.testing.assert_allclose(table.geometry.x, tunisia["longitude"], atol=1e-9)


def test_export_table_joins_lists_and_omits_absent_proximity_columns(small_incidents):
    table = export_table(small_incidents)
    assert "border_distance_km" not in table and "nearest_border" not in table
    first = table.iloc[0]
    assert first["origin_countries"] == "LBY;MLI"
    assert first["sources"] == "Test Publisher: Article (2013-01-20) | Wikipedia: Test"
    assert table.iloc[1]["origin_countries"] == ""
    assert _ints(table["fatalities_best"]) == [40, 12, None]


def test_export_table_names_missing_layout_columns(small_incidents):
    with pytest.raises(ValueError, match="fatalities_best"):
        export_table(small_incidents.drop(columns="fatalities_best"))


# --- CSV ------------------------------------------------------------------------------------


def test_csv_zip_reads_back_with_sidecar(tunisia, provenance):
    with zipfile.ZipFile(io.BytesIO(to_csv(tunisia, provenance))) as archive:
        assert sorted(archive.namelist()) == ["incidents.csv", "provenance.json"]
        raw = archive.read("incidents.csv")
        sidecar = json.loads(archive.read("provenance.json").decode("utf-8"))
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel picks UTF-8
    assert sidecar == provenance.as_dict()
    assert sidecar["filters"] == "countries: Tunisia"

    text = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(text.columns) == [
        *INCIDENTS.column_names,
        *ORIGIN_COLUMNS,
        "border_distance_km",
        "nearest_border",
    ]
    # Curated rows say so, with their own id as the original id.
    assert set(text["dataset_name"]) == set(text["source_dataset"]) == {"BorderWatch curated"}
    assert list(text["original_id"]) == list(tunisia["incident_id"])
    assert not text.apply(lambda c: c.str.startswith("POINT")).any().any()  # no WKT
    for column in FATALITIES:
        assert text[column].str.fullmatch(r"\d*").all(), column  # "12", never "12.0"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in text["date_start"])

    typed = pd.read_csv(
        io.BytesIO(raw), encoding="utf-8-sig", dtype={c: "Int64" for c in FATALITIES}
    )
    _assert_matches(typed, tunisia, lon=typed["longitude"], lat=typed["latitude"])


def test_neutralise_formulas_prefixes_text_only():
    frame = pd.DataFrame(
        {
            "text": ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\ry"],
            "safe": ["Ben Gardane", "", "Aïn Soltane", "a=b", "2016-03-07", "'quoted"],
            "number": [-7.98, 1.0, -2.0, 0.0, 3.5, -1.0],
        }
    )
    out = neutralise_formulas(frame)
    assert list(out["text"]) == ["'" + v for v in frame["text"]]
    assert list(out["safe"]) == list(frame["safe"])
    assert out["number"].dtype == np.float64
    assert list(out["number"]) == list(frame["number"])
    assert frame["text"].iloc[0] == '=HYPERLINK("http://x")'  # the input is not modified


def test_csv_neutralises_formulas_but_keeps_numbers(small_incidents, provenance):
    rows = small_incidents.copy()
    rows.loc[0, "summary"] = '=HYPERLINK("http://x")'
    rows.loc[0, "perpetrator"] = "+1"
    rows.loc[1, "summary"] = "-2+3"
    rows.loc[1, "perpetrator"] = "@SUM(A1)"
    rows.loc[0, "longitude"] = -7.98
    rows = rows.set_geometry(shapely.points(rows["longitude"], rows["latitude"]))
    with zipfile.ZipFile(io.BytesIO(to_csv(rows, provenance))) as archive:
        raw = archive.read("incidents.csv")

    text = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(text["summary"][:2]) == ['\'=HYPERLINK("http://x")', "'-2+3"]
    assert list(text["perpetrator"][:2]) == ["'+1", "'@SUM(A1)"]
    assert text["summary"][2] == "A fixture seizure with unknown toll."
    assert text["longitude"][0] == "-7.98"

    typed = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert typed["longitude"].dtype == np.float64
    assert typed["longitude"][0] == -7.98


# --- GeoJSON --------------------------------------------------------------------------------


def test_geojson_is_rfc7946_with_provenance_member(tunisia, provenance, tmp_path):
    content = to_geojson(tunisia, provenance)
    document = json.loads(content.decode("utf-8"))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946: always WGS84 longitude/latitude
    assert document["borderwatch_provenance"] == provenance.as_dict()

    features = document["features"]
    properties = pd.DataFrame([f["properties"] for f in features])
    coordinates = np.array([f["geometry"]["coordinates"] for f in features])
    assert {f["geometry"]["type"] for f in features} == {"Point"}
    _assert_matches(properties, tunisia, lon=coordinates[:, 0], lat=coordinates[:, 1])
    for column in FATALITIES:
        values = [f["properties"][column] for f in features]
        assert all(v is None or type(v) is int for v in values), column
    assert None in [f["properties"]["fatalities_best"] for f in features]

    read = pyogrio.read_dataframe(_write(tmp_path, "tunisia.geojson", content))
    assert read.crs.to_epsg() == 4326
    _assert_matches(read, tunisia, lon=read.geometry.x, lat=read.geometry.y)


# --- GeoPackage -----------------------------------------------------------------------------


def test_gpkg_reads_back_through_gdal(tunisia, provenance, tmp_path):
    path = _write(tmp_path, "tunisia.gpkg", to_gpkg(tunisia, provenance))
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"incidents": "Point", "provenance": None}

    info = pyogrio.read_info(path, layer="incidents")
    assert info["crs"] == "EPSG:4326"
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert {types[c] for c in FATALITIES} == {"OFTInteger64"}
    assert types["border_distance_km"] == "OFTReal"

    read = pyogrio.read_dataframe(path, layer="incidents")
    _assert_matches(read, tunisia, lon=read.geometry.x, lat=read.geometry.y)
    assert list(read["nearest_border"]) == list(tunisia["nearest_border"])

    table = pyogrio.read_dataframe(path, layer="provenance")
    stored = {
        key: json.loads(value) for key, value in zip(table["key"], table["value"], strict=True)
    }
    assert stored == provenance.as_dict()


# --- KML ------------------------------------------------------------------------------------


def test_kml_reads_back_with_document_description(tunisia, provenance, tmp_path):
    content = to_kml(tunisia, provenance)
    root = ET.fromstring(content)
    document = root.find("kml:Document", KML)
    assert document is not None
    assert document[0].tag == f"{{{KML['kml']}}}description"
    description = document[0].text
    for line in provenance.as_lines():
        assert line in description
    fields = {
        f.get("name"): f.get("type") for f in document.iterfind("kml:Schema/kml:SimpleField", KML)
    }
    assert {fields[c] for c in FATALITIES} == {"int"}
    placemarks = root.findall(".//kml:Placemark", KML)
    assert [p.findtext("kml:name", namespaces=KML) for p in placemarks] == list(tunisia["name"])

    read = pyogrio.read_dataframe(_write(tmp_path, "tunisia.kml", content))
    assert read.crs.to_epsg() == 4326
    _assert_matches(read, tunisia, lon=read.geometry.x, lat=read.geometry.y, names="Name")


def test_kml_escapes_markup_in_names_and_provenance(small_incidents, tmp_path):
    rows = small_incidents.copy()
    rows.loc[0, "name"] = 'Siege <In Amenas> & "after"'
    provenance = make_provenance(title="Briefing <draft> & notes", filters="a < b & c")
    content = to_kml(rows, provenance)
    root = ET.fromstring(content)  # still well-formed XML
    description = root.find("kml:Document/kml:description", KML).text
    assert description.splitlines()[:2] == ["Briefing <draft> & notes", "Filters: a < b & c"]
    read = pyogrio.read_dataframe(_write(tmp_path, "rows.kml", content))
    assert read["Name"][0] == 'Siege <In Amenas> & "after"'


# --- dispatch -------------------------------------------------------------------------------


def test_formats_table():
    assert set(DATA_FORMATS) == {"csv", "geojson", "gpkg", "kml"}
    assert DATA_FORMATS["csv"] == ("csv.zip", "application/zip")
    assert DATA_FORMATS["geojson"][1] == "application/geo+json"
    assert all(not extension.startswith(".") for extension, _ in DATA_FORMATS.values())


@pytest.mark.parametrize("fmt", sorted(DATA_FORMATS))
def test_export_data_dispatches_and_handles_empty_selections(
    fmt, small_incidents, provenance, tmp_path
):
    extension, _ = DATA_FORMATS[fmt]
    for rows, count in ((small_incidents, 3), (small_incidents.iloc[:0], 0)):
        content = export_data(rows, provenance, fmt=fmt)
        assert isinstance(content, bytes)
        if fmt == "csv":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                read = pd.read_csv(archive.open("incidents.csv"), encoding="utf-8-sig")
        else:
            path = _write(tmp_path, f"rows{count}.{extension}", content)
            read = pyogrio.read_dataframe(path, layer="incidents" if fmt == "gpkg" else None)
        assert len(read) == count


def test_export_data_rejects_unknown_format(small_incidents, provenance):
    with pytest.raises(ValueError, match="csv, geojson, gpkg, kml"):
        export_data(small_incidents, provenance, fmt="xlsx")
