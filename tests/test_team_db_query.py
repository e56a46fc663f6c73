"""Filters and map aggregation in SQL give what the in-memory path gives on the same rows."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np
import pandas as pd
import pytest
import shapely

from borderwatch import aggregate, loading
from borderwatch.aggregate import CELL_SIZES_DEG
from borderwatch.fatalities import sum_fatalities
from borderwatch.filters import IncidentFilter, filter_incidents
from borderwatch.proximity import BorderIndex, add_border_distance
from borderwatch.team.db import query, setup
from borderwatch.team.db.store import PostgisDatasetStore
from tests.test_store import _imported


def _synthetic(rows: int, seed: int = 7):
    """Curated incidents repeated with jittered places, dates and tolls, as an import."""
    curated = loading.load_incidents()
    rng = np.random.default_rng(seed)
    table = curated.iloc[rng.integers(0, len(curated), rows)].reset_index(drop=True)
    table["latitude"] = table["latitude"] + rng.normal(0, 0.4, rows)
    table["longitude"] = table["longitude"] + rng.normal(0, 0.4, rows)
    shift = pd.to_timedelta(rng.integers(-400, 400, rows), unit="D")
    table["date_start"] = (table["date_start"] + shift).astype("datetime64[us]")
    table["date_end"] = (table["date_end"] + shift).astype("datetime64[us]")
    table.loc[rng.random(rows) < 0.1, "fatalities_best"] = pd.NA
    table.loc[rng.random(rows) < 0.05, ["latitude", "longitude"]] = np.nan
    table["geometry"] = shapely.points(table["longitude"], table["latitude"])
    table["original_id"] = [f"syn{n}" for n in range(rows)]
    table["dataset"] = "placeholder"
    table["source_dataset"] = "ACLED"
    table["incident_id"] = "placeholder:" + table["original_id"]
    table["origin_dataset_name"] = pd.Series("", index=table.index, dtype="str")
    return table


@pytest.fixture(scope="module")
def loaded(team_database):
    """The test database holding the curated layer, a synthetic import and a restricted
    one, and the same rows in memory (border distances measured the same way)."""
    import sqlalchemy as sa

    engine = sa.create_engine(team_database.owner_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE datasets, incidents, distinct_pairs CASCADE"))
    engine.dispose()
    setup.load_curated(team_database.owner_url)
    target = PostgisDatasetStore(team_database.app_url)
    synthetic = target.save(
        _synthetic(3000), name="syn", source_format="ACLED", source_file="s.csv", rejected=0
    )
    restricted = target.save(
        _imported("GTD"), name="gtd", source_format="GTD", source_file="g.csv", rejected=0
    )
    target.set_groups(restricted.key, ["gtd-licence"])
    hidden = target.save(
        _imported("UCDP"), name="off", source_format="UCDP GED", source_file="u", rejected=0
    )
    target.set_enabled(hidden.key, False)

    geodata = loading.load_geodata()
    index = BorderIndex.from_borders(geodata.borders)
    curated = add_border_distance(geodata.incidents, index)
    curated["dataset"] = "curated"
    imported = add_border_distance(target.load_enabled(), index)
    shown = pd.concat([curated, imported], ignore_index=True)
    return team_database.app_url, shown, (synthetic.key, restricted.key)


SELECTIONS = {
    "everything": IncidentFilter(),
    "countries": IncidentFilter(countries=("LBY", "TUN")),
    "years": IncidentFilter(years=(2013, 2015)),
    "types": IncidentFilter(event_types=("attack", "battle")),
    "zone": IncidentFilter(border_zone_km=50.0),
    "dates": IncidentFilter(dates=(datetime.date(2014, 3, 1), datetime.date(2014, 9, 30))),
    "actor": IncidentFilter(actor="AQIM"),
    "actor folded": IncidentFilter(actor="ansar al-charia"),
    "deaths": IncidentFilter(min_deaths=5),
    "deaths known only": IncidentFilter(min_deaths=1, unknown_deaths=False),
    "unknown dropped": IncidentFilter(unknown_deaths=False),
    "precision": IncidentFilter(precisions=(1, 2)),
    "curated only": IncidentFilter(datasets=("curated",)),
    "two sources": IncidentFilter(two_sources_only=True),
    "two borders' zones": IncidentFilter(border_zone_km=50.0, border_pairs=("DZA-LBY", "LBY-TUN")),
    "combined": IncidentFilter(
        countries=("LBY", "DZA", "TUN"), years=(2012, 2016), border_zone_km=100.0, min_deaths=1
    ),
}


@pytest.mark.parametrize("name", list(SELECTIONS))
def test_sql_filters_keep_what_the_page_filter_keeps(loaded, name):
    url, shown, _ = loaded
    selection = SELECTIONS[name]
    expected = filter_incidents(shown, selection)
    got = query.select_incidents(url, selection)
    assert sorted(got["incident_id"]) == sorted(expected["incident_id"])
    counted = query.summary(url, selection)
    deaths = sum_fatalities(expected)
    assert counted.incidents == len(expected)
    assert counted.placed == int(expected["latitude"].notna().sum())
    assert (counted.deaths_low, counted.deaths_best, counted.deaths_high) == (
        deaths.low,
        deaths.best,
        deaths.high,
    )
    assert counted.unknown_deaths == deaths.unknown


def test_the_actor_filter_matches_the_data(loaded):
    """The perpetrator selections above are not vacuous."""
    url, shown, _ = loaded
    assert len(filter_incidents(shown, SELECTIONS["actor"])) > 0
    assert len(query.select_incidents(url, IncidentFilter(years=(2013, 2013)))) > 0


@pytest.mark.parametrize("cell_deg", [0.5, 1.0, 2.0])
def test_grid_cells_in_sql_match_the_in_memory_cells(loaded, cell_deg):
    url, shown, _ = loaded
    selection = IncidentFilter(years=(2012, 2017))
    expected = aggregate.grid_cells(filter_incidents(shown, selection), cell_deg=cell_deg)
    got = query.grid_cells(url, selection, cell_deg=cell_deg).drop(columns="unknown_deaths")
    key = ["longitude", "latitude"]
    expected = expected.sort_values(key).reset_index(drop=True)
    got = got.sort_values(key).reset_index(drop=True)
    assert len(got) == len(expected) > 5
    np.testing.assert_allclose(got[key].to_numpy(float), expected[key].to_numpy(float))
    for column in ("incidents", "deaths_low", "deaths_best", "deaths_high"):
        np.testing.assert_allclose(got[column].to_numpy(float), expected[column].to_numpy(float))
    assert (got["first"] == expected["first"]).all() and (got["last"] == expected["last"]).all()


def test_bbox_and_counts_per_country(loaded):
    url, shown, _ = loaded
    bbox = (7.0, 30.0, 15.0, 34.0)
    inside = shown.cx[bbox[0] : bbox[2], bbox[1] : bbox[3]]
    got = query.select_incidents(url, IncidentFilter(), bbox=bbox)
    assert sorted(got["incident_id"]) == sorted(inside["incident_id"])
    per_country = query.counts_per_country(url, IncidentFilter(years=(2014, 2016)))
    expected = filter_incidents(shown, IncidentFilter(years=(2014, 2016)))
    counts = expected["country_iso3"].value_counts()
    assert dict(zip(per_country["country_iso3"], per_country["incidents"], strict=True)) == {
        k: int(v) for k, v in counts.items()
    }


def test_restricted_datasets_are_left_out_for_other_groups(loaded):
    url, _, (synthetic, restricted) = loaded
    everyone = query.select_incidents(url, IncidentFilter())
    assert (everyone["dataset"] == restricted).sum() == 8
    outsider = query.select_incidents(url, IncidentFilter(), groups=("analysts",))
    assert restricted not in set(outsider["dataset"])
    assert (outsider["dataset"] == synthetic).sum() == 3000
    member = query.summary(url, IncidentFilter(), groups=("gtd-licence",))
    assert member.incidents == len(everyone)


def test_map_data_gives_incidents_or_cells(loaded):
    url, _, _ = loaded
    bbox = (-17.0, 15.0, 37.0, 38.0)
    few = query.map_data(
        url, IncidentFilter(datasets=("curated",)), bbox=bbox, max_points=1500, cell_deg=1.0
    )
    assert few.cells is None and few.incidents is not None
    assert len(few.incidents) == few.summary.incidents
    many = query.map_data(url, IncidentFilter(), bbox=bbox, max_points=1500, cell_deg=1.0)
    assert many.incidents is None and many.cells is not None
    assert many.cells["incidents"].sum() == many.summary.placed
    assert many.summary == query.summary(url, IncidentFilter(), bbox=bbox)
    assert few.summary == query.summary(url, IncidentFilter(datasets=("curated",)), bbox=bbox)


def _scanned(selection: IncidentFilter) -> IncidentFilter:
    """The same selection with a filter that keeps everything but needs the incidents
    themselves (no ``incident_counts``)."""
    everything = (datetime.date(1000, 1, 1), datetime.date(3000, 12, 31))
    return dataclasses.replace(selection, dates=everything)


@pytest.mark.parametrize(
    "selection",
    [
        IncidentFilter(),
        IncidentFilter(countries=("LBY", "TUN"), years=(2013, 2015)),
        IncidentFilter(years=(2014, 2014), event_types=("armed_assault", "air_strike")),
        IncidentFilter(countries=("ESH",)),
        IncidentFilter(datasets=("curated",), event_types=("bombing",)),
        IncidentFilter(datasets=("curated", "<synthetic>"), years=(2013, 2016)),
    ],
)
@pytest.mark.parametrize("visibility", ["everyone", "outsider", "hidden"])
@pytest.mark.parametrize("cell_deg", [0.5, 2.0, 0.3])  # 0.3: no cells counted ahead
def test_the_overview_counted_at_import_equals_the_scan(loaded, selection, visibility, cell_deg):
    url, _, (synthetic, _) = loaded
    if "<synthetic>" in selection.datasets:
        named = tuple(synthetic if d == "<synthetic>" else d for d in selection.datasets)
        selection = dataclasses.replace(selection, datasets=named)
    assert query._counted_selection(selection)
    options = {
        "everyone": {},
        "outsider": {"groups": ("analysts",)},
        "hidden": {"hidden": {synthetic}},
    }[visibility]
    counted = query.overview(url, selection, cell_deg=cell_deg, **options)
    scanned = query.overview(url, _scanned(selection), cell_deg=cell_deg, **options)
    assert list(counted) == list(scanned) == ["countries", "years", "months", "cells"]
    pd.testing.assert_frame_equal(
        query.totals_from_overview(counted["countries"]),
        query.totals_from_overview(scanned["countries"]),
    )
    for period, name in (("year", "years"), ("month", "months")):
        pd.testing.assert_frame_equal(
            query.trend_from_overview(counted[name], period),
            query.trend_from_overview(scanned[name], period),
        )
    pd.testing.assert_frame_equal(
        query.cells_from_overview(counted["cells"]), query.cells_from_overview(scanned["cells"])
    )


def test_counts_come_and_go_with_their_dataset(team_database):
    import sqlalchemy as sa

    store = PostgisDatasetStore(team_database.app_url)
    info = store.save(
        _synthetic(200, seed=3),
        name="brief",
        source_format="ACLED",
        source_file="b.csv",
        rejected=0,
    )
    engine = sa.create_engine(team_database.app_url, poolclass=sa.NullPool)
    counted = "SELECT coalesce(sum(incidents), 0) FROM incident_counts WHERE dataset = :key"
    per_cell_size = (
        "SELECT cell_deg, sum(incidents) FROM incident_cell_counts WHERE dataset = :key "
        "GROUP BY cell_deg ORDER BY cell_deg"
    )
    placed = int(store.load(info.key)[["latitude", "longitude"]].notna().all(axis=1).sum())
    try:
        with engine.begin() as conn:
            assert conn.execute(sa.text(counted), {"key": info.key}).scalar_one() == 200
            sizes = conn.execute(sa.text(per_cell_size), {"key": info.key}).all()
            assert [(size, int(total)) for size, total in sizes] == [
                (size, placed) for size in CELL_SIZES_DEG
            ]
        store.delete(info.key)
        with engine.begin() as conn:
            assert conn.execute(sa.text(counted), {"key": info.key}).scalar_one() == 0
            assert conn.execute(sa.text(per_cell_size), {"key": info.key}).all() == []
    finally:
        engine.dispose()
