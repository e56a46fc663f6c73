"""Summarise many incidents into grid cells, so a map of a million events stays light.

The browser receives one circle per occupied cell instead of one per incident; the page
switches back to individual incidents once the selection is small enough (a country, a
border zone, a few years).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from borderwatch.config import settings
from borderwatch.fatalities import incident_bounds

#: Above this many placed incidents, the map draws grid cells instead of incidents.
#: The configured default (``BORDERWATCH_MAX_INDIVIDUAL_POINTS``); maps read the setting
#: when they are drawn.
MAX_INDIVIDUAL_POINTS = settings().max_individual_points


def cell_size_deg(bounds: tuple[float, float, float, float], *, cells_across: int = 60) -> float:
    """A round cell size giving about ``cells_across`` cells over the view's width."""
    minx, _, maxx, _ = bounds
    raw = max(maxx - minx, 0.1) / cells_across
    candidates = np.array([0.05, 0.1, 0.25, 0.5, 1.0, 2.0])
    return float(candidates[np.argmin(np.abs(candidates - raw))])


#: The columns grid cells are made from: taking rows of every (text) column of a
#: million-row table would cost seconds.
_COUNTED = (
    *("longitude", "latitude", "event_type", "date_start"),
    *("fatalities_low", "fatalities_best", "fatalities_high"),
)


def grid_cells(incidents: pd.DataFrame, *, cell_deg: float) -> pd.DataFrame:
    """Placed incidents counted per ``cell_deg`` grid cell.

    Returns
    -------
    pandas.DataFrame
        One row per occupied cell: ``longitude``/``latitude`` of the cell's incidents' mean
        position, ``incidents``, ``deaths_low``/``deaths_best``/``deaths_high``,
        ``main_type`` (the most frequent event type) and ``first``/``last`` start dates.
    """
    placed = incidents[list(_COUNTED)].dropna(subset=["longitude", "latitude"])
    if placed.empty:
        return pd.DataFrame(
            columns=[
                "longitude",
                "latitude",
                "incidents",
                "deaths_low",
                "deaths_best",
                "deaths_high",
                "main_type",
                "first",
                "last",
            ]
        )
    low, best, high = incident_bounds(placed)
    lon = placed["longitude"].to_numpy(dtype="float64")
    lat = placed["latitude"].to_numpy(dtype="float64")
    cell_x = np.floor(lon / cell_deg).astype("int64")
    cell_y = np.floor(lat / cell_deg).astype("int64")
    # One integer per cell, ordered as (cell_x, cell_y): counted with numpy, not groupby
    # (a million rows in a tenth of the time).
    height = int(cell_y.max() - cell_y.min()) + 1
    cells, cell = np.unique(
        (cell_x - cell_x.min()) * height + (cell_y - cell_y.min()), return_inverse=True
    )
    cell = cell.reshape(-1)
    count = np.bincount(cell, minlength=len(cells))
    sums = {
        name: np.bincount(cell, weights=np.nan_to_num(values), minlength=len(cells))
        for name, values in (
            ("deaths_low", low.to_numpy(dtype="float64", na_value=np.nan)),
            ("deaths_best", best.to_numpy(dtype="float64", na_value=np.nan)),
            ("deaths_high", high.to_numpy(dtype="float64", na_value=np.nan)),
        )
    }
    first, last = _date_range_per_cell(placed["date_start"], cell, count)
    return pd.DataFrame(
        {
            "longitude": np.bincount(cell, weights=lon, minlength=len(cells)) / count,
            "latitude": np.bincount(cell, weights=lat, minlength=len(cells)) / count,
            "incidents": count,
            **sums,
            "main_type": _most_frequent_per_cell(placed["event_type"], cell, len(cells)),
            "first": first,
            "last": last,
        }
    )


def _date_range_per_cell(
    dates: pd.Series, cell: np.ndarray, count: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Earliest and latest date of each cell's incidents (missing dates ignored)."""
    values = dates.to_numpy()
    ticks = values.astype("int64")
    missing = np.isnat(values)
    order = np.argsort(cell, kind="stable")
    starts = np.r_[0, np.cumsum(count)[:-1]]
    sorted_ticks, sorted_missing = ticks[order], missing[order]
    highest, lowest = np.iinfo("int64").max, np.iinfo("int64").min
    first = np.minimum.reduceat(np.where(sorted_missing, highest, sorted_ticks), starts)
    last = np.maximum.reduceat(np.where(sorted_missing, lowest, sorted_ticks), starts)

    def as_dates(ticks: np.ndarray) -> pd.Series:
        # A cell whose dates are all missing keeps the sentinel: missing again (NaT).
        unknown = (ticks == highest) | (ticks == lowest)
        return pd.Series(np.where(unknown, lowest, ticks).astype(values.dtype))

    return as_dates(first), as_dates(last)


def _most_frequent_per_cell(types: pd.Series, cell: np.ndarray, cells: int) -> np.ndarray:
    """Each cell's most frequent event type (ties: the first in alphabetical order)."""
    codes, names = pd.factorize(types, sort=True)
    if len(names) == 0:
        return np.full(cells, None, dtype=object)
    known = codes >= 0
    tally = np.bincount(cell[known] * len(names) + codes[known], minlength=cells * len(names))
    tally = tally.reshape(cells, len(names))
    main = np.asarray(names, dtype=object)[tally.argmax(axis=1)]
    main[tally.sum(axis=1) == 0] = None
    return main
