"""Summarise many incidents into grid cells, so a map of a million events stays light.

The browser receives one circle per occupied cell instead of one per incident; the page
switches back to individual incidents once the selection is small enough (a country, a
border zone, a few years).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from borderwatch.config import settings
from borderwatch.fatalities import bound_arrays

#: Above this many placed incidents, the map draws grid cells instead of incidents.
#: The configured default (``BORDERWATCH_MAX_INDIVIDUAL_POINTS``); maps read the setting
#: when they are drawn.
MAX_INDIVIDUAL_POINTS = settings().max_individual_points


#: The grid cell sizes a map uses (degrees); the team database counts cells of each ahead.
CELL_SIZES_DEG = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


def cell_size_deg(bounds: tuple[float, float, float, float], *, cells_across: int = 60) -> float:
    """A round cell size (one of :data:`CELL_SIZES_DEG`) giving about ``cells_across`` cells
    over the view's width."""
    minx, _, maxx, _ = bounds
    raw = max(maxx - minx, 0.1) / cells_across
    candidates = np.array(CELL_SIZES_DEG)
    return float(candidates[np.argmin(np.abs(candidates - raw))])


#: Columns of :func:`grid_cells`' result.
_CELL_COLUMNS = (
    *("longitude", "latitude", "incidents", "deaths_low", "deaths_best", "deaths_high"),
    *("main_type", "first", "last"),
)
#: Above this many cells in the selection's extent, cells are numbered by sorting.
_DENSE_LIMIT = 20_000_000


def grid_cells(
    incidents: pd.DataFrame,
    *,
    cell_deg: float,
    bounds: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Placed incidents counted per ``cell_deg`` grid cell (``bounds``: the incidents'
    :func:`~borderwatch.fatalities.bound_arrays`, when the caller has them already).

    Returns
    -------
    pandas.DataFrame
        One row per occupied cell: ``longitude``/``latitude`` of the cell's incidents' mean
        position, ``incidents``, ``deaths_low``/``deaths_best``/``deaths_high``,
        ``main_type`` (the most frequent event type) and ``first``/``last`` start dates.
    """
    # Counted on numpy arrays of the few columns needed: taking rows of the table (text
    # columns and all) would cost more than the counting.
    lon = incidents["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    lat = incidents["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    placed = ~(np.isnan(lon) | np.isnan(lat))
    if not placed.any():
        return pd.DataFrame(columns=list(_CELL_COLUMNS))
    lon, lat = lon[placed], lat[placed]
    cell_x = np.floor(lon / cell_deg).astype("int64")
    cell_y = np.floor(lat / cell_deg).astype("int64")
    cell, cells = _cell_numbers(cell_x - cell_x.min(), cell_y - cell_y.min())
    count = np.bincount(cell, minlength=cells)
    sums = {
        name: np.bincount(cell, weights=np.nan_to_num(values[placed]), minlength=cells)
        for name, values in zip(
            ("deaths_low", "deaths_best", "deaths_high"),
            bound_arrays(incidents) if bounds is None else bounds,
            strict=True,
        )
    }
    first, last = _date_range_per_cell(incidents["date_start"].to_numpy()[placed], cell, count)
    return pd.DataFrame(
        {
            "longitude": np.bincount(cell, weights=lon, minlength=cells) / count,
            "latitude": np.bincount(cell, weights=lat, minlength=cells) / count,
            "incidents": count,
            **sums,
            "main_type": _most_frequent_per_cell(incidents["event_type"], placed, cell, cells),
            "first": first,
            "last": last,
        }
    )


def _cell_numbers(column: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, int]:
    """Number the occupied cells 0, 1, … in (column, row) order; return each incident's
    cell number and how many cells are occupied.

    Counted on the dense grid of the selection's extent (a few hundred thousand cells at
    most), not sorted: a million incidents in a few milliseconds.
    """
    height = int(row.max()) + 1
    dense = column * height + row
    if (int(column.max()) + 1) * height > _DENSE_LIMIT:  # a degenerate extent: sort instead
        occupied, cell = np.unique(dense, return_inverse=True)
        return cell.reshape(-1), len(occupied)
    occupied = np.bincount(dense) > 0
    number = np.cumsum(occupied) - 1
    return number[dense], int(occupied.sum())


def _date_range_per_cell(
    values: np.ndarray, cell: np.ndarray, count: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Earliest and latest date of each cell's incidents (missing dates ignored)."""
    ticks = values.astype("int64")
    known = ~np.isnat(values)
    highest, lowest = np.iinfo("int64").max, np.iinfo("int64").min
    first = np.full(len(count), highest)
    last = np.full(len(count), lowest)
    np.minimum.at(first, cell[known], ticks[known])
    np.maximum.at(last, cell[known], ticks[known])

    def as_dates(ticks: np.ndarray) -> pd.Series:
        # A cell whose dates are all missing keeps the sentinel: missing again (NaT).
        unknown = (ticks == highest) | (ticks == lowest)
        return pd.Series(np.where(unknown, lowest, ticks).astype(values.dtype))

    return as_dates(first), as_dates(last)


def _most_frequent_per_cell(
    types: pd.Series, placed: np.ndarray, cell: np.ndarray, cells: int
) -> np.ndarray:
    """Each cell's most frequent event type (ties: the first in alphabetical order)."""
    codes, names = pd.factorize(types, sort=True)
    codes = codes[placed]
    if len(names) == 0:
        return np.full(cells, None, dtype=object)
    known = codes >= 0
    tally = np.bincount(cell[known] * len(names) + codes[known], minlength=cells * len(names))
    tally = tally.reshape(cells, len(names))
    main = np.asarray(names, dtype=object)[tally.argmax(axis=1)]
    main[tally.sum(axis=1) == 0] = None
    return main
