"""Playback: the selection as a sequence of frames, one per month or year, played in the browser.

A frame is a window of ``window`` periods (months or years) ending at one period: with a
monthly step and a window of 3, the frame of March 2013 shows the incidents of January to
March 2013 (a rolling three months). An incident is in a frame when any of its days falls in
the frame's window, as with the date filters.

All frames are built here, once, and sent to the browser together, so stepping and playing
never ask the server for anything. Up to ``playback_max_points`` placed incidents
(:mod:`borderwatch.config`) each frame lists incidents; above it, each frame is the count of
its incidents per grid cell, so 100,000 events stay a light page and a quick frame.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from borderwatch.aggregate import cell_size_deg
from borderwatch.config import settings
from borderwatch.mapping import style
from borderwatch.schemas import EVENT_TYPES

if TYPE_CHECKING:
    from borderwatch.mapping.view import Bounds, MapView

Step = Literal["month", "year"]
#: The steps an analyst can play by, with their labels.
STEPS: dict[Step, str] = {"month": "Month", "year": "Year"}
#: Frames per second an analyst can choose.
SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
#: Longest window, in steps (a rolling year of months, or twelve years).
MAX_WINDOW = 12
#: A cell's circle radius (px) grows from the smallest to the largest with its share of the
#: busiest cell of ALL frames, so sizes compare across frames.
CELL_RADIUS_PX = (4.0, 22.0)


class PlaybackError(ValueError):
    """Playback settings that cannot make frames (the message says which and what to do)."""


@dataclass(frozen=True, eq=False)
class Frames:
    """The frames of a selection: where each window starts and ends, and what it shows.

    Parameters
    ----------
    step, window
        Months or years; how many steps each frame covers (its last step is the frame's).
    starts, ends
        First and last day of each frame's window (``ends[i]`` is the end of frame ``i``'s
        period, ``starts[i]`` the start of the window ending there).
    labels
        Each frame's window as text, e.g. ``"Jan 2013 – Mar 2013"``.
    counts
        Incidents in each frame.
    mode
        ``"points"``: each frame draws its incidents; ``"cells"``: its counts per cell.
    points
        Points mode: one row per placed incident: ``latitude``, ``longitude``, ``radius``,
        ``color``, ``label``, ``first`` and ``last`` (the frames it enters and leaves).
    cells
        Cells mode: ``latitude``, ``longitude`` of each cell's centre.
    cell_frames
        Cells mode: ``frame``, ``cell`` (row of ``cells``), ``incidents`` and ``main_type``.
    cell_deg
        Cells mode: the cell size in degrees.
    """

    step: Step
    window: int
    starts: pd.DatetimeIndex
    ends: pd.DatetimeIndex
    labels: tuple[str, ...]
    counts: np.ndarray
    mode: Literal["points", "cells"]
    points: pd.DataFrame | None = None
    cells: pd.DataFrame | None = None
    cell_frames: pd.DataFrame | None = None
    cell_deg: float | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def index_of(self, day: pd.Timestamp | str) -> int:
        """The frame whose period holds ``day`` (clamped to the first or last frame)."""
        day = pd.Timestamp(day)
        after = int(np.searchsorted(self.ends.to_numpy(), day.to_datetime64(), side="left"))
        return min(max(after, 0), len(self) - 1)

    def describe(self, index: int) -> str:
        """Frame ``index`` in words, for a title: its window and its incidents."""
        return f"{self.labels[index]} ({self.counts[index]:,} incidents)"


@dataclass(frozen=True, eq=False)
class Playback:
    """Frames and how the browser plays them.

    Parameters
    ----------
    frames
        From :func:`build_frames`.
    speed
        Frames per second.
    start
        The frame shown when the map is drawn (e.g. the one picked for the snapshot).
    """

    frames: Frames
    speed: float = 1.0
    start: int = 0

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise PlaybackError(
                f"Playback speed must be above 0 frames a second, not {self.speed}."
            )
        if not 0 <= self.start < len(self.frames):
            raise PlaybackError(
                f"Frame {self.start} does not exist; choose one of 0 to {len(self.frames) - 1}."
            )


def period_starts(first: pd.Timestamp, last: pd.Timestamp, step: Step) -> pd.DatetimeIndex:
    """Start of every month or year from the one holding ``first`` to the one holding ``last``."""
    freq = "MS" if step == "month" else "YS"
    begin = first.to_period("M" if step == "month" else "Y").start_time
    return pd.date_range(begin, last, freq=freq)


def _period_index(days: pd.Series, step: Step, origin: pd.Timestamp) -> np.ndarray:
    """The number of the month or year holding each day, counted from ``origin``'s."""
    years = days.dt.year.to_numpy() - origin.year
    if step == "year":
        return years.astype("int64")
    return (years * 12 + days.dt.month.to_numpy() - origin.month).astype("int64")


