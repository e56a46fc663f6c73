"""The playback widgets a map page shows above its map: on/off, step, window, speed, frame.

They are bound to the URL like the sidebar's. Frames are built by the package
(:mod:`borderwatch.mapping.playback`); this module reads the widgets, hands their values
over and shows a message when no frame can be made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator as Column

from borderwatch.mapping.playback import (
    MAX_WINDOW,
    SPEEDS,
    STEPS,
    Frames,
    PlaybackError,
    Step,
    build_frames,
    frame_cells_view,
    frame_view,
    played_view,
)
from borderwatch.mapping.view import MapView


def _speed_label(speed: float) -> str:
    return f"{speed:g}"  # also the URL's value: ?play_speed=2


def _step_window_speed(
    step_col: Column, window_col: Column, speed_col: Column
) -> tuple[Step, int, float]:
    """The step, window and speed widgets, one per column; returns their values."""
    step = step_col.segmented_control(
        "Step",
        options=list(STEPS),
        format_func=STEPS.__getitem__,
        default="year",
        required=True,
        key="play_step",
        bind="query-params",
    )
    window = window_col.number_input(
        "Frame spans (steps)",
        min_value=1,
        max_value=MAX_WINDOW,
        value=1,
        step=1,
        key="play_window",
        bind="query-params",
        help="How many steps each frame shows, ending at its own: 3 with months is a "
        "rolling three months.",
    )
    speed = speed_col.select_slider(
        "Frames a second",
        options=list(SPEEDS),
        value=1.0,
        format_func=_speed_label,
        key="play_speed",
        bind="query-params",
    )
    return ("month" if step == "month" else "year"), int(window), float(speed)


#: Makes the frames of a selection for a step and a window, and the placed rows they were
#: made from when the page does not hold them (``None``: the frames hold cell counts).
FramesMaker = Callable[[Step, int], tuple[Frames, "pd.DataFrame | None"]]


@dataclass(frozen=True)
class Played:
    """What :func:`played_views` gives a page: the map's view, the export's view, and the
    window of the frame picked for the snapshot (``None`` with playback off)."""

    map_view: MapView
    export_view: MapView
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None


def playback_section(view: MapView) -> tuple[MapView, MapView]:
    """Offer playback of ``view``'s incidents; return the views for the map and the export.

    Off: ``view`` twice. On: the map's view plays the frames from the frame picked for the
    snapshot, and the export's view shows that frame only (its title and filters name it).
    """
    played = played_views(view)
    return played.map_view, played.export_view


def played_views(view: MapView, *, frames_of: FramesMaker | None = None) -> Played:
    """:func:`playback_section`, with the picked frame's window; ``frames_of`` makes the
    frames when the page does not hold the incidents (team mode)."""
    playing = st.toggle(
        "Play over time",
        key="play",
        bind="query-params",
        help="Step through the selection month by month or year by year. Frames play in "
        "your browser: pause, step back or forward with the buttons at the map's bottom left.",
    )
    if not playing or (view.incidents is None and frames_of is None):
        return Played(view, view)
    step_col, window_col, speed_col, frame_col = st.columns([1.2, 1, 1.3, 2])
    step, window, speed = _step_window_speed(step_col, window_col, speed_col)
    try:
        if frames_of is None:
            assert view.incidents is not None
            rows: pd.DataFrame | None = view.incidents
            frames = build_frames(view.incidents, step=step, window=window, bounds=view.bounds)
        else:
            frames, rows = frames_of(step, window)
    except PlaybackError as problem:
        st.warning(f"{problem} The map shows the whole selection.", icon=":material/info:")
        return Played(view, view)
    frame = frame_col.selectbox(
        "Frame for the snapshot",
        options=range(len(frames)),
        format_func=frames.labels.__getitem__,
        key="play_frame",
        bind="query-params",
        help="The map starts at this frame, and “Export this view” draws only its incidents.",
    )
    index = int(frame or 0)
    if rows is None:  # cell counts only: the frame's cells
        exported = frame_cells_view(view, frames, index)
    else:
        shown = dataclasses.replace(view, incidents=rows, cells=None, cell_deg=None)
        exported = frame_view(shown, frames, index)
    return Played(
        played_view(view, frames, speed=speed, start=index),
        exported,
        (frames.starts[index], frames.ends[index]),
    )
