"""The Borders page's answers about a zone: counted in the team database (SQL) and in
memory (the embedded mode) they agree on the same rows."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from borderwatch.app.borders import database_border_zone, select_border
from borderwatch.app.prepared import DataSettings, prepare_data
from borderwatch.border_stats import ranking_from_counts, zone_ranking
from borderwatch.filters import IncidentFilter
from tests.test_team_db_query import SELECTIONS, loaded  # noqa: F401  (the shared fixture)


@pytest.fixture(scope="module")
def prepared():
    return prepare_data(DataSettings.from_config())


@pytest.mark.parametrize("pairs", [(), ("DZA-LBY",), ("DZA-TUN", "LBY-TUN")])
@pytest.mark.parametrize("name", ["everything", "years", "combined"])
def test_a_zone_counted_in_the_database_is_the_zone_in_memory(loaded, prepared, pairs, name):  # noqa: F811
    url, shown, _ = loaded
    memory = dataclasses.replace(prepared, incidents=shown)
    database = dataclasses.replace(DataSettings.from_config(), database_url=url)
    selection: IncidentFilter = SELECTIONS[name]
    expected = select_border(memory, selection, width_km=30, pairs=pairs, regime_year=2016)
    got = database_border_zone(
        memory,
        selection,
        width_km=30,
        pairs=pairs,
        data_settings=database,
        max_points=10_000,
        table_limit=50,
    )
    assert got.answers.counters.incidents == len(expected.inside) > 0
    assert set(got.answers.table.rows["incident_id"]) <= set(expected.inside["incident_id"])
    pd.testing.assert_frame_equal(
        got.chosen_by_year(pairs), expected.by_year.reset_index(drop=True), check_dtype=False
    )
    pd.testing.assert_frame_equal(
        ranking_from_counts(got.by_year, memory.border_names),
        zone_ranking(expected.filtered, 30, memory.border_names),
        check_dtype=False,
    )
    total, listed = got.possibly_inside
    assert total == len(expected.possibly_inside)
    assert set(listed) <= set(expected.possibly_inside["incident_id"])


@pytest.mark.parametrize("name", ["everything", "countries", "dates", "combined"])
def test_security_per_country_and_year_agrees(loaded, prepared, name):  # noqa: F811
    from borderwatch.app.factors import select_security

    url, shown, _ = loaded
    memory = dataclasses.replace(prepared, incidents=shown)
    database = dataclasses.replace(DataSettings.from_config(), database_url=url)
    selection = SELECTIONS[name]
    expected = select_security(memory, selection, width_km=50)
    got = select_security(memory, selection, width_km=50, data_settings=database)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("pair", ["DZA-LBY", "DZA-TUN"])
@pytest.mark.parametrize("name", ["everything", "years", "deaths"])
def test_before_and_after_an_arrangement_agrees(loaded, prepared, pair, name):  # noqa: F811
    from borderwatch.app.cooperation import select_before_after

    url, shown, _ = loaded
    memory = dataclasses.replace(prepared, incidents=shown)
    database = dataclasses.replace(DataSettings.from_config(), database_url=url)
    options = dict(pair=pair, width_km=50, start=pd.Timestamp("2014-04-15"), window_years=3)
    expected = select_before_after(memory, SELECTIONS[name], **options)
    got = select_before_after(memory, SELECTIONS[name], **options, data_settings=database)
    assert expected.periods["incidents"].sum() > 0
    pd.testing.assert_frame_equal(got.periods, expected.periods, check_dtype=False)
    pd.testing.assert_frame_equal(got.by_year, expected.by_year, check_dtype=False)
    assert (got.years, got.outside_coverage) == (expected.years, expected.outside_coverage)
