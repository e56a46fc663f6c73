"""Playback frames: periods, rolling windows, per-frame cells, the chosen frame's view."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.mapping.legend import CLUSTER_KEY, INCIDENTS_KEY
from borderwatch.mapping.playback import (
    MAX_WINDOW,
    Playback,
    PlaybackError,
    browser_data,
    build_frames,
    frame_incidents,
    frame_view,
    played_view,
)
from borderwatch.mapping.view import Bounds

REGION = Bounds(-17.0, 19.0, 35.0, 38.0)


def _incidents(rows: list[tuple[str, str | None, float, float, str]]) -> pd.DataFrame:
    """``(start, end, lat, lon, type)`` rows as an incident table."""
    return pd.DataFrame(
        {
            "incident_id": [f"i{n}" for n in range(len(rows))],
            "name": [f"Incident {n}" for n in range(len(rows))],
            "date_start": pd.to_datetime([r[0] for r in rows]),
            "date_end": pd.to_datetime([r[1] for r in rows]),
            "latitude": [r[2] for r in rows],
            "longitude": [r[3] for r in rows],
            "event_type": [r[4] for r in rows],
            "fatalities_best": [1.0] * len(rows),
        }
    )


def _members(frames, incidents) -> list[set[str]]:
    return [set(frame_incidents(incidents, frames, i)["incident_id"]) for i in range(len(frames))]


def test_one_frame_per_year_from_the_first_to_the_last():
    table = _incidents(
        [
            ("2012-03-01", "2012-03-01", 33.0, 10.0, "bombing"),
            ("2014-12-31", None, 32.0, 11.0, "battle"),
        ]
    )
    frames = build_frames(table, step="year", window=1, bounds=REGION)
    assert frames.labels == ("2012", "2013", "2014")
    assert frames.counts.tolist() == [1, 0, 1]
    assert _members(frames, table) == [{"i0"}, set(), {"i1"}]
    assert frames.mode == "points"
    assert frames.index_of("2013-06-15") == 1
    assert frames.index_of("1990-01-01") == 0 and frames.index_of("2030-01-01") == 2


def test_rolling_window_of_three_months():
    table = _incidents([("2013-01-16", "2013-01-16", 33.0, 10.0, "bombing")] * 1)
    table = pd.concat(
        [table, _incidents([("2013-05-02", "2013-05-02", 33.0, 10.0, "battle")])],
        ignore_index=True,
    )
    table["incident_id"] = ["jan", "may"]
    frames = build_frames(table, step="month", window=3, bounds=REGION)
    assert frames.labels[0] == "Nov 2012 – Jan 2013"
    assert frames.labels[2] == "Jan 2013 – Mar 2013"
    assert frames.starts[2] == pd.Timestamp("2013-01-01")
    assert frames.ends[2] == pd.Timestamp("2013-03-31")
    # January's incident is in the frames of January, February and March only.
    assert [("jan" in m) for m in _members(frames, table)] == [True, True, True, False, False]
    assert frames.counts.tolist() == [len(m) for m in _members(frames, table)]


def test_an_incident_lasting_months_is_in_every_frame_it_overlaps():
    table = _incidents([("2015-02-20", "2015-05-03", 30.0, 5.0, "battle")])
    frames = build_frames(table, step="month", window=1, bounds=REGION)
    assert frames.labels == ("Feb 2015", "Mar 2015", "Apr 2015", "May 2015")
    assert frames.counts.tolist() == [1, 1, 1, 1]
    data = browser_data(Playback(frames))
    assert data["points"][0][4:6] == [0, 3]


def test_above_the_threshold_frames_are_cells_with_the_same_counts(geodata):
    incidents = geodata.incidents
    points = build_frames(incidents, step="month", window=3, bounds=REGION)
    cells = build_frames(incidents, step="month", window=3, bounds=REGION, max_points=10)
    assert cells.mode == "cells" and points.mode == "points"
    per_frame = cells.cell_frames.groupby("frame")["incidents"].sum()
    assert per_frame.reindex(range(len(cells)), fill_value=0).tolist() == cells.counts.tolist()
    assert cells.counts.tolist() == points.counts.tolist()
    placed = incidents.dropna(subset=["latitude", "longitude"])
    assert points.counts.tolist() == [len(m) for m in _members(points, placed)]
    # Circles stay put from frame to frame: at their cell's centre.
    size = cells.cell_deg
    assert np.allclose((cells.cells["latitude"] / size) % 1, 0.5)


def test_the_threshold_is_a_setting(monkeypatch, geodata):
    monkeypatch.setenv("BORDERWATCH_PLAYBACK_MAX_POINTS", "10")
    assert build_frames(geodata.incidents, step="year", window=1, bounds=REGION).mode == "cells"
    monkeypatch.setenv("BORDERWATCH_PLAYBACK_MAX_POINTS", "100000")
    assert build_frames(geodata.incidents, step="year", window=1, bounds=REGION).mode == "points"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"step": "week", "window": 1}, "month or year"),
        ({"step": "month", "window": 0}, f"1 to {MAX_WINDOW}"),
        ({"step": "year", "window": MAX_WINDOW + 1}, f"1 to {MAX_WINDOW}"),
    ],
)
def test_bad_settings_say_what_to_choose(options, message):
    table = _incidents([("2013-01-16", None, 33.0, 10.0, "bombing")])
    with pytest.raises(PlaybackError, match=re.escape(message)):
        build_frames(table, bounds=REGION, **options)


def test_nothing_placed_and_dated_is_explained():
    table = _incidents([("2013-01-16", None, 33.0, 10.0, "bombing")])
    table["latitude"] = np.nan
    with pytest.raises(PlaybackError, match="both a place and a date"):
        build_frames(table, step="year", window=1, bounds=REGION)


def test_speed_and_start_are_checked():
    frames = build_frames(
        _incidents([("2013-01-16", None, 33.0, 10.0, "bombing")]),
        step="year",
        window=1,
        bounds=REGION,
    )
    with pytest.raises(PlaybackError, match="above 0"):
        Playback(frames, speed=0)
    with pytest.raises(PlaybackError, match="does not exist"):
        Playback(frames, start=5)


def test_labels_sent_to_the_browser_are_escaped():
    table = _incidents([("2013-01-16", None, 33.0, 10.0, "bombing")])
    table["name"] = ["<img src=x onerror=alert(1)>"]
    data = browser_data(Playback(build_frames(table, step="year", window=1, bounds=REGION)))
    assert "<img" not in json.dumps(data)
    assert "&lt;img" in data["points"][0][6]


@pytest.fixture(scope="module")
def view(geodata):
    return incident_map_view(
        title="Incidents",
        filter_description="all years",
        countries=simplify_for_display(geodata.countries),
        borders=simplify_for_display(geodata.borders),
        incidents=geodata.incidents,
        country_names=geodata.country_names(),
    )


def test_the_chosen_frame_view_names_its_window(view, geodata):
    frames = build_frames(view.incidents, step="year", window=2, bounds=view.bounds)
    index = frames.index_of("2014-07-01")
    framed = frame_view(view, frames, index)
    assert framed.title == "Incidents, 2013 – 2014"
    assert framed.filter_description == "all years; frame: 2013-01-01 to 2014-12-31"
    assert framed.bounds == view.bounds
    assert len(framed.incidents) == frames.counts[index] > 0
    days = framed.incidents["date_start"]
    assert days.max() <= pd.Timestamp("2014-12-31")
    assert framed.incidents["date_end"].min() >= pd.Timestamp("2013-01-01")


def test_played_map_draws_frames_instead_of_markers(view):
    frames = build_frames(view.incidents, step="month", window=3, bounds=view.bounds)
    played = played_view(view, frames, speed=2.0, start=4)
    html = folium_map(played).get_root().render()
    assert "L.TimeDimension(" in html and "bw-id:" not in html
    assert '"transitionMs": 500' in html and '"start": 4' in html
    assert CLUSTER_KEY not in {e.key for s in played.legend for e in s.entries}
    # Only vendored files, and not the package's control CSS (a CDN icon font).
    assert "leaflet.timedimension.min.js" in html and "iso8601.js" in html
    assert "bootstrapcdn" not in html and "cdn.jsdelivr" not in html


def test_cells_playback_legend_has_no_death_sizes(view):
    frames = build_frames(view.incidents, step="year", window=1, bounds=view.bounds, max_points=5)
    played = played_view(view, frames, speed=1.0, start=0)
    assert INCIDENTS_KEY not in {e.key for s in played.legend for e in s.entries}
    html = folium_map(played).get_root().render()
    assert f"Playback by year: incidents per {frames.cell_deg:g}" in html


def test_snapshot_of_a_chosen_frame_names_it(view):
    from borderwatch.exports.provenance import make_provenance
    from borderwatch.exports.snapshot import render_snapshot

    frames = build_frames(view.incidents, step="year", window=1, bounds=view.bounds)
    framed = frame_view(view, frames, frames.index_of("2013-01-01"))
    provenance = make_provenance(
        title=framed.title,
        filters=framed.filter_description,
        files=framed.files,
        incidents=framed.incidents,
    )
    svg = render_snapshot(framed, title=framed.title, provenance=provenance, fmt="svg")
    texts = " ".join(t.strip() for t in ET.fromstring(svg).itertext() if t.strip())
    assert "Incidents, 2013" in texts
    assert "frame: 2013-01-01 to 2013-12-31" in texts
