"""Schema validation: every problem is reported with its row and field."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from borderwatch import loading
from borderwatch.errors import DataFileError
from borderwatch.schemas import INCIDENTS
from borderwatch.validation import validate_table

from .conftest import FIXTURES


def _raw(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _fixture_rows() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "incidents_small.csv", dtype=str, keep_default_na=False)


def _problems(raw: pd.DataFrame) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(DataFileError) as caught:
        validate_table(raw, INCIDENTS, path="incidents.csv", remedy="fix it")
    return [(p.row, p.field, p.message) for p in caught.value.problems]


def test_valid_fixture_is_typed(small_incidents):
    assert list(small_incidents.columns[:-1]) == INCIDENTS.column_names
    assert str(small_incidents["fatalities_best"].dtype) == "Int64"
    assert small_incidents.loc[0, "origin_countries"] == ("LBY", "MLI")
    assert small_incidents.loc[0, "sources"] == (
        "Test Publisher: Article (2013-01-20)",
        "Wikipedia: Test",
    )
    assert small_incidents.crs.to_epsg() == 4326


def test_bad_date_names_row_and_field():
    raw = _fixture_rows()
    raw.loc[1, "date_start"] = "18/03/2015"
    problems = _problems(raw)
    assert (2, "date_start", "'18/03/2015' is not a date in the form YYYY-MM-DD") in problems


def test_missing_column_is_reported():
    raw = _fixture_rows().drop(columns=["sources"])
    assert _problems(raw) == [(None, "sources", "column is missing")]


@pytest.mark.parametrize(
    ("column", "value", "message_part"),
    [
        ("latitude", "north", "is not a number"),
        ("latitude", "95", "outside"),
        ("location_precision", "2.5", "not a whole number"),
        ("event_type", "explosion", "is not one of"),
        ("origin_countries", "Libya", "ISO3"),
        ("incident_id", "BW-0001", "used twice"),
        ("summary", "", "empty but required"),
    ],
)
def test_bad_cells(column, value, message_part):
    raw = _fixture_rows()
    raw.loc[2, column] = value
    problems = _problems(raw)
    assert any(
        row == 3 and field == column and message_part in msg for row, field, msg in problems
    ), problems


def test_cross_field_rules():
    raw = _fixture_rows()
    raw.loc[0, "date_end"] = "2013-01-01"
    raw.loc[0, "fatalities_low"] = "50"
    raw.loc[0, "fatalities_best"] = "40"
    raw.loc[2, "location_precision"] = "1"
    problems = _problems(raw)
    fields = {(row, field) for row, field, _ in problems}
    assert {(1, "date_end"), (1, "fatalities_low"), (3, "location_precision")} <= fields


def test_error_summary_names_file_row_and_field(tmp_path):
    broken = tmp_path / "incidents.csv"
    text = (FIXTURES / "incidents_small.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace("2015-03-18,2015-03-18", "2015-03-18,2015-02-31"), "utf-8")
    with pytest.raises(DataFileError) as caught:
        loading.load_incidents(broken)
    assert "incidents.csv: row 2, field 'date_end'" in caught.value.summary()
    assert "docs/dataset-layouts.md" in caught.value.remedy
