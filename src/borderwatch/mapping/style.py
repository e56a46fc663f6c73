"""The style table: how every symbol on a BorderWatch map looks, and what it is called.

Both renderers read this module and nothing else for colours, widths, dashes, sizes and
legend labels: the Leaflet map (:mod:`borderwatch.mapping.layers`,
:mod:`borderwatch.mapping.controls`) and the matplotlib snapshot
(:mod:`borderwatch.exports.snapshot`). Widths and dashes are in CSS pixels, as Leaflet takes
them; the snapshot converts pixels to points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from borderwatch.schemas import ARRANGEMENT_KINDS, EVENT_TYPES


@dataclass(frozen=True)
class PointStyle:
    """A filled symbol (an incident type, an arrangement kind): its colour and its name."""

    color: str
    label: str


@dataclass(frozen=True)
class LineStyle:
    """A line: colour, width and dash pattern in CSS pixels, opacity, legend label."""

    color: str
    width_px: float
    label: str
    dash_px: tuple[float, float] | None = None
    opacity: float = 1.0

    @property
    def dash_array(self) -> str | None:
        """The dash pattern as Leaflet's ``dashArray`` (``"6 5"``), or ``None`` if solid."""
        return None if self.dash_px is None else f"{self.dash_px[0]:g} {self.dash_px[1]:g}"

    def in_color(self, color: str) -> LineStyle:
        """The same line in another colour (e.g. an arrangement's kind)."""
        return replace(self, color=color)


@dataclass(frozen=True)
class AreaStyle:
    """A polygon: fill, outline (width and dash in CSS pixels), fill opacity, legend label."""

    fill: str
    outline: str
    label: str
    fill_opacity: float = 1.0
    outline_px: float = 1.0
    outline_dash_px: tuple[float, float] | None = None

    @property
    def dash_array(self) -> str | None:
        """The outline's dash pattern as Leaflet's ``dashArray``, or ``None`` if solid."""
        dash = self.outline_dash_px
        return None if dash is None else f"{dash[0]:g} {dash[1]:g}"


# --------------------------------------------------------------------------- colours

#: One colour per event type (Okabe–Ito based, distinguishable with colour-blindness).
EVENT_COLORS: dict[str, str] = {
    "armed_assault": "#D55E00",
    "bombing": "#CC0033",
    "ambush": "#E69F00",
    "hostage_taking": "#8E44AD",
    "assassination": "#56B4E9",
    "air_strike": "#0072B2",
    "seizure": "#009E73",
    "unrest": "#F0E442",
    "battle": "#4D4D4D",
}
UNKNOWN_COLOR = "#999999"

#: One colour per kind of cooperation arrangement.
ARRANGEMENT_COLORS: dict[str, str] = {
    "border_security": "#1b7837",
    "intelligence_sharing": "#2166ac",
    "joint_operations": "#b2182b",
    "training": "#e08214",
    "political": "#762a83",
    "border_closure": "#4d4d4d",
}

SEA_COLOR = "#d4e4ef"
FOCUS_FILL = "#f3ecdc"
NEIGHBOUR_FILL = "#e4e4e4"
DISPUTED_FILL = "#efe3c2"
COUNTRY_OUTLINE = "#b9ad95"
BORDER_COLOR = "#7a2e1f"
ZONE_COLOR = "#b5651d"
ZONE_FILL = "#f2c48d"
CLOSED_COLOR = "#c0001a"
BARRIER_COLOR = "#222222"
CROSSING_COLOR = "#1f4e79"
LINK_COLOR = "#6a3d9a"
HIGHLIGHT_BORDER_COLOR = "#d62400"
#: Legend swatches that show a drawing scheme rather than a colour (arrangement roles).
NEUTRAL_COLOR = "#333333"
#: Outline of incident circles and grid cells.
INCIDENT_OUTLINE = "#333333"
INCIDENT_FILL_OPACITY = 0.85
CELL_FILL_OPACITY = 0.7

# --------------------------------------------------------------------------- the table

#: Per event type: colour and label ("other" has no colour of its own).
EVENT_STYLES: dict[str, PointStyle] = {
    event_type: PointStyle(EVENT_COLORS.get(event_type, UNKNOWN_COLOR), label)
    for event_type, label in EVENT_TYPES.items()
}

#: Per kind of arrangement: colour and label.
ARRANGEMENT_STYLES: dict[str, PointStyle] = {
    kind: PointStyle(ARRANGEMENT_COLORS[kind], label) for kind, label in ARRANGEMENT_KINDS.items()
}

LineKind = Literal[
    "border",
    "disputed_border",
    "selected_border",
    "closure",
    "barrier",
    "link",
    "arrangement_border",
    "arrangement_arc",
    "arrangement_kind",
]