def _label(start: pd.Timestamp, end: pd.Timestamp, step: Step) -> str:
    fmt = "%b %Y" if step == "month" else "%Y"
    first, last = start.strftime(fmt), end.strftime(fmt)
    return first if first == last else f"{first} – {last}"


def check_steps(step: str, window: int) -> None:
    """Refuse an unknown step or a window out of range (:class:`PlaybackError`)."""
    if step not in STEPS:
        raise PlaybackError(f"Play by month or year, not {step!r}.")
    if not 1 <= window <= MAX_WINDOW:
        raise PlaybackError(f"A frame spans 1 to {MAX_WINDOW} steps, not {window}.")


def _axis(begin: pd.Timestamp, last_day: pd.Timestamp, step: Step, window: int) -> dict:
    """The frames' periods from the one holding ``begin`` to the one holding ``last_day``:
    :class:`Frames`' ``step``, ``window``, ``starts``, ``ends`` and ``labels``."""
    starts = period_starts(begin, last_day, step)
    offset = pd.DateOffset(months=1) if step == "month" else pd.DateOffset(years=1)
    period_ends = pd.DatetimeIndex([s + offset - pd.Timedelta(days=1) for s in starts])
    window_starts = pd.DatetimeIndex([s - offset * (window - 1) for s in starts])
    return {
        "step": step,
        "window": window,
        "starts": window_starts,
        "ends": period_ends,
        "labels": tuple(
            _label(a, b, step) for a, b in zip(window_starts, period_ends, strict=True)
        ),
    }


def build_frames(
    incidents: pd.DataFrame,
    *,
    step: Step,
    window: int,
    bounds: Bounds,
    max_points: int | None = None,
) -> Frames:
    """Frames of the placed incidents, one per ``step`` from the first to the last one's.

    Parameters
    ----------
    incidents
        The selection (``latitude``, ``longitude``, ``date_start``, ``date_end``,
        ``event_type``, ``fatalities_best``; ``name`` labels points). Rows without a place
        or a start date are not played.
    step, window
        Months or years, and how many of them each frame shows (1 to :data:`MAX_WINDOW`).
    bounds
        The view's extent: the grid cells are sized for it.
    max_points
        Above this many placed incidents frames hold cell counts; default the
        ``playback_max_points`` setting.

    Raises
    ------
    PlaybackError
        For an unknown step, a window out of range, or nothing placed and dated to play.
    """
    check_steps(step, window)
    placed = incidents.dropna(subset=["latitude", "longitude", "date_start"])
    if placed.empty:
        raise PlaybackError("No incident in the selection has both a place and a date to play.")
    begin = pd.Timestamp(placed["date_start"].min())
    end_days = placed["date_end"].fillna(placed["date_start"]).clip(lower=placed["date_start"])
    span = (begin, pd.Timestamp(end_days.max()))
    origin = period_starts(begin, begin, step)[0]
    first = _period_index(placed["date_start"], step, origin)
    frames = len(period_starts(*span, step))
    # An incident is in frames first .. last + window - 1 (its days overlap their windows).
    leave = np.minimum(_period_index(end_days, step, origin) + window - 1, frames - 1)
    limit = settings().playback_max_points if max_points is None else max_points
    if len(placed) > limit:
        cell_deg = cell_size_deg(bounds)
        per_type = _counts_per_frame_cell_and_type(placed, first, leave, cell_deg)
        return frames_from_cell_counts(
            per_type, span=span, step=step, window=window, cell_deg=cell_deg
        )
    counts = np.bincount(first, minlength=frames + 1)[:frames]
    counts = np.cumsum(counts - np.bincount(leave + 1, minlength=frames + 1)[:frames])
    return Frames(
        mode="points",
        points=_points(placed, first, leave),
        counts=counts.astype("int64"),
        **_axis(*span, step, window),
    )


