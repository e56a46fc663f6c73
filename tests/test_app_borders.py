"""The Borders page's selection, outside Streamlit."""

from __future__ import annotations

import pytest

from borderwatch.app.borders import select_border
from borderwatch.app.prepared import DataSettings, prepare_data
from borderwatch.filters import IncidentFilter


@pytest.fixture(scope="module")
def prepared():
    return prepare_data(DataSettings.from_config())


def test_one_border_is_a_part_of_all_borders(prepared):
    every = select_border(prepared, IncidentFilter(), width_km=50, pairs=(), regime_year=2016)
    one = select_border(
        prepared, IncidentFilter(), width_km=50, pairs=("LBY-TUN",), regime_year=2016
    )
    assert not one.inside.empty
    assert set(one.inside["incident_id"]) <= set(every.inside["incident_id"])
    assert set(one.inside["nearest_border"]) == {"LBY-TUN"}
    assert set(one.crossings["border_pair"]) <= {"LBY-TUN"}
    assert set(one.by_year["pair"]) == {"LBY-TUN"}
    # Outside the zone but possibly inside: never also inside.
    assert not set(one.possibly_inside["incident_id"]) & set(one.inside["incident_id"])


def test_the_zone_switch_of_the_sidebar_does_not_narrow_the_page(prepared):
    plain = select_border(prepared, IncidentFilter(), width_km=25, pairs=(), regime_year=2016)
    narrowed = select_border(
        prepared, IncidentFilter(border_zone_km=5.0), width_km=25, pairs=(), regime_year=2016
    )
    assert len(narrowed.inside) == len(plain.inside)


def test_border_lengths_are_shown_beside_the_published_ones(prepared):
    from borderwatch.border_stats import border_lengths_table

    table = border_lengths_table(prepared.geodata.border_lengths, ("DZA-TUN",))
    assert len(table) == 1
    row = table.iloc[0]
    assert row["Measured on the map (km)"] == 916
    assert "1,034" in row["Published (km)"] or "1,049" in row["Published (km)"]
    assert row["Why they differ"]
    assert len(border_lengths_table(prepared.geodata.border_lengths)) >= 6
