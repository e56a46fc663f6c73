"""Playback on the Incident map and Borders pages, run in Streamlit's AppTest."""

from __future__ import annotations

import json
import re

from borderwatch.filters import IncidentFilter, filter_incidents

from .test_pages import _borders_page, _map_script, _run

MAP_TITLE = "Security incidents along North Africa's borders"


def _frames_data(script: str) -> dict:
    """The frames the page sent to the browser (the playback layer's JSON)."""
    found = re.search(r"var data = (\{.*?\});\n", script)
    assert found, "no playback data in the map script"
    return json.loads(found.group(1))


def test_playback_is_off_by_default_and_the_map_keeps_its_markers():
    at = _run()
    assert at.toggle(key="play").value is False
    script = _map_script(at)
    assert "bw-id:" in script and "L.TimeDimension(" not in script


def test_incident_map_plays_years_and_exports_the_chosen_frame(geodata):
    at = _run({"play": "true"})
    script = _map_script(at)
    assert "L.TimeDimension(" in script and "bw-id:" not in script
    data = _frames_data(script)
    years = sorted(geodata.incidents["date_start"].dt.year.unique())
    assert data["labels"][0] == str(years[0]) and data["start"] == 0
    assert data["mode"] == "points" and data["transitionMs"] == 1000
    assert at.text_input(key="incidents_title").value == f"{MAP_TITLE}, {years[0]}"

    frame = at.selectbox(key="play_frame")
    frame.set_value(data["labels"].index("2013")).run()
    assert not at.exception, at.exception
    assert _frames_data(_map_script(at))["start"] == data["labels"].index("2013")
    assert at.text_input(key="incidents_title").value == f"{MAP_TITLE}, 2013"
    in_2013 = filter_incidents(geodata.incidents, IncidentFilter(years=(2013, 2013)))
    # The data export offers the frame's incidents, as the snapshot draws them.
    wanted = f"Download {len(in_2013):,} incidents"
    assert any(wanted in str(p.proto) for p in at.get("popover"))


def test_month_step_window_and_speed_come_from_the_url():
    at = _run({"play": "true", "play_step": "Month", "play_window": "3", "play_speed": "4"})
    assert at.number_input(key="play_window").value == 3
    data = _frames_data(_map_script(at))
    assert data["step"] == "month" and data["transitionMs"] == 250
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{4} – [A-Z][a-z]{2} \d{4}", data["labels"][0])


def test_borders_page_plays_the_zone_incidents():
    at = _borders_page({"border": "Libya – Tunisia"})
    at.toggle(key="play").set_value(True).run()
    assert not at.exception, at.exception
    script = _map_script(at)
    assert "bw-zone" in script and "L.TimeDimension(" in script
    data = _frames_data(script)
    assert sum(data["counts"]) > 0
    title = at.text_input(key="border_title").value
    assert title.startswith("Incidents within 50 km of") and title.endswith(data["labels"][0])


def test_changing_the_step_after_picking_a_late_frame_keeps_the_page_working():
    at = _run({"play": "true"})
    frame = at.selectbox(key="play_frame")
    frame.set_value(len(frame.options) - 1).run()
    assert not at.exception, at.exception
    at.segmented_control(key="play_step").set_value("month").run()
    assert not at.exception, at.exception
    data = _frames_data(_map_script(at))
    assert data["step"] == "month" and 0 <= data["start"] < len(data["times"])


def test_nothing_to_play_is_explained_and_the_map_still_drawn():
    at = _borders_page({"border": "Libya – Tunisia", "country": ["Mauritania"]})
    at.toggle(key="play").set_value(True).run()
    assert not at.exception, at.exception
    assert any("a place and a date to play" in w.value for w in at.warning)
    assert "L.TimeDimension(" not in _map_script(at)
