"""The Incident map's answers about a selection: the team database's (SQL) and the
embedded mode's (in memory) agree on the same rows."""

from __future__ import annotations

import pandas as pd
import pytest

from borderwatch import loading, paths
from borderwatch.app.selection import DatabaseSelection, FrameSelection
from borderwatch.filters import IncidentFilter, filter_incidents
from borderwatch.mapping.layers import simplify_for_display
from tests.test_team_db_query import SELECTIONS, loaded  # noqa: F401  (the shared fixture)


def _both(
    loaded,  # noqa: F811
    selection: IncidentFilter,
    hidden: frozenset[str] = frozenset(),
    cell_deg: float | None = None,
):
    url, shown, _ = loaded
    kept = shown[~shown["dataset"].isin(hidden)]
    return (
        FrameSelection(selection, filter_incidents(kept, selection)),
        DatabaseSelection(selection, url, hidden, cell_deg),
    )


@pytest.fixture(scope="module")
def countries():
    return simplify_for_display(loading.load_geodata().countries)


@pytest.mark.parametrize("name", list(SELECTIONS))
def test_counters_countries_and_extent_agree(loaded, countries, name):  # noqa: F811
    memory, database = _both(loaded, SELECTIONS[name], cell_deg=0.5)
    assert database.counters() == memory.counters()
    assert database.bounds(countries) == pytest.approx(memory.bounds(countries))
    pd.testing.assert_frame_equal(database.per_country(), memory.per_country(), check_dtype=False)


@pytest.mark.parametrize("name", ["everything", "countries", "deaths known only", "combined"])
@pytest.mark.parametrize("period", ["year", "month"])
def test_trends_agree(loaded, name, period):  # noqa: F811
    memory, database = _both(loaded, SELECTIONS[name])
    expected, got = memory.trend(period), database.trend(period)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("name", ["everything", "countries", "two sources"])
def test_table_rows_are_the_newest_and_say_when_capped(loaded, name):  # noqa: F811
    memory, database = _both(loaded, SELECTIONS[name])
    total = memory.counters().incidents
    for limit in (10, total + 5):
        expected, got = memory.table(limit), database.table(limit)
        assert got.total == expected.total == total
        assert got.capped == expected.capped == (limit < total)
        # Same start dates in the same order (ties may be listed in another order).
        assert list(got.rows["date_start"]) == list(expected.rows["date_start"])
    assert set(database.table(total).rows["incident_id"]) == set(
        memory.table(total).rows["incident_id"]
    )


@pytest.mark.parametrize("name", ["everything", "years", "curated only"])
@pytest.mark.parametrize("expected_cell_deg", [None, 0.5])
def test_map_rows_are_incidents_or_cells_alike(loaded, name, expected_cell_deg):  # noqa: F811
    memory, database = _both(loaded, SELECTIONS[name], cell_deg=expected_cell_deg)
    placed = memory.counters().placed
    few = database.map_rows(max_points=placed, cell_deg=0.5)
    assert few.cells is None and few.incidents is not None
    assert set(few.incidents["incident_id"]) == set(
        memory.map_rows(max_points=placed, cell_deg=0.5).incidents["incident_id"]
    )
    many, expected = (s.map_rows(max_points=placed - 1, cell_deg=0.5) for s in (database, memory))
    assert many.incidents is None and many.cells is not None and many.cell_deg == 0.5
    assert len(many.cells) == len(expected.cells)
    assert many.cells["incidents"].sum() == expected.cells["incidents"].sum() == placed
    shared = [c for c in expected.cells.columns if c != "main_type"]
    pd.testing.assert_frame_equal(
        many.cells[shared].reset_index(drop=True),
        expected.cells[shared].reset_index(drop=True),
        check_dtype=False,
    )


def test_hidden_datasets_are_left_out_of_every_answer(loaded, countries):  # noqa: F811
    _, _, (synthetic, restricted) = loaded
    memory, database = _both(loaded, IncidentFilter(), hidden=frozenset({synthetic, restricted}))
    assert database.counters() == memory.counters()
    pd.testing.assert_frame_equal(database.per_country(), memory.per_country(), check_dtype=False)
    pd.testing.assert_frame_equal(database.trend("year"), memory.trend("year"), check_dtype=False)
    rows = database.table(10_000).rows
    assert not rows["dataset"].isin([synthetic, restricted]).any()


