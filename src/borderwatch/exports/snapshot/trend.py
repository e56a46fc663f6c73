"""The snapshot's optional trend panel: the selection's incidents and deaths per month,
under the map, in the same colours as the page's charts (drawn with matplotlib: offline)."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from borderwatch.exports.snapshot.text import FONT_PT

#: Height of the panel on the page, in inches (the page grows by this and its labels).
TREND_PANEL_IN = 1.7
#: Room under the panel for its date labels.
TREND_LABELS_IN = 0.28
INCIDENT_COLOR = "#7a2e1f"
DEATH_COLOR = "#444444"


def draw_trend_panel(
    fig: Figure, rect_in: tuple[float, float, float, float], totals: pd.DataFrame
) -> None:
    """Incidents per month (left) and deaths per month (right, best estimate of the known
    tolls; the incidents of unknown toll are counted in its title, never as zero deaths).

    Parameters
    ----------
    fig
        The snapshot's figure.
    rect_in
        Left, bottom, width, height of the panel, in inches.
    totals
        Per month (``period``): ``incidents``, ``deaths_best``, ``unknown_tolls``
        (:func:`borderwatch.trends.trend_totals` of a monthly trend). A ``label`` in its
        ``attrs`` (a country or border zone) heads both panels.
    """
    width_in, height_in = fig.get_size_inches()
    left, bottom, width, height = rect_in
    half = (width - 0.6) / 2
    unknown = int(totals["unknown_tolls"].sum()) if len(totals) else 0
    label = str(totals.attrs.get("label", ""))
    of = f"{label}: " if label else ""
    panels = [
        (left, f"{of}Incidents per month", totals["incidents"], INCIDENT_COLOR),
        (
            left + half + 0.6,
            f"{of}Deaths per month (best estimate, known tolls)"
            + (f"\n{unknown:,} incidents of unknown toll not counted" if unknown else ""),
            totals["deaths_best"],
            DEATH_COLOR,
        ),
    ]
    for x, title, values, color in panels:
        ax = fig.add_axes((x / width_in, bottom / height_in, half / width_in, height / height_in))
        _bars(ax, totals["period"], values, color)
        ax.set_title(title, fontsize=FONT_PT, loc="left", pad=3)


def _bars(ax: Axes, months: pd.Series, values: pd.Series, color: str) -> None:
    """Monthly bars (a month wide), a whole-number y axis from 0, years on the x axis."""
    known = values.notna().to_numpy()
    # Dates as matplotlib's day numbers: a bar is then 27 days wide, whatever the span.
    days = mdates.date2num(pd.to_datetime(months).dt.to_pydatetime())[known]
    heights = values.to_numpy(dtype="float64", na_value=np.nan)[known]
    ax.bar(days, heights, width=27, align="edge", color=color, linewidth=0)
    ax.xaxis_date()
    ax.set_ylim(0, max(1.0, float(np.nanmax(heights)) if len(heights) else 1.0) * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(labelsize=FONT_PT - 1, length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
