"""Importing analysts' ACLED, UCDP GED, GTD and BorderWatch files (docs/import-design.md).

The fixtures under tests/fixtures/imports/ are hand-written, synthetic rows in the exact
layouts of the source datasets; the UTF-8-BOM, Latin-1 and .xlsx variants are written from
them here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borderwatch import loading, paths
from borderwatch.importers import (
    INCIDENT_COLUMNS,
    FileTooLargeError,
    ImportFormatError,
    ImportResult,
    convert,
    detect_format,
    import_file,
    map_acled,
    map_acled_legacy,
    map_borderwatch,
    map_gtd,
    map_ucdp_ged,
    read_table,
)
from borderwatch.importers import countries as country_codes
from borderwatch.importers.layouts import LAYOUTS_BY_KEY
from borderwatch.importers.mappers import MAPPERS
from borderwatch.schemas import DATE_PRECISIONS, EVENT_TYPES, INCIDENTS

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def _bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _import(name: str, data: bytes | None = None, **options) -> ImportResult:
    return import_file(
        _bytes(name) if data is None else data, file_name=name, dataset="test", **options
    )


def _raw(name: str) -> pd.DataFrame:
    return read_table(_bytes(name), file_name=name)


def _by_id(result: ImportResult) -> pd.DataFrame:
    return result.incidents.set_index("original_id", drop=False)


def _reasons(result: ImportResult) -> list[tuple[int, str, str]]:
    return list(result.rejected[["row", "original_id", "field"]].itertuples(index=False, name=None))


def _reason(result: ImportResult, row: int, field: str) -> str:
    hits = result.rejected[(result.rejected["row"] == row) & (result.rejected["field"] == field)]
    assert len(hits) == 1, result.rejected
    return str(hits["reason"].iloc[0])


def _stamp(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _header(name: str) -> list[str]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def acled() -> ImportResult:
    return _import("acled_current.csv")


@pytest.fixture(scope="module")
def legacy() -> ImportResult:
    return _import("acled_legacy.csv")


@pytest.fixture(scope="module")
def ucdp() -> ImportResult:
    return _import("ucdp_ged.csv")


@pytest.fixture(scope="module")
def gtd() -> ImportResult:
    return _import("gtd.csv")


@pytest.fixture(scope="module")
def geojson() -> ImportResult:
    return _import("borderwatch.geojson")


def _write_gtd_xlsx(path: Path) -> Path:
    """The GTD fixture as a workbook with numeric cells, as START distributes it."""
    table = _raw("gtd.csv")
    for column in table.columns:
        numbers = pd.to_numeric(table[column], errors="coerce")
        if column != "eventid" and numbers.notna().all():
            table[column] = numbers
    ids = pd.to_numeric(table["eventid"], errors="coerce")
    mangled = table["eventid"].str.contains("E")
    table["eventid"] = [
        text if bad else int(number)
        for number, text, bad in zip(ids, table["eventid"], mangled, strict=True)
    ]
    table.to_excel(path, index=False, engine="openpyxl")
    return path


# --- the fixtures follow the source layouts exactly -------------------------------------


def test_fixtures_have_the_documented_column_counts():
    assert len(_header("acled_current.csv")) == 31
    assert len(_header("ucdp_ged.csv")) == 49
    assert _header("acled_legacy.csv")[:3] == ["GWNO", "EVENT_ID_CNTY", "EVENT_ID_NO_CNTY"]
    assert len(_header("acled_legacy.csv")) == 25
    assert {"eventid", "iyear", "imonth", "iday", "scite3", "dbsource"} <= set(_header("gtd.csv"))


def test_schema_vocabularies_include_import_values():
    assert DATE_PRECISIONS["year"] == "only the year is known"
    assert EVENT_TYPES["other"] == "Other / strategic development"


# --- detection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("acled_current.csv", "acled"),
        ("acled_legacy.csv", "acled_legacy"),
        ("ucdp_ged.csv", "ucdp_ged"),
        ("gtd.csv", "gtd"),
        ("borderwatch.geojson", "borderwatch_csv"),
    ],
)
def test_detects_each_layout(name, expected):
    assert detect_format(list(_raw(name).columns)) == expected


def test_detects_pre_2023_acled_layout():
    header = _header("acled_current.csv")
    header = [c for c in header if c not in ("disorder_type", "civilian_targeting", "tags")]
    header = ["data_id", "iso", "event_id_cnty", "event_id_no_cnty", *header[1:], "iso3"]
    assert detect_format(header) == "acled"


def test_detects_borderwatch_csv_and_ignores_bom_and_spaces():
    header = [" \ufeffincident_id", *INCIDENTS.column_names[1:], "border_distance_km"]
    assert detect_format(header) == "borderwatch_csv"


def test_unknown_layout_names_the_closest_and_its_missing_columns():
    header = [c for c in _header("gtd.csv") if c not in ("specificity", "nkill")]
    with pytest.raises(ImportFormatError) as caught:
        detect_format(header)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert "Closest: Global Terrorism Database (GTD)" in message
    assert "lacks 2 of its 10 required columns: specificity, nkill" in message
    for label in ("ACLED export", "c.2017", "UCDP", "BorderWatch incident layout"):
        assert label in message


def test_unknown_layout_hints_at_case_and_separator():
    lowered = [c.lower() for c in _header("acled_legacy.csv")]
    # Lower-cased legacy names are not the current layout (no sub_event_type, ...).
    with pytest.raises(ImportFormatError, match=r"c\.2017 \(upper-case.*except for upper/lower"):
        detect_format(lowered)
    with pytest.raises(ImportFormatError, match="separated by something other than commas"):
        detect_format(["event_id_cnty;event_date;year"])


# --- reading: encodings -----------------------------------------------------------------


def test_plain_utf8(acled):
    assert acled.encoding == "utf-8"
    assert _by_id(acled).loc["TUN9001", "place_name"] == "بن قردان"


def test_utf8_with_bom():
    data = b"\xef\xbb\xbf" + _bytes("acled_current.csv")
    result = import_file(data, file_name="acled_bom.csv", dataset="test")
    assert result.encoding == "utf-8-sig"
    assert result.format == "acled"
    assert _by_id(result).loc["TUN9001", "place_name"] == "بن قردان"
    assert _by_id(result).loc["DZA9003", "place_name"] == "Tébessa"


def test_latin1_fallback():
    data = _bytes("acled_legacy.csv").decode("utf-8").encode("latin-1")
    assert "é".encode("latin-1") in data
    result = import_file(data, file_name="acled_latin1.csv", dataset="test")
    assert result.encoding == "latin-1"
    assert _by_id(result).loc["DZA8002", "name"] == "Remote violence, Bir el Ater"
    raw = read_table(data, file_name="acled_latin1.csv")
    assert raw.attrs["encoding"] == "latin-1"
    assert "Tébessa" in set(raw["ADMIN1"])


def test_utf8_cut_inside_a_character_is_not_read_as_latin1():
    data = _bytes("acled_current.csv")
    cut = data[: data.index("بن قردان".encode()) + 1]
    result = import_file(cut, file_name="cut.csv", dataset="test")
    assert result.encoding == "utf-8"
    assert _reasons(result) == [(1, "TUN9001", "(row)")]
    assert "truncated" in _reason(result, 1, "(row)")


def test_semicolon_separated_csv_is_read():
    text = _bytes("acled_legacy.csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    result = import_file(buffer.getvalue().encode(), file_name="semi.csv", dataset="test")
    assert result.format == "acled_legacy"
    assert result.rows_accepted == 5


# --- reading: ids stay text, the GTD workbook -------------------------------------------


def test_every_cell_is_text():
    raw = _raw("gtd.csv")
    assert all(raw[column].dtype == "str" for column in raw.columns)
    assert raw.loc[0, "eventid"] == "201405020001"
    assert raw.loc[2, "approxdate"] == ""


def test_gtd_workbook_matches_the_csv(tmp_path, gtd):
    path = _write_gtd_xlsx(tmp_path / "gtd.xlsx")
    result = import_file(path.read_bytes(), file_name="gtd.xlsx", dataset="test")
    assert result.format == "gtd"
    assert result.encoding is None
    assert list(result.incidents["original_id"]) == list(gtd.incidents["original_id"])
    assert result.incidents["original_id"].iloc[0] == "201405020001"
    pd.testing.assert_frame_equal(
        result.incidents.drop(columns="geometry"), gtd.incidents.drop(columns="geometry")
    )
    pd.testing.assert_frame_equal(result.rejected, gtd.rejected)


def test_workbook_ids_stored_as_floats_come_back_as_digits(tmp_path):
    table = _raw("gtd.csv").head(2)
    table["eventid"] = [201405020001.0, 201406000002.0]
    path = tmp_path / "floats.xlsx"
    table.to_excel(path, index=False, engine="openpyxl")
    result = import_file(path.read_bytes(), file_name="floats.xlsx", dataset="test")
    assert list(result.incidents["original_id"]) == ["201405020001", "201406000002"]


# --- reading: bad files -----------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file(data):
    with pytest.raises(ImportFormatError, match="is empty"):
        import_file(data, file_name="empty.csv", dataset="test")


def test_header_without_rows():
    header = _bytes("acled_current.csv").split(b"\n")[0] + b"\n"
    with pytest.raises(ImportFormatError, match="header but no data rows"):
        import_file(header, file_name="header.csv", dataset="test")


def test_file_cut_inside_a_quoted_value():
    data = _bytes("acled_current.csv")
    cut = data[: data.index(b"Synthetic test row: a clash") + 10]
    with pytest.raises(ImportFormatError, match=r"never closed.*truncated"):
        import_file(cut, file_name="cut.csv", dataset="test")


def test_file_cut_in_the_middle_of_its_last_row(acled):
    data = _bytes("acled_current.csv").rstrip(b"\n")
    cut = data[: data.rindex(b",National,")]
    result = import_file(cut, file_name="cut.csv", dataset="test")
    assert result.rows_read == acled.rows_read
    assert (14, "ESH9014", "(row)") in _reasons(result)
    assert "ESH9014" not in set(result.incidents["original_id"])
    assert result.rows_accepted == acled.rows_accepted - 1


def test_file_without_final_line_break_is_complete(acled):
    result = import_file(
        _bytes("acled_current.csv").rstrip(b"\n"), file_name="a.csv", dataset="test"
    )
    assert result.rows_accepted == acled.rows_accepted
    assert "(row)" not in set(result.rejected["field"])


def test_line_with_too_many_fields():
    data = _bytes("acled_legacy.csv").replace(b"Synthetic test row: protest.", b"protest, again")
    with pytest.raises(ImportFormatError, match="line 4 has 26 fields where the header has 25"):
        import_file(data, file_name="garbled.csv", dataset="test")


def test_first_row_with_too_many_fields_is_not_shifted():
    data = b"a,b\n1,2,3\n"
    with pytest.raises(ImportFormatError, match="first data row has more fields"):
        read_table(data, file_name="garbled.csv")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file: it is a PNG"),
        ("binary.csv", b"abc\x00def,ghi\n", "binary data"),
        ("unicode.csv", "a,b\n1,2\n".encode("utf-16"), "UTF-16.*CSV UTF-8"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n", "not an Excel workbook: it is a PNG"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "Excel 97"),
        ("text.xlsx", b"event_id_cnty,event_date\n", "not an Excel workbook"),
        ("picture.geojson", b"\x89PNG\r\n\x1a\n", "not a GeoJSON file: it is a PNG"),
        ("picture.zip", b"\x89PNG\r\n\x1a\n", "not a ZIP archive: it is a PNG"),
        ("report.pdf", b"%PDF-1.4", r"'\.pdf'.*\.csv, \.xlsx, \.geojson, \.json, \.zip"),
        ("old.xls", b"\xd0\xcf\x11\xe0", r"Excel 97–2003 workbook \(\.xls\)"),
        ("no_extension", b"a,b\n", "no extension"),
    ],
)
def test_file_that_is_not_what_it_claims(name, data, message):
    with pytest.raises(ImportFormatError, match=message):
        import_file(data, file_name=name, dataset="test")


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ImportFormatError, match="ZIP archive but not an Excel workbook"):
        import_file(buffer.getvalue(), file_name="data.xlsx", dataset="test")


def test_damaged_workbook(tmp_path):
    data = _write_gtd_xlsx(tmp_path / "gtd.xlsx").read_bytes()
    with pytest.raises(ImportFormatError, match="workbook"):
        import_file(data[: len(data) // 2], file_name="gtd.xlsx", dataset="test")


def test_geojson_that_is_not_json():
    with pytest.raises(ImportFormatError, match="cannot be read as GeoJSON"):
        import_file(
            b'{"type": "FeatureCollection", "features": [', file_name="a.geojson", dataset="t"
        )


def test_size_limit():
    data = _bytes("acled_current.csv")
    with pytest.raises(FileTooLargeError) as caught:
        import_file(data, file_name="big.csv", dataset="test", max_bytes=1024)
    message = str(caught.value)
    assert isinstance(caught.value, ImportFormatError)
    assert f"{len(data):,} bytes" in message
    assert "1,024 bytes" in message
    assert "limit" in message


def test_default_limit_is_500_mib(acled):
    assert import_file.__kwdefaults__["max_bytes"] == 500 * 2**20


def test_dataset_key_is_required():
    with pytest.raises(ValueError, match="dataset"):
        import_file(_bytes("gtd.csv"), file_name="gtd.csv", dataset="  ")


# --- the mapped table follows the contract ----------------------------------------------


@pytest.mark.parametrize("name", ["acled", "legacy", "ucdp", "gtd", "geojson"])
def test_result_layout(name, request):
    result: ImportResult = request.getfixturevalue(name)
    incidents = result.incidents
    assert list(incidents.columns) == [*INCIDENT_COLUMNS, "geometry"]
    assert incidents.crs.to_epsg() == 4326
    assert list(incidents.index) == list(range(len(incidents)))
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    assert list(result.rejected.columns) == ["row", "original_id", "field", "reason"]
    assert result.rejected["row"].is_monotonic_increasing
    assert (incidents["incident_id"] == "test:" + incidents["original_id"]).all()
    assert incidents["incident_id"].is_unique
    assert (incidents["dataset"] == "test").all()
    curated = loading.load_incidents(Path(__file__).parent / "fixtures" / "incidents_small.csv")
    for column in INCIDENTS.column_names:
        assert incidents[column].dtype == curated[column].dtype, column
    placed = incidents["latitude"].notna()
    assert (placed == incidents["longitude"].notna()).all()
    assert (placed == incidents["location_precision"].notna()).all()
    assert (placed == incidents.geometry.notna()).all()
    assert incidents.loc[placed].geometry.geom_type.eq("Point").all()
    assert np.allclose(incidents.loc[placed].geometry.y, incidents.loc[placed, "latitude"])
    assert incidents["sources"].map(lambda s: isinstance(s, tuple) and len(s) > 0).all()
    assert incidents["origin_countries"].map(lambda s: isinstance(s, tuple)).all()
    assert incidents["event_type"].isin(list(EVENT_TYPES)).all()
    assert incidents["date_precision"].isin(list(DATE_PRECISIONS)).all()
    assert (incidents["date_end"] >= incidents["date_start"]).all()


# --- ACLED ------------------------------------------------------------------------------


def test_acled_row_field_by_field(acled):
    row = _by_id(acled).loc["TUN9001"]
    assert row["incident_id"] == "test:TUN9001"
    assert row["source_dataset"] == "ACLED"
    assert row["name"] == "Armed clash, بن قردان"
    assert row["date_start"] == row["date_end"] == _stamp("2013-01-16")
    assert row["date_precision"] == "day"
    assert row["country_iso3"] == "TUN"
    assert row["place_name"] == "بن قردان"
    assert (row["latitude"], row["longitude"]) == (33.1389, 11.2167)
    assert (row.geometry.x, row.geometry.y) == (11.2167, 33.1389)
    assert row["location_precision"] == 2
    assert row["location_source"] == "reported"
    assert row["event_type"] == "battle"
    assert row["event_subtype"] == "Armed clash"
    assert row["perpetrator"] == "Synthetic Military Forces"
    assert row["fatalities_low"] is pd.NA and row["fatalities_high"] is pd.NA
    assert row["fatalities_best"] == 3
    assert row["fatalities_note"] == "ACLED 'fatalities' field"
    assert row["summary"] == ('Synthetic test row: a clash, with "quoted" words, near the border.')
    assert row["sources"] == ("Synthetic Wire A", "Synthetic Wire B")
    assert row["origin_countries"] == ()
    assert row["cross_border_note"] == row["other_casualties"] == row["unverified"] == ""


def test_acled_word_dates_precisions_and_sub_event_overrides(acled):
    rows = _by_id(acled)
    strike = rows.loc["TUN9002"]
    assert strike["date_start"] == _stamp("2014-02-17")
    assert strike["date_precision"] == "approximate"
    assert strike["event_type"] == "air_strike"
    assert strike["location_precision"] == 3
    assert pd.isna(strike["fatalities_best"]) and strike["fatalities_note"] == ""
    abduction = rows.loc["DZA9003"]
    assert abduction["event_type"] == "hostage_taking"
    assert abduction["date_precision"] == "month"
    assert (abduction["date_start"], abduction["date_end"]) == (
        _stamp("2015-03-01"),
        _stamp("2015-03-31"),
    )
    assert abduction["location_precision"] == 4
    assert abduction["fatalities_best"] == 0
    assert abduction["perpetrator"] == "Synthetic Armed Group (with Synthetic Militia)"
    assert abduction["country_iso3"] == "DZA"
    assert rows.loc["EGY9011", "event_type"] == "unrest"
    assert rows.loc["ESH9014", "country_iso3"] == "ESH"
    assert rows.loc["ESH9014", "sources"] == ("Synthetic Wire A",)


def test_acled_row_without_coordinates_is_kept_not_placed(acled):
    row = _by_id(acled).loc["LBY9004"]
    assert np.isnan(row["latitude"]) and np.isnan(row["longitude"])
    assert row.geometry is None
    assert pd.isna(row["location_precision"])
    assert row["event_type"] == "other"
    assert row["sources"] == ("ACLED",)
    assert row["place_name"] == "Murzuq"


def test_acled_rejections_with_rows_and_reasons(acled):
    assert _reasons(acled) == [
        (5, "LBY9005", "event_date"),
        (6, "LBY9006", "event_date"),
        (7, "DZA9007", "latitude"),
        (8, "DZA9008", "event_date"),
        (9, "TUN9001", "event_id_cnty"),
        (10, "", "event_id_cnty"),
        (12, "MAR9012", "longitude"),
        (13, "DZA9013", "event_type"),
    ]
    assert "'31/02/2015' is not a date in a known form" in _reason(acled, 5, "event_date")
    assert "'yesterday' is not a date" in _reason(acled, 6, "event_date")
    assert _reason(acled, 7, "latitude") == "95 is outside -90..90"
    assert _reason(acled, 8, "event_date") == "'2015-02-31' is not a real calendar date"
    assert _reason(acled, 9, "event_id_cnty") == "the id is already used by row 1"
    assert _reason(acled, 10, "event_id_cnty") == "the id is empty"
    assert "only the latitude is given" in _reason(acled, 12, "longitude")
    assert "'Parades' is not an ACLED event type" in _reason(acled, 13, "event_type")
    # The first occurrence of a repeated id is the one kept.
    assert _by_id(acled).loc["TUN9001", "date_start"] == _stamp("2013-01-16")


def test_acled_precision_codes_all_map():
    raw = _raw("acled_current.csv").iloc[[0] * 9].reset_index(drop=True)
    raw["event_id_cnty"] = [f"X{i}" for i in range(9)]
    raw["geo_precision"] = ["1", "2", "3"] * 3
    raw["time_precision"] = ["1"] * 3 + ["2"] * 3 + ["3"] * 3
    mapped = map_acled(raw, dataset="d")
    assert mapped.rejected.empty
    assert list(mapped.incidents["location_precision"]) == [2, 3, 4] * 3
    assert (
        list(mapped.incidents["date_precision"])
        == ["day"] * 3 + ["approximate"] * 3 + ["month"] * 3
    )
    bad = raw.head(2).assign(geo_precision=["4", ""], time_precision=["1", "0"])
    rejected = map_acled(bad, dataset="d").rejected
    assert list(zip(rejected["row"], rejected["field"], strict=True)) == [
        (1, "geo_precision"),
        (2, "time_precision"),
        (2, "geo_precision"),
    ]


def test_acled_country_from_iso3_numeric_or_name():
    raw = _raw("acled_current.csv").iloc[[0, 0, 0]].reset_index(drop=True)
    raw["event_id_cnty"] = ["A", "B", "C"]
    raw["iso"] = ["", "434", ""]
    raw["country"] = ["Niger", "Tunisia", "Atlantis"]
    raw["iso3"] = ["TCD", "", ""]  # only in exports before March 2023
    mapped = map_acled(raw, dataset="d")
    assert list(mapped.incidents["country_iso3"]) == ["TCD", "LBY"]
    assert list(mapped.rejected["field"]) == ["country"]
    assert "'Atlantis' is not a country" in mapped.rejected["reason"].iloc[0]


def test_acled_fatalities_must_be_whole_numbers():
    raw = _raw("acled_current.csv").head(3)
    raw["fatalities"] = ["2.5", "many", "7"]
    mapped = map_acled(raw, dataset="d")
    assert list(mapped.rejected["reason"]) == [
        "'2.5' is not a whole number",
        "'many' is not a number",
    ]
    assert list(mapped.incidents["fatalities_best"]) == [7]


def test_map_acled_is_vectorised(monkeypatch):
    """Per-value work (country names, dates, citations) runs once per distinct value."""
    calls = {"country": 0, "date": 0}
    real_name, real_date = country_codes.iso3_from_name, convert._parse_date_value

    def counting_name(value):
        calls["country"] += 1
        return real_name(value)

    def counting_date(value):
        calls["date"] += 1
        return real_date(value)

    monkeypatch.setattr(country_codes, "iso3_from_name", counting_name)
    monkeypatch.setattr(convert, "_parse_date_value", counting_date)
    good = _raw("acled_current.csv").iloc[[0, 1, 2, 3, 10, 13]]
    raw = good.iloc[np.arange(30_000) % len(good)].reset_index(drop=True)
    raw["event_id_cnty"] = "X" + pd.Series(np.arange(len(raw))).astype("str")
    mapped = map_acled(raw, dataset="big")
    assert len(mapped.incidents) == 30_000 and mapped.rejected.empty
    assert calls["country"] == 5  # Tunisia, Algeria, Libya, Egypt, Western Sahara
    assert calls["date"] == 2  # the two "17 February 2014"-style dates


# --- ACLED c.2017 -----------------------------------------------------------------------


def test_acled_legacy_rows(legacy):
    rows = _by_id(legacy)
    assert list(rows["event_type"]) == ["battle", "bombing", "unrest", "other", "other"]
    first = rows.loc["TUN8001"]
    assert first["event_subtype"] == "Battle-No change of territory"
    assert first["summary"] == 'Synthetic test row: a clash, reported by "two" wires.'
    assert first["location_precision"] == 2
    assert first["fatalities_best"] == 2
    second = rows.loc["DZA8002"]
    assert second["date_start"] == _stamp("2013-01-15")
    assert second["date_precision"] == "approximate"
    assert rows.loc["SDN8004", "date_end"] == _stamp("2015-04-30")
    assert rows.loc["MLI8006"].geometry is None
    assert _reasons(legacy) == [(5, "LBY8005", "FATALITIES")]
    assert _reason(legacy, 5, "FATALITIES") == "'abc' is not a number"


def test_acled_legacy_country_from_gleditsch_ward_number():
    raw = _raw("acled_legacy.csv").head(2)
    raw["COUNTRY"] = ["", ""]
    raw["GWNO"] = ["616", "999"]
    mapped = map_acled_legacy(raw, dataset="d")
    assert list(mapped.incidents["country_iso3"]) == ["TUN"]
    assert list(mapped.rejected["field"]) == ["COUNTRY"]


# --- UCDP GED ---------------------------------------------------------------------------


def test_ucdp_row_field_by_field(ucdp):
    row = _by_id(ucdp).loc["900001"]
    assert row["incident_id"] == "test:900001"
    assert row["source_dataset"] == "UCDP GED"
    assert row["name"] == "Government of Libya - Synthetic Brigade, Wazin town"
    assert row["date_start"] == row["date_end"] == _stamp("2014-05-16")
    assert row["date_precision"] == "day"
    assert row["country_iso3"] == "LBY"
    assert row["place_name"] == "Wazin town"
    assert row["location_precision"] == 1
    assert row["event_type"] == "battle"
    assert row["event_subtype"] == "state-based conflict"
    assert row["perpetrator"] == "Government of Libya"
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == (5, 5, 7)
    assert row["fatalities_note"] == (
        "UCDP GED low, best and high estimates; deaths by party: Government of Libya 2, "
        "Synthetic Brigade 3, civilians 0, unknown 0"
    )
    assert row["summary"] == (
        "Clashes, again. Location: Synthetic test row: Wazin, near the border"
    )
    assert row["sources"] == (
        '"Synthetic Wire,2014-05-17,Clashes, again, near ""the"" border";'
        '"Other Wire,2014-05-18,Follow-up"',
    )


def test_ucdp_precisions_and_null_fatalities(ucdp):
    rows = _by_id(ucdp)
    month = rows.loc["900002"]
    assert (month["date_start"], month["date_end"], month["date_precision"]) == (
        _stamp("2015-03-01"),
        _stamp("2015-03-31"),
        "month",
    )
    assert month["location_precision"] == 4  # where_prec 5
    assert month["event_type"] == "armed_assault"
    assert pd.isna(month["fatalities_low"]) and pd.isna(month["fatalities_high"])
    assert month["fatalities_best"] == 2
    assert "event clarity 2" in month["unverified"]
    year = rows.loc["900003"]
    assert (year["date_start"], year["date_end"], year["date_precision"]) == (
        _stamp("2016-01-01"),
        _stamp("2016-12-31"),
        "year",
    )
    assert year["location_precision"] == 4  # where_prec 7
    assert year["event_subtype"] == "non-state conflict"
    assert year["sources"] == ("UCDP GED",)
    approximate = rows.loc["900004"]
    assert (approximate["date_start"], approximate["date_end"]) == (
        _stamp("2017-01-02"),
        _stamp("2017-01-08"),
    )
    assert approximate["date_precision"] == "approximate"
    assert approximate["place_name"] == "بن قردان"
    assert (approximate["fatalities_low"], approximate["fatalities_high"]) == (3, 6)
    assert rows.loc["900010", "country_iso3"] == "YEM"  # "Yemen (North Yemen)"


def test_ucdp_precision_codes_all_map():
    raw = _raw("ucdp_ged.csv").iloc[[0] * 7].reset_index(drop=True)
    raw["id"] = [str(i) for i in range(7)]
    raw["where_prec"] = [str(i) for i in range(1, 8)]
    raw["date_prec"] = ["1", "2", "3", "4", "5", "1", "1"]
    mapped = map_ucdp_ged(raw, dataset="d")
    assert list(mapped.incidents["location_precision"]) == [1, 2, 3, 4, 4, 4, 4]
    assert list(mapped.incidents["date_precision"]) == [
        "day",
        "approximate",
        "approximate",
        "month",
        "year",
        "day",
        "day",
    ]


def test_ucdp_rejections(ucdp):
    assert _reasons(ucdp) == [
        (5, "900005", "date_start"),
        (5, "900005", "date_end"),
        (7, "900007", "date_end"),
        (9, "900009", "type_of_violence"),
    ]
    assert _reason(ucdp, 5, "date_start") == "'2018-13-01' is not a real calendar date"
    assert _reason(ucdp, 7, "date_end") == "is before date_start"
    assert "'4' is not a UCDP type of violence" in _reason(ucdp, 9, "type_of_violence")


def test_ucdp_estimates_out_of_order_are_kept_as_given_and_flagged(ucdp):
    # Issue 11: UCDP GED publishes rows whose low/best/high are out of order (1.3 % of a
    # real sample); they are real rows: accepted, flagged, shown as the source gave them.
    row = _by_id(ucdp).loc["900006"]
    assert row["fatalities_low"] > row["fatalities_best"]
    assert "out of order" in row["fatalities_note"]
    flags = ucdp.flags.set_index("original_id")
    assert flags.loc["900006", "row"] == 6
    assert "out of order" in flags.loc["900006", "note"]
    assert ucdp.rows_read == ucdp.rows_accepted + ucdp.rows_rejected


# --- GTD --------------------------------------------------------------------------------


def test_gtd_row_field_by_field(gtd):
    row = _by_id(gtd).loc["201405020001"]
    assert row["incident_id"] == "test:201405020001"
    assert row["source_dataset"] == "GTD"
    assert row["name"] == "Bombing/Explosion, Tébessa"
    assert row["date_start"] == row["date_end"] == _stamp("2014-05-02")
    assert row["date_precision"] == "day"
    assert row["country_iso3"] == "DZA"
    assert row["location_precision"] == 2  # specificity 1
    assert row["event_type"] == "bombing"
    assert row["event_subtype"] == "Bombing/Explosion"
    assert row["perpetrator"] == "Unknown"
    assert row["fatalities_best"] == 2 and pd.isna(row["fatalities_low"])
    assert row["fatalities_note"] == "GTD 'nkill': all deaths, including perpetrators"
    assert row["other_casualties"] == "4 wounded"
    assert row["summary"].startswith('Synthetic test row: a device exploded near a "checkpoint"')
    assert row["sources"] == (
        'Synthetic Source A, "Quoted title, with commas", 2014-05-03',
        "Synthetic Source B",
    )


def test_gtd_zero_month_and_day(gtd):
    rows = _by_id(gtd)
    month = rows.loc["201406000002"]
    assert (month["date_start"], month["date_end"], month["date_precision"]) == (
        _stamp("2014-06-01"),
        _stamp("2014-06-30"),
        "month",
    )
    assert pd.isna(month["fatalities_best"]) and month["fatalities_note"] == ""
    assert month["event_type"] == "hostage_taking"
    assert month["other_casualties"] == "0 wounded; 3 taken hostage or kidnapped"
    assert month["location_precision"] == 3  # specificity 2
    year = rows.loc["201400000003"]
    assert (year["date_start"], year["date_end"], year["date_precision"]) == (
        _stamp("2014-01-01"),
        _stamp("2014-12-31"),
        "year",
    )


def test_gtd_specificity_5_has_no_coordinates(gtd):
    row = _by_id(gtd).loc["201400000003"]
    assert np.isnan(row["latitude"]) and row.geometry is None
    assert pd.isna(row["location_precision"])
    assert row["event_type"] == "other"
    assert row["place_name"] == "Libya"  # city and province are "Unknown"
    assert row["summary"] == "No summary in the GTD record."
    assert row["sources"] == ("GTD",)
    assert row["other_casualties"] == ""  # nhostkid -99 = unknown


def test_gtd_approximate_date_vicinity_and_float_counts(gtd):
    row = _by_id(gtd).loc["201407100004"]
    assert row["date_precision"] == "approximate"
    assert row["date_start"] == _stamp("2014-07-10")
    assert row["unverified"] == "approximate date in GTD: July 10-12, 2014"
    assert row["place_name"] == "بن قردان (vicinity)"
    assert row["location_precision"] == 4
    assert row["fatalities_best"] == 3  # "3.0"
    assert row["other_casualties"] == "1 wounded"


def test_gtd_attack_types(gtd):
    rows = _by_id(gtd)
    assert rows.loc["201509010009", "event_type"] == "armed_assault"
    assert rows.loc["201509010009", "country_iso3"] == "ESH"
    assert rows.loc["201510010010", "event_type"] == "hostage_taking"
    raw = _raw("gtd.csv").iloc[[0] * 3].reset_index(drop=True)
    raw["eventid"] = ["1", "2", "3"]
    raw["attacktype1_txt"] = ["Assassination", "Hijacking", "Unarmed Assault"]
    mapped = map_gtd(raw, dataset="d")
    assert list(mapped.incidents["event_type"]) == [
        "assassination",
        "hostage_taking",
        "armed_assault",
    ]


def test_gtd_specificity_codes_all_map():
    raw = _raw("gtd.csv").iloc[[0] * 5].reset_index(drop=True)
    raw["eventid"] = [str(i) for i in range(5)]
    raw["specificity"] = ["1", "2", "3", "4", "5"]
    mapped = map_gtd(raw, dataset="d")
    assert list(mapped.incidents["location_precision"].astype("float")[:4]) == [2, 3, 3, 4]
    assert pd.isna(mapped.incidents["location_precision"].iloc[4])
    assert mapped.incidents["latitude"].isna().tolist() == [False] * 4 + [True]


def test_gtd_rejections(gtd):
    assert _reasons(gtd) == [
        (5, "201502310005", "iday"),
        (6, "201513010006", "imonth"),
        (7, "2.01501E+11", "eventid"),
        (8, "201508010008", "latitude"),
    ]
    assert "'2015-2-31' (iyear-imonth-iday) is not a real calendar date" in _reason(gtd, 5, "iday")
    assert _reason(gtd, 6, "imonth") == "'13' is not 0 (unknown) or 1-12"
    assert "turned into a rounded number by a spreadsheet" in _reason(gtd, 7, "eventid")


# --- BorderWatch ------------------------------------------------------------------------


def test_borderwatch_geojson(geojson):
    rows = _by_id(geojson)
    first = rows.loc["BW-9001"]
    assert first["incident_id"] == "test:BW-9001"
    assert first["source_dataset"] == "BorderWatch"
    assert first["location_source"] == "geocoded"
    assert first["origin_countries"] == ("LBY", "TUN")
    assert first["sources"] == (
        "Synthetic Publisher: Title (2014-05-04)",
        "Second Synthetic Publisher (2014-05-05)",
    )
    assert (first["fatalities_low"], first["fatalities_best"], first["fatalities_high"]) == (
        2,
        3,
        4,
    )
    assert first["date_end"] == _stamp("2014-05-03")
    unplaced = rows.loc["201500000077"]  # a re-exported GTD import keeps its origin
    assert unplaced["incident_id"] == "test:201500000077"
    assert unplaced["source_dataset"] == "GTD"
    assert unplaced["date_precision"] == "year"
    assert unplaced.geometry is None and pd.isna(unplaced["location_precision"])
    assert unplaced["sources"] == ("BorderWatch",)
    assert _reasons(geojson) == [(3, "BW-9003", "date_start"), (4, "BW-9004", "event_type")]
    assert "'parade' is not one of: armed_assault" in _reason(geojson, 4, "event_type")


def test_borderwatch_csv_fixture_imports_like_it_loads():
    path = Path(__file__).parent / "fixtures" / "incidents_small.csv"
    result = import_file(path.read_bytes(), file_name=path.name, dataset="mine")
    assert result.format == "borderwatch_csv"
    assert result.rejected.empty
    curated = loading.load_incidents(path)
    columns = [c for c in INCIDENTS.column_names if c != "incident_id"]
    pd.testing.assert_frame_equal(result.incidents[columns], curated[columns])
    assert list(result.incidents["original_id"]) == list(curated["incident_id"])


def test_borderwatch_exports_round_trip(small_incidents):
    from borderwatch.exports.data import to_csv, to_geojson
    from borderwatch.exports.provenance import Provenance

    provenance = Provenance("Round trip", "none")
    columns = [c for c in INCIDENTS.column_names if c != "incident_id"]
    expected = small_incidents[columns].reset_index(drop=True)
    for name, data in (
        ("export.csv.zip", to_csv(small_incidents, provenance)),
        ("export.geojson", to_geojson(small_incidents, provenance)),
    ):
        result = import_file(data, file_name=name, dataset="again")
        assert result.rejected.empty, name
        pd.testing.assert_frame_equal(result.incidents[columns], expected)


def test_borderwatch_csv_drops_the_formula_guard_quote():
    path = Path(__file__).parent / "fixtures" / "incidents_small.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "perpetrator"] = "'=Synthetic group"
    table.loc[1, "summary"] = "'plain quote stays"
    mapped = map_borderwatch(table, dataset="d")
    assert mapped.incidents["perpetrator"].iloc[0] == "=Synthetic group"
    assert mapped.incidents["summary"].iloc[1] == "'plain quote stays"


# --- HTML is data, not markup -----------------------------------------------------------


def test_html_in_notes_is_kept_unchanged(acled, ucdp, gtd, geojson):
    assert _by_id(acled).loc["TUN9002", "summary"] == f"Synthetic test row: {SCRIPT}"
    assert _by_id(acled).loc["DZA9003", "summary"] == f"Synthetic test row: {IMG}"
    assert _by_id(acled).loc["EGY9011", "summary"].startswith("=1+1 Synthetic")
    assert _by_id(ucdp).loc["900008", "summary"].startswith(SCRIPT)
    assert _by_id(gtd).loc["201407100004", "summary"] == f"Synthetic test row: {IMG}"
    assert _by_id(gtd).loc["201509010009", "summary"] == f"{SCRIPT} Synthetic test row."
    assert _by_id(geojson).loc["BW-9001", "summary"] == f"Synthetic test row: {SCRIPT}"


# --- the rejected-rows report -----------------------------------------------------------


def _report(result: ImportResult) -> pd.DataFrame:
    data = result.rejected_report_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_rejected_report_has_reasons_and_original_values(acled):
    report = _report(acled)
    assert list(report.columns[:4]) == ["row", "original_id", "field", "reason"]
    assert list(report.columns[4:]) == _header("acled_current.csv")
    assert list(report["row"]) == ["5", "6", "7", "8", "9", "10", "12", "13"]
    first = report.iloc[0]
    assert first["event_date"] == "31/02/2015"
    assert first["reason"].startswith("event_date: '31/02/2015' is not a date")
    assert first["notes"] == "Synthetic test row with a bad date."
    assert report.iloc[2]["latitude"] == "95"
    assert report.iloc[2]["longitude"] == "-7.5"  # a plain number is not a formula


def test_rejected_report_neutralises_formulas(acled):
    row = _report(acled).set_index("row").loc["12"]
    assert row["notes"] == '\'=HYPERLINK("http://example.invalid","Synthetic test row")'
    assert row["actor1"] == "'+Synthetic Rioters"
    assert row["assoc_actor_1"] == "'-Synthetic Group"
    assert row["source"] == "'@Synthetic Wire E"


def test_rejected_report_joins_several_problems_of_a_row(ucdp):
    row = _report(ucdp).set_index("row").loc["5"]
    assert row["field"] == "date_start; date_end"
    assert row["reason"] == (
        "date_start: '2018-13-01' is not a real calendar date; "
        "date_end: '2018-13-01' is not a real calendar date"
    )
    assert row["source_article"] == ""
    assert row["id"] == "900005"


def test_rejected_report_keeps_clashing_source_columns():
    path = Path(__file__).parent / "fixtures" / "incidents_small.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["original_id"] = ["SRC-1", "SRC-2", *[""] * (len(table) - 2)]
    table.loc[0, "date_start"] = "not a date"
    result = import_file(table.to_csv(index=False).encode(), file_name="bw.csv", dataset="d")
    report = _report(result)
    assert list(report["original_id"]) == ["SRC-1"]
    assert report["original_id (in file)"].iloc[0] == "SRC-1"
    assert report["incident_id"].iloc[0] == "BW-0001"


def test_empty_rejected_report():
    path = Path(__file__).parent / "fixtures" / "incidents_small.csv"
    result = import_file(path.read_bytes(), file_name=path.name, dataset="d")
    assert result.rows_rejected == 0
    header = result.rejected_report_csv().decode("utf-8-sig").strip()
    assert header == ",".join(["row", "original_id", "field", "reason", *INCIDENTS.column_names])


# --- declared layouts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "fixture"),
    [
        (LAYOUTS_BY_KEY["acled"], "acled_current.csv"),
        (LAYOUTS_BY_KEY["acled_legacy"], "acled_legacy.csv"),
        (LAYOUTS_BY_KEY["ucdp_ged"], "ucdp_ged.csv"),
        (LAYOUTS_BY_KEY["gtd"], "gtd.csv"),
        (LAYOUTS_BY_KEY["borderwatch_csv"], "borderwatch.geojson"),
    ],
    ids=lambda value: getattr(value, "key", value),
)
def test_mappers_read_exactly_the_declared_columns(layout, fixture, monkeypatch):
    read: set[str] = set()
    real_text = convert.SourceTable.text

    def recording_text(self, column):
        read.add(column)
        return real_text(self, column)

    monkeypatch.setattr(convert.SourceTable, "text", recording_text)
    raw = read_table(_bytes(fixture), file_name=fixture)
    MAPPERS[layout.key](raw, dataset="d")
    assert read == set(layout.columns)
    assert detect_format(list(layout.required)) == layout.key


def test_an_undeclared_column_cannot_be_read():
    source = convert.SourceTable(_raw("gtd.csv"), LAYOUTS_BY_KEY["gtd"])
    with pytest.raises(KeyError, match="not declared in the gtd layout"):
        source.text("natlty1_txt")


# --- Issue 11: real files, hostile files ------------------------------------------------

MALFORMED = paths.REPO_ROOT / "tests" / "fixtures" / "malformed"


def _malformed(name: str, **options):
    return import_file((MALFORMED / name).read_bytes(), file_name=name, dataset="test", **options)


def test_spreadsheet_resaved_acled_dates_are_read_with_the_year_column():
    result = _malformed("acled_resaved_dates.csv")
    assert _by_id(result).loc["TUN9001", "date_start"] == _stamp("2013-01-16")
    wrong = _malformed("acled_resaved_wrong_year.csv")
    assert "yyyy-mm-dd" in _reason(wrong, 1, "event_date")


def test_a_time_zone_offset_never_moves_the_day():
    result = _malformed("acled_timezone.csv")
    assert _by_id(result).loc["TUN9001", "date_start"] == _stamp("2013-01-16")


def test_one_bad_byte_keeps_the_arabic_text_and_rejects_only_its_row():
    result = _malformed("acled_bad_utf8_byte.csv")
    assert result.encoding == "utf-8-damaged"
    assert "not valid UTF-8" in _reason(result, 1, "notes")
    # The rest of the file, Arabic included, is read as the UTF-8 it is (no mojibake).
    assert result.rejected_source.loc[1, "location"] == "بن قردان"
    assert result.rows_read == result.rows_accepted + result.rows_rejected


def test_swapped_coordinates_are_rejected_and_points_outside_their_country_flagged():
    countries = loading.load_countries()
    swapped = _malformed("acled_latlon_swapped.csv", countries=countries)
    assert "look swapped" in _reason(swapped, 1, "latitude")
    outside = _malformed("acled_outside_country.csv", countries=countries)
    assert "TUN9001" in set(outside.incidents["original_id"])
    assert list(outside.flags["original_id"]) == ["TUN9001"]
    row = _by_id(outside).loc["TUN9001"]
    assert "outside TUN" in row["unverified"]


def test_implausible_dates_and_tolls_are_rejected_with_their_row():
    assert "plausible span" in _reason(_malformed("acled_year_zero.csv"), 1, "date_start")
    assert "largest death toll" in _reason(_malformed("acled_deaths_1e19.csv"), 1, "fatalities")


def test_a_stray_quote_that_swallows_rows_is_reported():
    text = (MALFORMED.parent / "imports" / "acled_current.csv").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert ",Explosions/Remote violence," in lines[2]
    lines[2] = lines[2].replace(",Explosions/Remote violence,", ',"Explosions/Remote violence,')
    result = import_file("\n".join(lines).encode(), file_name="q.csv", dataset="t")
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    assert result.rows_read < 14
    assert "closed only on line" in _reason(result, 2, "(row)")


def test_workbooks_with_several_sheets_ask_which_and_read_the_chosen_one():
    from borderwatch.importers import SheetChoiceError

    with pytest.raises(SheetChoiceError) as caught:
        _malformed("xlsx_two_sheets.xlsx")
    assert caught.value.sheets == ["2014", "2015"]
    result = _malformed("xlsx_two_sheets.xlsx", sheet="2015")
    assert result.sheet == "2015" and result.rows_read == 8
    assert _malformed("xlsx_one_sheet_of_three.xlsx").sheet == "Data"


def test_a_far_declared_cell_is_refused_quickly():
    with pytest.raises(ImportFormatError, match="declares a size of A1:XFD1048576"):
        _malformed("xlsx_far_cell.xlsx")
