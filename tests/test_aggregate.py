"""Many incidents become grid cells on the map; few stay individual."""

from __future__ import annotations

import numpy as np
import pytest

from borderwatch.aggregate import MAX_INDIVIDUAL_POINTS, cell_size_deg, grid_cells
from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.mapping.layers import simplify_for_display


def _incident_map(**layers):
    return folium_map(incident_map_view(title="t", filter_description="f", **layers))


@pytest.fixture(scope="module")
def many(geodata):
    n = 50_000
    rng = np.random.default_rng(7)
    table = geodata.incidents.iloc[rng.integers(0, len(geodata.incidents), n)].reset_index(
        drop=True
    )
    table["longitude"] = rng.uniform(-17, 38, n)
    table["latitude"] = rng.uniform(8, 37, n)
    table.loc[:99, ["longitude", "latitude"]] = np.nan  # not placed
    table["incident_id"] = [f"synthetic-{i}" for i in range(n)]
    table["origin_countries"] = [()] * n
    return table


def test_cells_count_every_placed_incident(many):
    cells = grid_cells(many, cell_deg=1.0)
    assert cells["incidents"].sum() == len(many) - 100
    assert set(cells["main_type"]) <= set(many["event_type"])
    assert (cells["deaths_low"] <= cells["deaths_high"]).all()


def test_cell_size_is_round():
    assert cell_size_deg((-18, 6, 40, 38)) == 1.0
    assert cell_size_deg((9, 30, 12, 34)) == 0.05


def test_map_switches_to_cells_above_the_limit(geodata, many):
    countries = simplify_for_display(geodata.countries)
    borders = simplify_for_display(geodata.borders)
    names = geodata.country_names()
    big = (
        _incident_map(countries=countries, borders=borders, incidents=many, country_names=names)
        .get_root()
        .render()
    )
    assert "bw-cell" in big
    assert big.count("bw-incident") == 0
    assert len(big.encode()) < 3_000_000
    few = many.iloc[: MAX_INDIVIDUAL_POINTS // 4].dropna(subset=["longitude"])
    small = (
        _incident_map(countries=countries, borders=borders, incidents=few, country_names=names)
        .get_root()
        .render()
    )
    assert "bw-cell" not in small
    assert small.count("bw-id:") == len(few)  # one marker row per incident (see layers)


def test_cell_layer_features_carry_counts_tooltip_and_popup_fields():
    import folium
    import pandas as pd

    from borderwatch.mapping import layers

    cells = pd.DataFrame(
        {
            "longitude": [1.5, 9.25],
            "latitude": [30.0, 33.5],
            "incidents": [3, 40],
            "deaths_low": [0.0, 10.0],
            "deaths_best": [1.0, 12.0],
            "deaths_high": [2.0, 15.0],
            "main_type": ["terrorist_attack", "armed_clash"],
            "first": pd.to_datetime(["2014-01-02", "2015-03-04"]),
            "last": pd.to_datetime(["2014-05-06", "2016-07-08"]),
        }
    )
    layer = layers.add_incident_cells(folium.FeatureGroup(), cells, cell_deg=2.0)
    features = layer.data["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[1.5, 30.0], [9.25, 33.5]]
    assert [f["properties"]["incidents"] for f in features] == [3, 40]
    assert features[1]["properties"]["radius"] == 26.0  # the largest cell
    assert features[0]["properties"]["period"] == "2014-01-02 to 2014-05-06"
    assert features[1]["properties"]["deaths"] == "10–15 (best 12)"
    for field in ("incidents", "deaths", "main_type", "period", "hint", "color"):
        assert all(field in f["properties"] for f in features)


def test_grid_cells_equal_a_plain_groupby_on_random_incidents():
    import pandas as pd

    rng = np.random.default_rng(7)
    n = 5_000
    best = pd.array(rng.integers(0, 30, n), dtype="Int64")
    best[rng.random(n) < 0.3] = pd.NA
    incidents = pd.DataFrame(
        {
            "longitude": rng.uniform(-17, 37, n),
            "latitude": rng.uniform(10, 38, n),
            "event_type": rng.choice(["armed_clash", "terrorist_attack", "seizure"], n),
            "date_start": pd.Timestamp("2011-01-01")
            + pd.to_timedelta(rng.integers(0, 5000, n), unit="D"),
            "fatalities_low": best,
            "fatalities_best": best,
            "fatalities_high": best,
        }
    )
    cells = grid_cells(incidents, cell_deg=2.0)
    table = incidents.assign(
        cell_x=np.floor(incidents["longitude"] / 2.0), cell_y=np.floor(incidents["latitude"] / 2.0)
    )
    groups = table.groupby(["cell_x", "cell_y"])
    expected = groups.agg(
        longitude=("longitude", "mean"),
        incidents=("longitude", "size"),
        first=("date_start", "min"),
        last=("date_start", "max"),
    ).reset_index(drop=True)
    assert cells["incidents"].tolist() == expected["incidents"].tolist()
    assert np.allclose(cells["longitude"], expected["longitude"])
    assert (cells["first"] == expected["first"]).all() and (cells["last"] == expected["last"]).all()
    best_sum = groups["fatalities_best"].sum().to_numpy(dtype="float64")
    assert np.allclose(cells["deaths_best"], best_sum)
    counts = table.groupby(["cell_x", "cell_y", "event_type"]).size().unstack(fill_value=0)
    top = counts.max(axis=1).to_numpy()
    chosen = [counts.iloc[i][t] for i, t in enumerate(cells["main_type"])]
    assert chosen == top.tolist()  # the chosen type is a most frequent one


def test_grid_cells_on_a_degenerate_extent_are_numbered_by_sorting_the_same_way():
    """Cells spread so far apart that the dense grid would be huge: numbered by sorting,
    in the same (column, row) order, with the same counts."""
    import pandas as pd

    from borderwatch import aggregate

    incidents = pd.DataFrame(
        {
            "longitude": [0.0, 0.01, 179.0, 0.02, 179.0],
            "latitude": [-89.0, -89.0, 89.0, 89.0, 89.0],
            "event_type": ["a", "a", "b", "b", "b"],
            "date_start": pd.to_datetime(["2014-01-01"] * 5),
            "fatalities_low": pd.array([1, None, 2, 3, None], dtype="Int64"),
            "fatalities_best": pd.array([1, None, 2, 3, None], dtype="Int64"),
            "fatalities_high": pd.array([1, None, 2, 3, None], dtype="Int64"),
        }
    )
    dense = grid_cells(incidents, cell_deg=0.05)
    limit = aggregate._DENSE_LIMIT
    try:
        aggregate._DENSE_LIMIT = 1
        sorted_ = grid_cells(incidents, cell_deg=0.05)
    finally:
        aggregate._DENSE_LIMIT = limit
    pd.testing.assert_frame_equal(dense, sorted_)
    assert dense["incidents"].tolist() == [2, 1, 2]  # (0, -89), (0, 89), (179, 89)
