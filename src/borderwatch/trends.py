"""Incidents and deaths over time for a selection, by event type.

Deaths are summed over the incidents whose toll is known; the incidents whose toll is
unknown are counted apart (``unknown_tolls``), never as zero deaths.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from borderwatch.fatalities import incident_bounds
from borderwatch.schemas import EVENT_TYPES

Period = Literal["year", "month"]
PERIODS: dict[str, str] = {"year": "Year", "month": "Month"}
_FREQ = {"year": "YS", "month": "MS"}


def period_starts(dates: pd.Series, period: Period) -> pd.Series:
    """The first day of the year or month each date falls in."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    unit = "Y" if period == "year" else "M"
    return pd.Series(
        values.astype(f"datetime64[{unit}]").astype("datetime64[ns]"), index=dates.index
    )


def incident_trend(incidents: pd.DataFrame, period: Period = "year") -> pd.DataFrame:
    """Incidents and deaths per period (of the start date) and event type.

    Returns
    -------
    pandas.DataFrame
        ``period`` (first day), ``event_type`` (key), ``type_label``, ``incidents``,
        ``deaths_low`` / ``deaths_best`` / ``deaths_high`` (sums of the known tolls; empty
        where every toll in the group is unknown), ``unknown_tolls``. Every period from the
        first to the last of the selection has at least one row (``incidents`` 0 and
        ``event_type`` empty where nothing happened), so gaps show as gaps.
    """
    columns = [
        "period",
        "event_type",
        "type_label",
        "incidents",
        "deaths_low",
        "deaths_best",
        "deaths_high",
        "unknown_tolls",
    ]
    if incidents.empty:
        return pd.DataFrame({c: [] for c in columns})
    low, best, high = incident_bounds(incidents)
    table = pd.DataFrame(
        {
            "period": period_starts(incidents["date_start"], period),
            "event_type": incidents["event_type"].astype(object),
            "incidents": 1,
            "deaths_low": low,
            "deaths_best": best,
            "deaths_high": high,
            "unknown_tolls": best.isna().astype("int64"),
        },
        index=incidents.index,
    )
    grouped = (
        table.groupby(["period", "event_type"], as_index=False)
        .sum(min_count=1)
        .astype({"incidents": "int64", "unknown_tolls": "int64"})
    )
    every = pd.date_range(grouped["period"].min(), grouped["period"].max(), freq=_FREQ[period])
    empty = every.difference(pd.DatetimeIndex(grouped["period"].unique()))
    filler = pd.DataFrame({"period": empty, "event_type": None, "incidents": 0, "unknown_tolls": 0})
    out = pd.concat([grouped, filler], ignore_index=True) if len(filler) else grouped
    out["type_label"] = out["event_type"].map(lambda t: EVENT_TYPES.get(t, t) if t else "")
    return out.sort_values(["period", "event_type"], na_position="first").reset_index(drop=True)[
        columns
    ]


def trend_totals(trend: pd.DataFrame) -> pd.DataFrame:
    """Per period: incidents, deaths (known tolls; empty where all are unknown) and the
    incidents with unknown toll, from :func:`incident_trend`."""
    totals = trend.groupby("period", as_index=False).agg(
        incidents=("incidents", "sum"),
        deaths_low=("deaths_low", lambda v: v.sum(min_count=1)),
        deaths_best=("deaths_best", lambda v: v.sum(min_count=1)),
        deaths_high=("deaths_high", lambda v: v.sum(min_count=1)),
        unknown_tolls=("unknown_tolls", "sum"),
    )
    return totals.astype({"incidents": "int64", "unknown_tolls": "int64"})


def complete_years(years: pd.Series | list[int], span: tuple[int, int] | None = None) -> list[int]:
    """Every year from the first to the last of ``years`` (or of ``span`` if wider): an
    axis on which a year without incidents still appears."""
    values = [int(y) for y in years if pd.notna(y)]
    if span is not None:
        values += list(span)
    if not values:
        return []
    return list(np.arange(min(values), max(values) + 1).tolist())
