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