def frames_from_cell_counts(
    counted: pd.DataFrame,
    *,
    span: tuple[pd.Timestamp, pd.Timestamp],
    step: Step,
    window: int,
    cell_deg: float,
) -> Frames:
    """Cell frames (as :func:`build_frames` makes above ``playback_max_points``) from
    counts made elsewhere (the team database).

    Parameters
    ----------
    counted
        Placed incidents per ``frame`` (numbered from the period holding ``span``'s first
        day), ``cell_x``, ``cell_y`` (``floor(degrees / cell_deg)``) and ``event_type``:
        ``incidents``; an incident counts in every frame whose window holds one of its days.
    span
        The placed incidents' first start and last day.
    step, window, cell_deg
        As for :func:`build_frames`; ``cell_deg`` the size the counts were made with.
    """
    check_steps(step, window)
    if counted.empty:
        raise PlaybackError("No incident in the selection has both a place and a date to play.")
    axis = _axis(span[0], span[1], step, window)
    per_frame = counted.groupby("frame")["incidents"].sum()
    counts = per_frame.reindex(range(len(axis["starts"])), fill_value=0).to_numpy("int64")
    cells, cell_frames = _cells_of_frames(counted, cell_deg)
    return Frames(
        mode="cells",
        cells=cells,
        cell_frames=cell_frames,
        cell_deg=cell_deg,
        counts=counts,
        **axis,
    )


def _points(placed: pd.DataFrame, first: np.ndarray, leave: np.ndarray) -> pd.DataFrame:
    names = placed["name"] if "name" in placed else pd.Series("", index=placed.index)
    labels = [
        f"{name} — {day:%Y-%m-%d}" if name else f"{day:%Y-%m-%d}"
        for name, day in zip(names.fillna("").astype(str), placed["date_start"], strict=True)
    ]
    return pd.DataFrame(
        {
            "latitude": placed["latitude"].to_numpy(float).round(4),
            "longitude": placed["longitude"].to_numpy(float).round(4),
            "radius": [round(style.radius_for_fatalities(f), 1) for f in placed["fatalities_best"]],
            "color": [style.event_style(str(t)).color for t in placed["event_type"]],
            "label": labels,
            "first": first,
            "last": leave,
        }
    )


