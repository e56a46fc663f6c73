"""The snapshot's projection and geometry: fit the view to a frame, clip, simplify, paths.

The map is an equirectangular view: longitude and latitude are plotted as x and y with the
axes aspect set to ``1 / cos(centre latitude)``, so distances are true at the centre
latitude in every direction. Sizes from the style table are CSS pixels; here they become
typographic points.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import shapely
from matplotlib.path import Path

from borderwatch.mapping.style import LineStyle

#: ``(minx, miny, maxx, maxy)`` in degrees of longitude and latitude.
Box = tuple[float, float, float, float]
#: A matplotlib dash pattern: ``(offset, (on, off))`` in multiples of the line width.
Dashes = tuple[float, tuple[float, float]]

#: One CSS pixel of the interactive map in typographic points (96 px = 72 pt = 1 inch).
PX_TO_PT = 72.0 / 96.0
#: Margin added around the requested bounds, as a share of their size.
VIEW_PADDING = 0.03
#: The furthest latitude drawn: the equirectangular view degenerates towards the poles.
MAX_LATITUDE = 80.0


def fit_view(
    bounds: Box, width_in: float, height_in: float, *, coverage: Box | None = None
) -> tuple[Box, float, float]:
    """The view and the map frame that shows it.

    ``bounds`` is padded, then widened about its centre to the shape of the space available
    (``width_in`` x ``height_in``), but not beyond ``coverage`` (the extent of the country
    layer, so no land is drawn as sea where the layer stops); where it cannot widen, the
    frame shrinks instead.

    Returns
    -------
    view, frame_width_in, frame_height_in
        ``(minx, miny, maxx, maxy)`` and the frame size, whose shape matches the view at
        aspect ``1 / cos(centre latitude)``.
    """
    padded = _padded(bounds)
    view = _widened(padded, width_in, height_in)
    if coverage is not None and all(math.isfinite(v) for v in coverage):
        view = _limited(view, padded, coverage)
    minx, miny, maxx, maxy = view
    ratio = (maxx - minx) * math.cos(math.radians((miny + maxy) / 2)) / (maxy - miny)
    if ratio >= width_in / height_in:
        return view, width_in, width_in / ratio
    return view, height_in * ratio, height_in


def _padded(bounds: Box) -> Box:
    """``bounds`` ordered, kept off the poles and padded (a point becomes a small box)."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise ValueError(f"bounds must be finite numbers, got {bounds!r}")
    minx, maxx = min(minx, maxx), max(minx, maxx)
    miny, maxy = max(min(miny, maxy), -MAX_LATITUDE), min(max(miny, maxy), MAX_LATITUDE)
    pad_x = max((maxx - minx) * VIEW_PADDING, 0.05)
    pad_y = max((maxy - miny) * VIEW_PADDING, 0.05)
    return (minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y)


def _widened(box: Box, width_in: float, height_in: float) -> Box:
    """``box`` widened about its centre to the shape of ``width_in`` x ``height_in``."""
    minx, miny, maxx, maxy = box
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ground_w = (maxx - minx) * math.cos(math.radians(cy))  # in degrees of latitude
    ground_h = maxy - miny
    if ground_w / ground_h < width_in / height_in:
        ground_w = ground_h * width_in / height_in
    else:
        ground_h = ground_w * height_in / width_in
    half_w = ground_w / math.cos(math.radians(cy)) / 2
    return (cx - half_w, cy - ground_h / 2, cx + half_w, cy + ground_h / 2)


def _limited(view: Box, wanted: Box, coverage: Box) -> Box:
    """``view`` cut back to ``coverage``, but never inside what was ``wanted``."""
    limit = (
        min(wanted[0], coverage[0]),
        min(wanted[1], coverage[1]),
        max(wanted[2], coverage[2]),
        max(wanted[3], coverage[3]),
    )
    return (
        max(view[0], limit[0]),
        max(view[1], limit[1]),
        min(view[2], limit[2]),
        min(view[3], limit[3]),
    )


def flat_parts(geoms: np.ndarray) -> np.ndarray:
    """Single-part geometries from any mix of multi-part ones and collections."""
    parts = np.asarray(geoms, dtype=object)
    parts = parts[~shapely.is_missing(parts)]
    while len(parts) and np.isin(shapely.get_type_id(parts), (4, 5, 6, 7)).any():
        parts = shapely.get_parts(parts)
    return parts[~shapely.is_empty(parts)]


def prepare(geoms: np.ndarray, view: Box, tolerance: float) -> np.ndarray:
    """Clip to (a little more than) the view and simplify below the output resolution."""
    minx, miny, maxx, maxy = view
    mx, my = (maxx - minx) * 0.05, (maxy - miny) * 0.05
    clipped = shapely.clip_by_rect(
        np.asarray(geoms, dtype=object), minx - mx, miny - my, maxx + mx, maxy + my
    )
    return shapely.simplify(clipped, tolerance, preserve_topology=True)


def polygon_path(geoms: np.ndarray) -> Path | None:
    """One compound path of every polygon ring (exteriors CCW, holes CW), or ``None``."""
    parts = flat_parts(geoms)
    polygons = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    if not len(polygons):
        return None
    rings = shapely.get_rings(shapely.orient_polygons(polygons))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    codes[starts] = Path.MOVETO
    codes[np.r_[starts[1:] - 1, len(coords) - 1]] = Path.CLOSEPOLY
    return Path(coords, codes)


def line_parts(geoms: np.ndarray) -> list[np.ndarray]:
    """The vertices of every line part, for a :class:`~matplotlib.collections.LineCollection`."""
    parts = flat_parts(geoms)
    if not len(parts):
        return []
    lines = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    if not len(lines):
        return []
    coords, index = shapely.get_coordinates(lines, return_index=True)
    return np.split(coords, np.flatnonzero(np.diff(index)) + 1)


def dashes(on_px: float, off_px: float, linewidth_pt: float) -> Dashes:
    """A dash pattern given in pixels; matplotlib scales dash patterns by the line width."""
    return (0.0, (on_px * PX_TO_PT / linewidth_pt, off_px * PX_TO_PT / linewidth_pt))


def line_width_pt(line: LineStyle) -> float:
    """The line's width in points."""
    return line.width_px * PX_TO_PT


def line_pattern(line: LineStyle) -> Dashes | Literal["solid"]:
    """The line's matplotlib line style: ``"solid"`` or its dash pattern."""
    if line.dash_px is None:
        return "solid"
    return dashes(*line.dash_px, line_width_pt(line))
