"""Schematic barrier lines: the stretch of a border line between two crossing points.

Sources describe barriers by their end points (e.g. Tunisia's berm and trench "from Ras
Jedir to Dhehiba", ~2 km inside Tunisia) rather than with surveyed coordinates, so the
line drawn is the border itself between those two crossings, and says so.
"""

from __future__ import annotations

import shapely
from shapely.geometry import LineString, MultiLineString, Point


def border_stretch(border: LineString | MultiLineString, start: Point, end: Point) -> LineString:
    """The part of ``border`` between the points nearest to ``start`` and ``end``."""
    line = border if isinstance(border, LineString) else shapely.line_merge(border)
    if not isinstance(line, LineString):  # several disjoint parts: use the longest
        line = max(shapely.get_parts(line), key=lambda part: part.length)
    first, second = sorted((line.project(start), line.project(end)))
    return shapely.ops.substring(line, first, second)