def _counts_per_frame_cell_and_type(
    placed: pd.DataFrame, first: np.ndarray, leave: np.ndarray, cell_deg: float
) -> pd.DataFrame:
    """Incidents per ``frame``, ``cell_x``, ``cell_y`` and ``event_type``: each incident
    counted in every frame it is in."""
    cell_x = np.floor(placed["longitude"].to_numpy(float) / cell_deg).astype("int64")
    cell_y = np.floor(placed["latitude"].to_numpy(float) / cell_deg).astype("int64")
    # One integer per cell (x and y packed): factorizing pairs of columns is much slower.
    low_x, low_y = cell_x.min(), cell_y.min()
    rows_y = int(cell_y.max() - low_y) + 1
    packed = (cell_x - low_x) * rows_y + (cell_y - low_y)
    # One row per (incident, frame it is in): most incidents last a day, so about
    # ``window`` rows each.
    spans = leave - first + 1
    rows = np.repeat(np.arange(len(placed)), spans)
    frame = np.repeat(first, spans) + (
        np.arange(len(rows)) - np.repeat(np.cumsum(spans) - spans, spans)
    )
    # Counted on integer codes (types, cells, frames): strings would cost seconds.
    type_codes, type_names = pd.factorize(placed["event_type"].astype(str), sort=True)
    per_type = pd.DataFrame(
        {"frame": frame, "cell": packed[rows], "kind": type_codes[rows]}
    ).value_counts()
    out = per_type.rename("incidents").reset_index()
    return pd.DataFrame(
        {
            "frame": out["frame"].to_numpy("int64"),
            "cell_x": out["cell"].to_numpy("int64") // rows_y + low_x,
            "cell_y": out["cell"].to_numpy("int64") % rows_y + low_y,
            "event_type": np.asarray(type_names, dtype=object)[out["kind"].to_numpy()],
            "incidents": out["incidents"].to_numpy("int64"),
        }
    )


