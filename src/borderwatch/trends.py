"""Incidents and deaths over time for a selection, by event type.

Deaths are summed over the incidents whose toll is known; the incidents whose toll is
unknown are counted apart (``unknown_tolls``), never as zero deaths.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from borderwatch.fatalities import bound_arrays, incident_bounds
from borderwatch.schemas import EVENT_TYPES

Period = Literal["year", "month"]
PERIODS: dict[str, str] = {"year": "Year", "month": "Month"}
_FREQ = {"year": "YS", "month": "MS"}
#: Columns of :func:`incident_trend`'s table.
_TREND_COLUMNS = (
    *("period", "event_type", "type_label", "incidents"),
    *("deaths_low", "deaths_best", "deaths_high", "unknown_tolls"),
)


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
    if incidents.empty:
        return pd.DataFrame({c: [] for c in _TREND_COLUMNS})
    return complete_trend(_per_period_and_type(incidents, period), period)


def complete_trend(grouped: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The trend table of :func:`incident_trend` from its counts per period and event type
    (one row per occupied pair, e.g. grouped in the team database): empty periods filled
    in, type labels added, rows ordered."""
    if grouped.empty:
        return pd.DataFrame({c: [] for c in _TREND_COLUMNS})
    every = pd.date_range(grouped["period"].min(), grouped["period"].max(), freq=_FREQ[period])
    empty = every.difference(pd.DatetimeIndex(grouped["period"].unique()))
    filler = pd.DataFrame({"period": empty, "event_type": None, "incidents": 0, "unknown_tolls": 0})
    out = pd.concat([grouped, filler], ignore_index=True) if len(filler) else grouped
    out["type_label"] = out["event_type"].map(lambda t: EVENT_TYPES.get(t, t) if t else "")
    return out.sort_values(["period", "event_type"], na_position="first").reset_index(drop=True)[
        list(_TREND_COLUMNS)
    ]


