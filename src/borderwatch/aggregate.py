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
    table = pd.DataFrame(
        {
            "cell_x": np.floor(placed["longitude"].to_numpy() / cell_deg).astype("int64"),
            "cell_y": np.floor(placed["latitude"].to_numpy() / cell_deg).astype("int64"),
            "longitude": placed["longitude"].to_numpy(),
            "latitude": placed["latitude"].to_numpy(),
            "deaths_low": low.to_numpy(dtype="float64", na_value=np.nan),
            "deaths_best": best.to_numpy(dtype="float64", na_value=np.nan),
            "deaths_high": high.to_numpy(dtype="float64", na_value=np.nan),
            "event_type": placed["event_type"].to_numpy(),
            "date_start": placed["date_start"].to_numpy(),
        }
    )
    keys = ["cell_x", "cell_y"]
    cells = table.groupby(keys).agg(
        longitude=("longitude", "mean"),
        latitude=("latitude", "mean"),
        incidents=("longitude", "size"),
        deaths_low=("deaths_low", "sum"),
        deaths_best=("deaths_best", "sum"),
        deaths_high=("deaths_high", "sum"),
        first=("date_start", "min"),
        last=("date_start", "max"),
    )
    main_type = (
        table.groupby([*keys, "event_type"])
        .size()
        .reset_index(name="n")
        .sort_values("n", ascending=False)
        .drop_duplicates(keys)
        .set_index(keys)["event_type"]
    )
    cells["main_type"] = main_type
    return cells.reset_index(drop=True)