def _cells_of_frames(per_type: pd.DataFrame, cell_deg: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells (their centres, west to east then south to north) and, per (frame,
    cell), the incidents and the most frequent event type (ties: the first by name), from
    counts per frame, cell and type (:func:`_counts_per_frame_cell_and_type`' columns).

    Cells are placed at their centres, not their incidents' mean: a circle that stays put
    from frame to frame reads as the same place changing.
    """
    cell_codes, unique = pd.factorize(
        pd.MultiIndex.from_arrays([per_type["cell_x"], per_type["cell_y"]]), sort=True
    )
    cells = pd.DataFrame(
        {
            "latitude": (unique.get_level_values(1).to_numpy(float) + 0.5) * cell_deg,
            "longitude": (unique.get_level_values(0).to_numpy(float) + 0.5) * cell_deg,
        }
    ).round(4)
    counted = pd.DataFrame(
        {
            "frame": per_type["frame"].to_numpy("int64"),
            "cell": cell_codes,
            "event_type": per_type["event_type"].astype(object).to_numpy(),
            "n": per_type["incidents"].to_numpy("int64"),
        }
    )
    per_cell = counted.groupby(["frame", "cell"])["n"].sum().rename("incidents")
    main = (
        counted.sort_values(["n", "event_type"], ascending=[False, True])
        .drop_duplicates(["frame", "cell"])
        .set_index(["frame", "cell"])["event_type"]
        .rename("main_type")
    )
    cell_frames = pd.concat([per_cell, main], axis=1).reset_index()
    return cells, cell_frames.sort_values(["frame", "cell"]).reset_index(drop=True)


def frame_incidents(incidents: pd.DataFrame, frames: Frames, index: int) -> pd.DataFrame:
    """The incidents of frame ``index``: those with a day in its window."""
    start, end = frames.starts[index], frames.ends[index]
    end_days = incidents["date_end"].fillna(incidents["date_start"])
    inside = (incidents["date_start"] <= end) & (end_days >= start)
    return incidents[inside.fillna(False).to_numpy(bool)]


def frame_view(view: MapView, frames: Frames, index: int) -> MapView:
    """``view`` showing only frame ``index``: what the snapshot of a chosen frame draws.

    Same extent as the whole selection (frames compare on one map); the title and the filter
    description name the frame's window, so every export says which frame it is.
    """
    if view.incidents is None:
        raise PlaybackError("This map has no incidents to show by frame.")
    window = f"{frames.starts[index]:%Y-%m-%d} to {frames.ends[index]:%Y-%m-%d}"
    return dataclasses.replace(
        view,
        title=f"{view.title}, {frames.labels[index]}",
        filter_description=f"{view.filter_description}; frame: {window}",
        incidents=frame_incidents(view.incidents, frames, index),
        playback=None,
        focus=None,
    )


def frame_cells_view(view: MapView, frames: Frames, index: int) -> MapView:
    """``view`` showing only frame ``index`` of cell frames: its cells (incidents and most
    frequent type; deaths are not counted per frame), titled as :func:`frame_view` does.
    What the snapshot of a chosen frame draws when the incidents stay in the database."""
    if frames.mode != "cells" or frames.cells is None or frames.cell_frames is None:
        raise PlaybackError("These frames list incidents, not grid cells.")
    chosen = frames.cell_frames[frames.cell_frames["frame"] == index]
    at = frames.cells.iloc[chosen["cell"].to_numpy()]
    cells = pd.DataFrame(
        {
            "longitude": at["longitude"].to_numpy(float),
            "latitude": at["latitude"].to_numpy(float),
            "incidents": chosen["incidents"].to_numpy("int64"),
            "deaths_low": np.nan,
            "deaths_best": np.nan,
            "deaths_high": np.nan,
            "main_type": chosen["main_type"].to_numpy(object),
            "first": frames.starts[index],
            "last": frames.ends[index],
            "unknown_deaths": 0,
        }
    )
    window = f"{frames.starts[index]:%Y-%m-%d} to {frames.ends[index]:%Y-%m-%d}"
    return dataclasses.replace(
        view,
        title=f"{view.title}, {frames.labels[index]}",
        filter_description=f"{view.filter_description}; frame: {window}",
        cells=cells,
        cell_deg=frames.cell_deg,
        playback=None,
        focus=None,
    )


def played_view(view: MapView, frames: Frames, *, speed: float, start: int) -> MapView:
    """``view`` drawn as ``frames``, played at ``speed`` frames a second from frame ``start``."""
    return dataclasses.replace(view, playback=Playback(frames, speed=speed, start=start))


def browser_data(playback: Playback) -> dict:
    """What the browser plays: times, labels, counts and the frames' content, compact.

    Points: ``[lat, lon, radius, colour index, first frame, last frame, label]``; cells:
    ``[lat, lon]`` once, and per frame a flat list ``cell, incidents, type index, …``.
    Labels are HTML-escaped (the player writes the date as HTML).
    """
    frames = playback.frames
    colors = [style.event_style(t).color for t in EVENT_TYPES]
    type_index = {t: i for i, t in enumerate(EVENT_TYPES)}
    data: dict = {
        "times": [int(t.value // 1_000_000) for t in frames.ends],
        "labels": [html.escape(label) for label in frames.labels],
        "counts": [int(n) for n in frames.counts],
        "start": playback.start,
        "transitionMs": round(1000 / playback.speed),
        "mode": frames.mode,
        "colors": colors,
        "typeNames": list(EVENT_TYPES.values()),
        "step": frames.step,
    }
    if frames.mode == "points":
        assert frames.points is not None
        color_index = {c: i for i, c in enumerate(colors)}
        data["points"] = [
            [
                r.latitude,
                r.longitude,
                r.radius,
                color_index.get(r.color, 0),
                int(r.first),
                int(r.last),
                html.escape(r.label),
            ]
            for r in frames.points.itertuples()
        ]
        return data
    assert frames.cells is not None and frames.cell_frames is not None
    data["cells"] = frames.cells[["latitude", "longitude"]].to_numpy().tolist()
    largest = max(int(frames.cell_frames["incidents"].max()), 1)
    data["largest"] = largest
    data["radius"] = list(CELL_RADIUS_PX)
    table = frames.cell_frames  # sorted by frame
    kinds = np.array([type_index.get(t, 0) for t in table["main_type"]], dtype="int64")
    flat = np.column_stack([table["cell"], table["incidents"], kinds]).astype("int64")
    bounds = np.searchsorted(table["frame"].to_numpy(), np.arange(len(frames) + 1))
    data["frames"] = [flat[a:b].ravel().tolist() for a, b in itertools.pairwise(bounds)]
    return data
