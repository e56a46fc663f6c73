"""The map's interface to the pages: focus, clicked incident, base map constant, in place."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
from streamlit_folium import _get_feature_group_string, _get_map_string, generate_js_hash

from borderwatch.mapping.folium_map import base_map, data_layers
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.mapping.layers import _incident_row, simplify_for_display
from borderwatch.mapping.view import Focus
from borderwatch.ui.map import clicked_incident_id


@pytest.fixture(scope="module")
def display(geodata):
    return simplify_for_display(geodata.countries), simplify_for_display(geodata.borders)


def _view(geodata, display, incidents, **options):
    countries, borders = display
    return incident_map_view(
        title="Incidents",
        filter_description="f",
        countries=countries,
        borders=borders,
        incidents=incidents,
        country_names=geodata.country_names(),
        **options,
    )


def _text_content(tooltip_html: str) -> str:
    """What the browser's ``textContent`` gives for the tooltip (what st_folium returns)."""
    return html.unescape(re.sub(r"<[^>]+>", "", tooltip_html)).strip()


def test_focus_is_a_frozen_value_with_a_default_zoom():
    focus = Focus("BW-0001", 31.6, -7.9)
    assert focus.zoom == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        focus.zoom = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="finite"):
        Focus("BW-0001", float("nan"), 0.0)


def test_the_clicked_incident_id_comes_back_from_its_tooltip(geodata):
    record = geodata.incidents.iloc[0].to_dict()
    row = _incident_row(record, geodata.country_names())
    assert clicked_incident_id(_text_content(row[6])) == record["incident_id"]
    assert clicked_incident_id("Algeria\nAlgérie\nالجزائر") is None  # a country
    assert clicked_incident_id(None) is None


def test_focus_goes_to_the_data_layers_only(geodata, display):
    incidents = geodata.incidents
    first = incidents.iloc[0]
    plain = _view(geodata, display, incidents)
    focused = _view(
        geodata,
        display,
        incidents,
        focus=Focus(first["incident_id"], first["latitude"], first["longitude"], zoom=9),
    )
    assert plain.focus is None and focused.focus is not None
    script = _layers_js(focused)
    assert f'"id": "{first["incident_id"]}"' in script and '"zoom": 9' in script
    assert "var focus = null;" in _layers_js(plain)
    assert _base_key(plain) == _base_key(focused)


def _layers_js(view) -> str:
    """The data layers' script as streamlit-folium sends it."""
    return _get_feature_group_string(data_layers(view), map=base_map(view))


def _base_key(view) -> str:
    return generate_js_hash(_get_map_string(base_map(view)), "k")


def test_base_map_is_the_same_for_every_selection(geodata, display):
    incidents = geodata.incidents
    tunisia = incidents[incidents["country_iso3"] == "TUN"]
    everything = _view(geodata, display, incidents)
    one_country = _view(geodata, display, tunisia, focus_countries=("TUN",))
    # Same key: streamlit-folium keeps the iframe and swaps only the data layers.
    assert _base_key(everything) == _base_key(one_country)


def test_data_layers_are_identical_for_an_identical_selection(geodata, display):
    view = _view(geodata, display, geodata.incidents)

    first, second = _layers_js(view), _layers_js(view)
    assert first == second  # so a click's rerun never redraws (and closes the popup)
    assert "L.heatLayer(" in first and "Incidents per country (shading)" in first
