"""Fatality figures as ranges: per incident and summed over a selection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FatalityRange:
    """Summed deaths over a set of incidents.

    ``low`` and ``high`` bracket the total using each incident's lowest and highest
    sourced figure (falling back to its single figure); ``best`` sums the most-cited
    figures. ``unknown`` counts incidents with no figure at all, which are in none of the
    sums.
    """

    low: int
    best: int
    high: int
    unknown: int

    def label(self) -> str:
        """'1,204–1,530' or a single figure when the range is closed."""
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"


def incident_bounds(incidents: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per-incident (low, best, high), each filled from the others where missing.

    A source may give its estimates out of order (UCDP GED rows with low above best, kept
    as given): the bounds are then the smallest and largest of the figures, so a total's
    range always brackets its best figure.
    """
    low, best, high = (incidents[f"fatalities_{k}"] for k in ("low", "best", "high"))
    lo = low.fillna(best).fillna(high)
    hi = high.fillna(best).fillna(low)
    mid = best.fillna(lo)
    figures = pd.concat([lo, mid, hi], axis=1)
    if len(figures) and (lo.gt(mid) | mid.gt(hi) | lo.gt(hi)).fillna(False).any():
        lo, hi = figures.min(axis=1).astype(lo.dtype), figures.max(axis=1).astype(hi.dtype)
    return lo, mid, hi


def bound_arrays(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`incident_bounds` as float arrays, unknown tolls NaN: what counting needs, in
    numpy (a million rows several times faster than the nullable integer columns)."""
    low, best, high = (_floats(incidents[f"fatalities_{k}"]) for k in ("low", "best", "high"))
    lo = np.where(np.isnan(low), np.where(np.isnan(best), high, best), low)
    hi = np.where(np.isnan(high), np.where(np.isnan(best), low, best), high)
    mid = np.where(np.isnan(best), lo, best)
    # Figures out of order: the smallest and largest of them (fmin/fmax skip NaN).
    return np.fmin(np.fmin(lo, mid), hi), mid, np.fmax(np.fmax(lo, mid), hi)


def _floats(figures: pd.Series) -> np.ndarray:
    """A nullable integer column as floats, missing as NaN (from its mask: three times
    faster than ``to_numpy(na_value=…)`` on a million rows)."""
    values = figures.array
    if isinstance(values, pd.arrays.IntegerArray):
        floats = values._data.astype("float64")
        floats[values._mask] = np.nan
        return floats
    return figures.to_numpy(dtype="float64", na_value=np.nan)


def sum_fatalities(incidents: pd.DataFrame) -> FatalityRange:
    """The selection's deaths as a range, and how many incidents have no known toll."""
    lo, mid, hi = bound_arrays(incidents)
    return FatalityRange(
        low=int(np.nansum(lo)),
        best=int(np.nansum(mid)),
        high=int(np.nansum(hi)),
        unknown=int(np.isnan(lo).sum()),
    )


def format_incident_fatalities(low: object, best: object, high: object) -> str:
    """'38 (37–67)', '12', or 'unknown' for one incident."""
    values = [None if pd.isna(v) else int(v) for v in (low, best, high)]  # type: ignore[call-overload]
    lo, mid, hi = values
    if mid is None and lo is None and hi is None:
        return "unknown"
    given = [v for v in values if v is not None]
    if given != sorted(given) and None not in values:
        return f"low {lo}, best {mid}, high {hi} (as the source gives them, out of order)"
    lo = lo if lo is not None else (mid if mid is not None else hi)
    hi = hi if hi is not None else (mid if mid is not None else lo)
    if lo == hi:
        return f"{lo}"
    if mid is None:
        return f"{lo}–{hi}"
    return f"{mid} (range {lo}–{hi})"


def tally(incidents: pd.DataFrame, by: dict[str, pd.Series], **extra: pd.Series) -> pd.DataFrame:
    """Incidents and deaths (low / best / high) summed per group.

    Parameters
    ----------
    incidents
        The rows to count.
    by
        Output column name -> per-row value to group on (e.g. ``{"year": ...}``).
    **extra
        More per-row numbers to sum alongside (e.g. ``in_border_zone=...``).
    """
    low, best, high = incident_bounds(incidents)
    table = pd.DataFrame(
        {
            **by,
            "incidents": 1,
            "deaths_low": low,
            "deaths_best": best,
            "deaths_high": high,
            **extra,
        },
        index=incidents.index,
    )
    return (
        table.groupby(list(by), as_index=False)
        .sum(min_count=1)
        .astype({"incidents": "int64"})
        .sort_values(list(by))
        .reset_index(drop=True)
    )
