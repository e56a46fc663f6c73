"""The prepared-base drawing sends exactly what st_folium sends (pinned streamlit-folium)."""

from __future__ import annotations

import pytest
import streamlit_folium
import streamlit_folium as sf

from borderwatch.app.prepared import DataSettings, prepare_data
from borderwatch.filters import IncidentFilter, filter_incidents
from borderwatch.mapping.folium_map import base_map, data_layers
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.ui import folium_component

RETURNED = ["last_object_clicked_tooltip"]


@pytest.fixture(scope="module")
def prepared():
    return prepare_data(DataSettings.from_config())


def _view(prepared, countries):
    selected = filter_incidents(prepared.incidents, IncidentFilter(countries=countries))
    return incident_map_view(
        title="t",
        filter_description="d",
        countries=prepared.display_countries,
        borders=prepared.display_borders,
        incidents=selected,
        country_names=prepared.country_names,
        focus_countries=countries,
    )


def _st_folium_arguments(monkeypatch, view):
    captured = {}

    def capture(**kwargs):
        captured.update(kwargs)
        return None

    monkeypatch.setattr(sf, "_component_func", capture)
    streamlit_folium.st_folium(
        base_map(view),
        key="m",
        feature_group_to_add=data_layers(view),
        height=620,
        use_container_width=True,
        returned_objects=RETURNED,
    )
    captured.pop("on_change")
    return captured


def test_arguments_equal_st_folium_for_successive_selections(monkeypatch, prepared):
    first = _view(prepared, ("TUN",))
    base = folium_component.prepare_base(base_map(first), RETURNED)
    for countries in (("TUN",), ("DZA", "LBY"), ()):
        view = _view(prepared, countries)
        ours = folium_component.component_arguments(
            base, key="m", data_layers=data_layers(view), height=620, returned_objects=RETURNED
        )
        assert ours == _st_folium_arguments(monkeypatch, view), countries
