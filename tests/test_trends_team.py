"""The Trends and changes page's answers: counted in the team database (SQL) and in memory
(the embedded mode) they agree on the same rows."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from borderwatch.app.prepared import DataSettings, prepare_data
from borderwatch.app.trends import select_changes, select_trends
from borderwatch.changes import ChangeTest, ChangeWindows
from borderwatch.team.db import query
from tests.test_team_db_query import SELECTIONS, loaded  # noqa: F401  (the shared fixture)

NAMES = ["everything", "countries", "years", "zone", "dates", "deaths known only", "combined"]
WINDOWS = ChangeWindows(pd.Timestamp("2015-12-01"), 12, 24)
TEST = ChangeTest(5, 0.05)


@pytest.fixture(scope="module")
def prepared():
    return prepare_data(DataSettings.from_config())


def _both(loaded, prepared, hidden: frozenset[str] = frozenset()):  # noqa: F811
    """The embedded prepared data holding the database's shown rows, and the settings
    that send the same questions to the database."""
    url, shown, _ = loaded
    kept = shown[~shown["dataset"].isin(hidden)]
    starts = (kept["date_start"].min(), kept["date_start"].max())
    memory = dataclasses.replace(prepared, incidents=kept, incident_starts=starts)
    database = dataclasses.replace(
        DataSettings.from_config(), database_url=url, hidden_datasets=hidden
    )
    return memory, database


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["country", "zone"])
def test_monthly_series_agree(loaded, prepared, name, kind):  # noqa: F811
    memory, database = _both(loaded, prepared)
    selection = SELECTIONS[name]
    expected = select_trends(memory, selection, kind=kind, zone_km=50)
    got = select_trends(memory, selection, kind=kind, zone_km=50, data_settings=database)
    assert got.incidents == expected.incidents > 0
    pd.testing.assert_series_equal(got.ranking, expected.ranking, check_dtype=False)
    assert len(expected.series) > 0
    pd.testing.assert_frame_equal(got.series, expected.series, check_dtype=False)
    pd.testing.assert_frame_equal(got.per_month(), expected.per_month(), check_dtype=False)


@pytest.mark.parametrize("name", ["everything", "countries", "zone", "combined"])
def test_change_tables_agree(loaded, prepared, name):  # noqa: F811
    memory, database = _both(loaded, prepared)
    selection = SELECTIONS[name]
    expected = select_changes(memory, selection, windows=WINDOWS, zone_km=50, test=TEST)
    got = select_changes(
        memory, selection, windows=WINDOWS, zone_km=50, test=TEST, data_settings=database
    )
    assert len(expected.table) > 0 and expected.counts["tested"] > 0
    pd.testing.assert_frame_equal(got.table, expected.table, check_dtype=False)
    assert got.counts == expected.counts
    assert got.outside_coverage == expected.outside_coverage
    assert got.expected_by_chance == pytest.approx(expected.expected_by_chance)
    assert expected.incidents is not None and got.incidents is None  # they stay in the database


def test_a_hidden_dataset_counts_nowhere(loaded, prepared):  # noqa: F811
    synthetic = loaded[2][0]
    memory, database = _both(loaded, prepared, hidden=frozenset({synthetic}))
    everything = SELECTIONS["everything"]
    trends = select_trends(memory, everything, kind="country", zone_km=50, data_settings=database)
    assert trends.incidents == len(memory.incidents) < len(loaded[1])
    changes = select_changes(
        memory, everything, windows=WINDOWS, zone_km=50, test=TEST, data_settings=database
    )
    expected = select_changes(memory, everything, windows=WINDOWS, zone_km=50, test=TEST)
    pd.testing.assert_frame_equal(changes.table, expected.table, check_dtype=False)
    # What the windows can end in: the database's span of the rows shown, as in memory.
    dates = memory.incidents["date_start"]
    assert query.shown_span(loaded[0], hidden={synthetic}).starts == (dates.min(), dates.max())


def test_windows_beyond_the_data_are_said_to_be(loaded, prepared):  # noqa: F811
    memory, database = _both(loaded, prepared)
    late = ChangeWindows(pd.Timestamp("2035-06-01"), 6, 24)
    got = select_changes(
        memory, SELECTIONS["everything"], windows=late, zone_km=50, data_settings=database
    )
    assert got.outside_coverage and got.table.empty