def _per_period_and_type(incidents: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Sums per (period, event type), ordered so; rows without a date or a type are left
    out. Counted with numpy on integer codes: a groupby over a million rows of text costs
    several times more, on every filter change."""
    unit = "Y" if period == "year" else "M"
    periods = incidents["date_start"].to_numpy(dtype="datetime64[ns]").astype(f"datetime64[{unit}]")
    type_codes, types = pd.factorize(incidents["event_type"], sort=True)
    kept = (type_codes >= 0) & ~np.isnat(periods)
    ticks = periods.astype("int64")[kept]
    first = int(ticks.min()) if len(ticks) else 0
    key = (ticks - first) * max(len(types), 1) + type_codes[kept]
    # Numbered on the dense (period, type) grid, not sorted: a few thousand slots at most.
    occupied = np.bincount(key) > 0 if len(key) else np.zeros(0, dtype=bool)
    groups = np.flatnonzero(occupied)
    group = (np.cumsum(occupied) - 1)[key]
    bounds = [values[kept] for values in bound_arrays(incidents)]
    known = np.bincount(group, weights=~np.isnan(bounds[1]), minlength=len(groups))
    out = {
        "period": (groups // max(len(types), 1) + first).astype(f"datetime64[{unit}]"),
        "event_type": np.asarray(types, dtype=object)[groups % max(len(types), 1)],
        "incidents": np.bincount(group, minlength=len(groups)),
    }
    for name, values in zip(("deaths_low", "deaths_best", "deaths_high"), bounds, strict=True):
        sums = np.bincount(group, weights=np.nan_to_num(values), minlength=len(groups))
        # Empty where every toll in the group is unknown (not zero deaths).
        out[name] = pd.arrays.IntegerArray(sums.astype("int64"), known == 0)
    out["unknown_tolls"] = np.bincount(group, weights=np.isnan(bounds[1]), minlength=len(groups))
    frame = pd.DataFrame(out)
    frame["period"] = frame["period"].astype("datetime64[ns]")
    return frame.astype({"incidents": "int64", "unknown_tolls": "int64"})


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


#: Columns of :func:`unit_monthly_trend` (and of its CSV, :func:`series_csv`).
SERIES_COLUMNS = [
    "unit",
    "month",
    "incidents",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "unknown_tolls",
]


def unit_monthly_trend(
    incidents: pd.DataFrame,
    units: pd.Series,
    *,
    span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """Incidents and deaths per month (of the start date) for each unit.

    Parameters
    ----------
    incidents
        The selection.
    units
        Per incident, its unit (a country's ISO3, a border pair; see
        :func:`borderwatch.changes.unit_labels`); incidents with none are left out.
    span
        First and last month shown (every unit gets every month between); the selection's
        own first and last month by default.

    Returns
    -------
    pandas.DataFrame
        :data:`SERIES_COLUMNS`: every month of the span for every unit with an incident,
        ``incidents`` 0 where none happened; deaths are sums of the known tolls (low, best,
        high), empty where no incident of the month has a known toll; ``unknown_tolls``
        counts the incidents whose toll is unknown, apart, never as zero deaths.
    """
    placed = units.notna()
    chosen = incidents[placed.to_numpy()]
    if chosen.empty:
        return pd.DataFrame({c: [] for c in SERIES_COLUMNS})
    low, best, high = incident_bounds(chosen)
    table = pd.DataFrame(
        {
            "unit": units[placed].astype(object).to_numpy(),
            "month": period_starts(chosen["date_start"], "month").to_numpy(),
            "incidents": 1,
            "deaths_low": low.to_numpy(dtype="float64", na_value=np.nan),
            "deaths_best": best.to_numpy(dtype="float64", na_value=np.nan),
            "deaths_high": high.to_numpy(dtype="float64", na_value=np.nan),
            "unknown_tolls": best.isna().to_numpy().astype("int64"),
        }
    )
    grouped = table.groupby(["unit", "month"]).sum(min_count=1).reset_index()
    return complete_unit_series(grouped, span=span)


def complete_unit_series(
    grouped: pd.DataFrame, *, span: tuple[pd.Timestamp, pd.Timestamp] | None = None
) -> pd.DataFrame:
    """The series of :func:`unit_monthly_trend` from its sums per unit and month (one row
    per occupied pair of :data:`SERIES_COLUMNS`, e.g. grouped in the team database): every
    month of ``span`` (the pairs' own first to last month by default) for every unit."""
    if grouped.empty:
        return pd.DataFrame({c: [] for c in SERIES_COLUMNS})
    grouped = grouped.set_index(["unit", "month"])[SERIES_COLUMNS[2:]]
    months_seen = grouped.index.get_level_values("month")
    first, last = span if span is not None else (months_seen.min(), months_seen.max())
    months = pd.date_range(pd.Timestamp(first).to_period("M").to_timestamp(), last, freq="MS")
    full = pd.MultiIndex.from_product(
        [sorted(grouped.index.get_level_values("unit").unique()), months], names=["unit", "month"]
    )
    out = grouped.reindex(full).reset_index()
    out[["incidents", "unknown_tolls"]] = out[["incidents", "unknown_tolls"]].fillna(0)
    return out.astype({"incidents": "int64", "unknown_tolls": "int64"})[SERIES_COLUMNS]


def series_csv(series: pd.DataFrame, *, unit_name: str) -> bytes:
    """One unit's monthly series (rows of :func:`unit_monthly_trend`) as CSV bytes: UTF-8
    with a byte-order mark (Excel reads accents), months as ``YYYY-MM``, unknown deaths as
    empty cells (never 0), the unit's name in the first column."""
    table = pd.DataFrame(
        {
            "unit": unit_name,
            "month": pd.to_datetime(series["month"]).dt.strftime("%Y-%m"),
            "incidents": series["incidents"].astype("int64"),
            "deaths_low": series["deaths_low"].astype("Int64"),
            "deaths_best": series["deaths_best"].astype("Int64"),
            "deaths_high": series["deaths_high"].astype("Int64"),
            "incidents_with_unknown_toll": series["unknown_tolls"].astype("int64"),
        }
    )
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
