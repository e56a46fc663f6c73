"""Colours and symbol sizes shared by every BorderWatch map and its legend."""

from __future__ import annotations

import math

import pandas as pd

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

#: Fatality counts shown in the size legend.
LEGEND_FATALITIES = (1, 10, 50, 200)
MIN_RADIUS_PX = 4.0
MAX_RADIUS_PX = 24.0


def radius_for_fatalities(fatalities: float | None) -> float:
    """Marker radius in pixels: area grows with deaths (square-root scale), capped.

    Unknown tolls get the smallest marker; the popup says the toll is unknown.
    """
    if fatalities is None or pd.isna(fatalities):
        return MIN_RADIUS_PX
    return min(MAX_RADIUS_PX, MIN_RADIUS_PX + 1.6 * math.sqrt(max(fatalities, 0)))