#: Per kind of line. The arrangement lines are drawn in their kind's colour
#: (:meth:`LineStyle.in_color`); their neutral colour here is for the legend.
LINES: dict[LineKind, LineStyle] = {
    "border": LineStyle(BORDER_COLOR, 2.2, "International land border", opacity=0.9),
    "disputed_border": LineStyle(
        BORDER_COLOR, 2.2, "Disputed / indeterminate boundary", dash_px=(6, 5), opacity=0.9
    ),
    "selected_border": LineStyle(HIGHLIGHT_BORDER_COLOR, 4.5, "Selected border", opacity=0.9),
    "closure": LineStyle(CLOSED_COLOR, 6, "Closed border (in the year shown)", opacity=0.75),
    "barrier": LineStyle(
        BARRIER_COLOR, 6, "Border barrier (schematic)", dash_px=(2, 7), opacity=0.75
    ),
    "link": LineStyle(
        LINK_COLOR, 2.5, "Cross-border link: documented origin → incident", opacity=0.85
    ),
    "arrangement_border": LineStyle(
        NEUTRAL_COLOR, 7, "Bilateral / unilateral: the border concerned, thick", opacity=0.65
    ),
    "arrangement_arc": LineStyle(
        NEUTRAL_COLOR, 3, "Bilateral: arc between the two parties", dash_px=(8, 6), opacity=0.9
    ),
    # The legend swatch of a kind of arrangement (its label is the kind's).
    "arrangement_kind": LineStyle(NEUTRAL_COLOR, 5, ""),
}

AreaKind = Literal["focus", "neighbour", "disputed", "zone", "multilateral", "rise", "fall"]

#: Per kind of area. A multilateral arrangement's members are drawn in its kind's colour.
AREAS: dict[AreaKind, AreaStyle] = {
    "focus": AreaStyle(FOCUS_FILL, COUNTRY_OUTLINE, "Country of the region", outline_px=0.6),
    "neighbour": AreaStyle(NEIGHBOUR_FILL, COUNTRY_OUTLINE, "Neighbouring country", outline_px=0.6),
    "disputed": AreaStyle(
        DISPUTED_FILL,
        COUNTRY_OUTLINE,
        "Disputed territory (Western Sahara)",
        outline_px=0.6,
        outline_dash_px=(4, 3),
    ),
    "zone": AreaStyle(ZONE_FILL, ZONE_COLOR, "Border zone", fill_opacity=0.35),
    "multilateral": AreaStyle(
        "#bbbbbb",
        COUNTRY_OUTLINE,
        "Multilateral: member states shaded (choose in the layer control)",
        fill_opacity=0.3,
        outline_px=2.5,
    ),
    # "What changed": a border zone or country whose incidents rose or fell significantly
    # (red and blue of a diverging ColorBrewer scheme, RdBu).
    "rise": AreaStyle(
        "#d6604d", "#b2182b", "Significant rise in incidents", fill_opacity=0.45, outline_px=2.5
    ),
    "fall": AreaStyle(
        "#4393c3", "#2166ac", "Significant fall in incidents", fill_opacity=0.45, outline_px=2.5
    ),
}

CROSSING_LABEL = "Border crossing point"
CLUSTER_LABEL = "Cluster: number of incidents (zoom in or click)"

#: Fatality counts shown in the size legend.
LEGEND_FATALITIES = (1, 10, 50, 200)
MIN_RADIUS_PX = 4.0
MAX_RADIUS_PX = 24.0


def event_style(event_type: str) -> PointStyle:
    """The style of an event type; a type outside the schema is grey, named as it is."""
    return EVENT_STYLES.get(event_type, PointStyle(UNKNOWN_COLOR, event_type))


def arrangement_area(kind: str, label: str) -> AreaStyle:
    """The members of a multilateral arrangement, shaded in its kind's colour."""
    color = ARRANGEMENT_COLORS[kind]
    return replace(AREAS["multilateral"], fill=color, outline=color, label=label)


#: A grid cell's circle: this radius in pixels for the fewest incidents, plus up to
#: :data:`CELL_RADIUS_RANGE_PX` for the most (area grows with the count).
CELL_MIN_RADIUS_PX = 4.0
CELL_RADIUS_RANGE_PX = 22.0


def cell_radii_px(incidents: pd.Series) -> pd.Series:
    """Radius in pixels of each grid cell's circle: area grows with its incidents,
    relative to the fullest cell (square-root scale)."""
    largest = max(int(incidents.max()), 1) if len(incidents) else 1
    return (CELL_MIN_RADIUS_PX + CELL_RADIUS_RANGE_PX * (incidents / largest) ** 0.5).round(1)


def radius_for_fatalities(fatalities: float | None) -> float:
    """Marker radius in pixels: area grows with deaths (square-root scale), capped.

    Unknown tolls get the smallest marker; the popup says the toll is unknown.
    """
    if fatalities is None or pd.isna(fatalities):
        return MIN_RADIUS_PX
    return min(MAX_RADIUS_PX, MIN_RADIUS_PX + 1.6 * math.sqrt(max(fatalities, 0)))
