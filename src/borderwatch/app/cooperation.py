"""The Cooperation page's before-and-after comparison: incidents in one border zone around
an arrangement's start, from the prepared frame or the team database. No Streamlit."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from borderwatch.app.prepared import DataSettings, PreparedData
from borderwatch.app.selection import database_selection
from borderwatch.border_stats import in_zone
from borderwatch.cooperation import (
    BeforeAfter,
    before_after,
    before_after_from_counts,
    comparison_periods,
    period_counts,
)
from borderwatch.filters import IncidentFilter, filter_incidents


def select_before_after(
    prepared: PreparedData,
    selection: IncidentFilter,
    *,
    pair: str,
    width_km: float,
    start: pd.Timestamp,
    window_years: int,
    data_settings: DataSettings | None = None,
) -> BeforeAfter:
    """The incidents ``selection`` keeps (its years and zone switch aside: the window and
    the zone are the subject) within ``width_km`` of the ``pair`` border, per year and
    before and after ``start``; counted in the team database when ``data_settings`` names
    one."""
    timeless = replace(selection, years=None, border_zone_km=None)
    covered = prepared.incident_years
    zone = replace(timeless, border_zone_km=float(width_km), border_pairs=(pair,))
    database = database_selection(prepared, zone, data_settings)
    if database is not None:
        periods = comparison_periods(start, window_years)
        return before_after_from_counts(
            database.zone_counts_by_year(width_km),
            period_counts(periods, database.sums_by_start(periods)),
            pair=pair,
            start=start,
            window_years=window_years,
            covered=covered,
        )
    zone_incidents = filter_incidents(prepared.incidents, timeless)
    return before_after(
        zone_incidents[in_zone(zone_incidents, width_km, [pair])],
        pair=pair,
        width_km=width_km,
        start=start,
        window_years=window_years,
        covered=covered,
    )
