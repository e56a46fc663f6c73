"""Military capability figures: the layout's rules, the series grid and its coverage."""

from __future__ import annotations

import pandas as pd
import pytest

from borderwatch.errors import DataFileError
from borderwatch.factors import (
    CAPABILITY_YEARS,
    UNKNOWN,
    capability_coverage,
    capability_series,
    capability_states,
    capability_table,
    format_figure,
)
from borderwatch.schemas import CAPABILITIES, PRICE_BASES
from borderwatch.validation import validate_table

EXPENDITURE = "military_expenditure_usd_bn"
PERSONNEL = "active_personnel"
NAMES = {"DZA": "Algeria", "MAR": "Morocco", "LBY": "Libya"}


def _row(country, indicator, year, low, high, *, verification="two sources", **extra) -> dict:
    money = indicator == EXPENDITURE
    row = {
        "country_iso3": country,
        "indicator": indicator,
        "year": str(year),
        "value_low": low,
        "value_high": high,
        "release": "SIPRI April 2024 release" if low else "",
        "price_basis": "not stated" if money and low else "",
        "source": "Outlet A (2024-04) | Outlet B (2024-04)" if low else "Outlet A (2024)",
        "verification": verification,
        "checked": "figure",
        "note": "",
        "verified": "unverified",
    }
    return row | extra


def _table(*rows: dict) -> pd.DataFrame:
    raw = pd.DataFrame(list(rows), columns=CAPABILITIES.column_names, dtype=str)
    return validate_table(raw, CAPABILITIES, path="capabilities.csv", remedy="fix it")


def _problems(*rows: dict) -> list[tuple[int | None, str | None]]:
    with pytest.raises(DataFileError) as caught:
        _table(*rows)
    return [(p.row, p.field) for p in caught.value.problems]


SAMPLE = (
    _row("DZA", EXPENDITURE, 2023, "18.264", "18.3"),
    _row("DZA", EXPENDITURE, 2017, "9.6", "10.1", verification="disputed"),
    _row("MAR", EXPENDITURE, 2012, "3.4", "3.4", verification="single source"),
    _row("TUN", EXPENDITURE, 2017, "0.8355", "0.8355", verification="single source"),
    _row("LBY", PERSONNEL, 2016, "", "", verification="single source"),
    _row("MAR", PERSONNEL, 2023, "200000", "200000", verification="single source"),
    _row("DZA", EXPENDITURE, 2009, "5.2", "5.2"),  # outside the series' years
)


def test_a_figure_needs_its_release():
    assert _problems(_row("DZA", EXPENDITURE, 2023, "18.3", "18.3", release="")) == [(1, "release")]


def test_expenditure_needs_a_price_basis_and_personnel_has_none():
    problems = _problems(
        _row("DZA", EXPENDITURE, 2023, "18.3", "18.3", price_basis=""),
        _row("MAR", PERSONNEL, 2023, "200000", "200000", price_basis="current US$"),
        _row("MAR", EXPENDITURE, 2023, "5.2", "5.2", price_basis="current dollars"),
    )
    assert (1, "price_basis") in problems
    assert (2, "price_basis") in problems
    assert (3, "price_basis") in problems  # not in the vocabulary


def test_unknown_rows_need_no_release():
    table = _table(_row("LBY", PERSONNEL, 2016, "", ""))
    assert table["value_low"].isna().all()


def test_figures_keep_their_digits_and_unknown_is_never_zero():
    assert format_figure(0.8355, 0.8355, EXPENDITURE) == "0.8355"
    assert format_figure(18.264, 18.3, EXPENDITURE) == "18.264–18.3"
    assert format_figure(200000, 200000, PERSONNEL) == "200,000"
    assert format_figure(float("nan"), float("nan"), PERSONNEL) == UNKNOWN


def test_series_is_a_full_grid_with_unknown_cells():
    table = _table(*SAMPLE)
    grid = capability_series(
        table, indicator=EXPENDITURE, states=["DZA", "MAR", "LBY"], country_names=NAMES
    )
    assert list(grid.index) == list(CAPABILITY_YEARS)
    assert list(grid.columns) == ["Algeria", "Morocco", "Libya"]
    assert grid.loc[2023, "Algeria"] == "18.264–18.3"  # two sources: no mark
    assert grid.loc[2017, "Algeria"] == "9.6–10.1 †"  # disputed: the range and its mark
    assert grid.loc[2012, "Morocco"] == "3.4 *"  # single source
    assert grid.loc[2011, "Algeria"] == UNKNOWN
    assert (grid["Libya"] == UNKNOWN).all()
    assert 2009 not in grid.index
    assert "Tunisia" not in grid.columns  # only the states asked for


def test_an_empty_row_and_a_missing_row_read_the_same():
    table = _table(*SAMPLE)
    grid = capability_series(table, indicator=PERSONNEL, states=["LBY", "MAR"], country_names=NAMES)
    assert grid.loc[2016, "Libya"] == UNKNOWN  # a row with empty values
    assert grid.loc[2017, "Libya"] == UNKNOWN  # no row at all
    assert grid.loc[2023, "Morocco"] == "200,000 *"


def test_coverage_counts_cells_by_status():
    table = _table(*SAMPLE)
    coverage = capability_coverage(table, ["DZA", "MAR", "LBY", "TUN"]).set_index("Indicator")
    cells = 4 * len(CAPABILITY_YEARS)
    money = coverage.loc["Military expenditure (US$ bn)"]
    assert money["Cells"] == cells
    # DZA 2023 (two sources), DZA 2017 (disputed), MAR 2012 and TUN 2017 (single); 2009
    # lies outside the years.
    assert (money["Two sources"], money["Single source"], money["Disputed"]) == (1, 2, 1)
    assert money["Unknown"] == cells - 4
    people = coverage.loc["Active military personnel"]
    assert people["Single source"] == 1  # Libya's empty row is unknown, not a figure
    assert people["Unknown"] == cells - 1


def test_capability_states_are_the_focus_states(geodata):
    states = capability_states(geodata.countries)
    assert "ESH" not in states
    assert {"DZA", "EGY", "LBY", "MAR", "MLI", "MRT", "NER", "SDN", "TCD", "TUN"} == set(states)


def test_table_names_release_and_price_basis(geodata):
    table = capability_table(geodata.capabilities, geodata.country_names())
    assert {"Release", "Price basis", "Verification", "Verified"} <= set(table.columns)
    known = table[table["Value"] != UNKNOWN]
    assert (known["Release"] != "—").all()
    money = known[known["Indicator"].str.startswith("Military expenditure")]
    assert money["Price basis"].isin(PRICE_BASES).all()


def test_committed_series_covers_2011_to_2024(geodata):
    """The content promise of issue 12: a series per focus state, 2011–2024, with
    Algeria's and Morocco's expenditure known for most years (unknown stays unknown)."""
    capabilities = geodata.capabilities
    states = capability_states(geodata.countries)
    coverage = capability_coverage(capabilities, states).set_index("Indicator")
    filled = coverage.drop(columns=["Cells", "Unknown"]).sum(axis=1)
    assert (filled + coverage["Unknown"] == coverage["Cells"]).all()
    grid = capability_series(
        capabilities,
        indicator=EXPENDITURE,
        states=states,
        country_names=geodata.country_names(),
    )
    assert (grid.loc[2012:2024, "Algeria"] != UNKNOWN).all()
    assert (grid.loc[2021:2024, "Morocco"] != UNKNOWN).all()
    assert grid.loc[2024, "Algeria"] == "21.8"