@pytest.mark.parametrize("text", ["AQIM", "amenas", "Tunisie attack", "algérie"])
def test_search_in_sql_finds_what_the_search_index_finds(loaded, text):  # noqa: F811
    from borderwatch.app.prepared import DataSettings
    from borderwatch.app.selection import search_database
    from borderwatch.search import SearchIndex, country_search_names

    url, shown, _ = loaded
    names = country_search_names(loading.load_geodata().countries)
    expected = SearchIndex(shown, names).search(text)
    chosen = DataSettings(paths.GEODATA_DIR, paths.GEODATA_DIR, 3, 10.0, database_url=url)
    hits = search_database(chosen, text, names, limit=10_000)
    assert expected.total > 0
    assert hits.total == expected.total
    assert set(hits.rows["incident_id"]) == set(shown["incident_id"].iloc[expected.positions])
    newest = hits.rows["date_start"].tolist()
    first = search_database(chosen, text, names, limit=3)
    assert len(first.rows) == min(3, hits.total) and set(first.rows["date_start"]) <= set(newest)


def test_incidents_by_id_keep_to_the_selection(loaded):  # noqa: F811
    from borderwatch.team.db import query

    url, shown, _ = loaded
    tunisian = shown[shown["country_iso3"] == "TUN"]["incident_id"].iloc[0]
    libyan = shown[shown["country_iso3"] == "LBY"]["incident_id"].iloc[0]
    both = query.incidents_by_id(url, [tunisian, libyan])
    assert set(both["incident_id"]) == {tunisian, libyan}
    kept = query.incidents_by_id(
        url, [tunisian, libyan], selection=IncidentFilter(countries=("TUN",))
    )
    assert kept["incident_id"].tolist() == [tunisian]


def _cell_frames_by_place(frames) -> pd.DataFrame:
    """Cell frames keyed by the cells' centres (cell numbers differ between builders)."""
    at = frames.cells.iloc[frames.cell_frames["cell"].to_numpy()].reset_index(drop=True)
    table = pd.concat([frames.cell_frames.drop(columns="cell"), at], axis=1)
    return table.sort_values(["frame", "longitude", "latitude"]).reset_index(drop=True)


@pytest.mark.parametrize("name", ["everything", "countries", "years"])
@pytest.mark.parametrize(("step", "window"), [("year", 1), ("month", 3)])
def test_playback_frames_agree(loaded, countries, name, step, window):  # noqa: F811
    from borderwatch.mapping.playback import build_frames

    memory, database = _both(loaded, SELECTIONS[name])
    bounds = memory.bounds(countries)
    for max_points in (100_000, 50):  # the rows themselves, then cell counts made in SQL
        expected = build_frames(
            memory.frame, step=step, window=window, bounds=bounds, max_points=max_points
        )
        got, rows = database.playback_frames(
            step=step, window=window, bounds=bounds, max_points=max_points
        )
        assert got.mode == expected.mode
        assert got.labels == expected.labels and list(got.ends) == list(expected.ends)
        assert list(got.counts) == list(expected.counts) and got.counts.sum() > 0
        if expected.mode == "points":
            assert rows is not None and len(rows) == len(expected.points)
        else:
            assert rows is None and got.cell_deg == expected.cell_deg
            pd.testing.assert_frame_equal(
                _cell_frames_by_place(got), _cell_frames_by_place(expected), check_dtype=False
            )


@pytest.mark.parametrize("name", ["everything", "countries", "years"])
def test_cross_border_links_agree(loaded, name):  # noqa: F811
    from borderwatch.links import country_anchors, cross_border_links

    memory, database = _both(loaded, SELECTIONS[name])
    anchors = country_anchors(loading.load_geodata().countries)
    drawable, off_map = cross_border_links(memory.frame, anchors)
    expected = len(drawable) + len(off_map)
    got = database.links(anchors, limit=100_000)
    assert expected > 0 and not got.capped
    assert len(got.drawable) + len(got.off_map) == expected
    key = ["incident_id", "origin_iso3"]
    pd.testing.assert_frame_equal(
        got.drawable.sort_values(key).reset_index(drop=True),
        drawable.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    few = database.links(anchors, limit=3)
    assert few.capped and few.listed == 3 and few.total == got.total
