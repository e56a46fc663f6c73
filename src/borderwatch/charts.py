"""Charts (Altair specifications; rendering is the caller's business)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd


def zone_trend_chart(by_year: pd.DataFrame, border_names: Mapping[str, str]) -> alt.Chart:
    """Incidents per year (bars, stacked by border) and deaths with their sourced range.

    ``by_year`` comes from :func:`borderwatch.border_stats.zone_counts_by_year`.
    """
    table = by_year.assign(
        border=by_year["pair"].map(lambda p: border_names.get(p, p)),
        year=by_year["year"].astype(str),
    )
    x = alt.X("year:O", title="Year (start date)")
    incidents = (
        alt.Chart(table, title="Incidents in the zone")
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("sum(incidents):Q", title="Incidents"),
            color=alt.Color("border:N", title="Border"),
            tooltip=["border", "year", "incidents"],
        )
        .properties(height=220)
    )
    yearly = table.groupby("year", as_index=False)[
        ["deaths_low", "deaths_best", "deaths_high"]
    ].sum()
    base = alt.Chart(yearly, title="Deaths in the zone (best estimate, bar = sourced range)")
    deaths = (
        base.mark_rule(strokeWidth=2, color="#7a2e1f").encode(
            x=x,
            y=alt.Y("deaths_low:Q", title="Deaths"),
            y2="deaths_high:Q",
            tooltip=["year", "deaths_low", "deaths_best", "deaths_high"],
        )
        + base.mark_point(filled=True, size=60, color="#7a2e1f").encode(
            x=x, y="deaths_best:Q", tooltip=["year", "deaths_low", "deaths_best", "deaths_high"]
        )
    ).properties(height=220)
    return alt.vconcat(incidents, deaths).resolve_scale(x="shared")
