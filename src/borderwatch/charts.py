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


def arrangement_timeline(
    arrangements: pd.DataFrame,
    *,
    year: int,
    view_end: pd.Timestamp,
    kind_labels: Mapping[str, str],
    kind_colors: Mapping[str, str],
) -> alt.Chart:
    """One bar per arrangement from its start to its end, or to ``view_end`` when it is
    ongoing (solid) or its end is unknown (faded; say so in the caption). A rule marks
    ``year``."""
    table = pd.DataFrame(
        {
            "name": arrangements["name"],
            "start": arrangements["date_start"],
            "end": arrangements["date_end"].fillna(view_end),
            "kind": arrangements["kind"].map(kind_labels),
            "status": arrangements["end_status"].map(
                {"ongoing": "ongoing", "ended": "ended", "unknown": "end not known"}
            ),
            "parties": arrangements["parties"].map(", ".join),
        }
    )
    table["opacity"] = (table["status"] == "end not known").map({True: 0.35, False: 1.0})
    kinds = [kind_labels[k] for k in kind_colors if k in set(arrangements["kind"])]
    colors = [kind_colors[k] for k in kind_colors if k in set(arrangements["kind"])]
    bars = (
        alt.Chart(table)
        .mark_bar(height=10)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y")),
            x2="end:T",
            y=alt.Y(
                "name:N",
                sort=alt.SortField("start"),
                title=None,
                axis=alt.Axis(
                    labelLimit=380, labelOverlap=False, labelFontSize=11, labelColor="#333"
                ),
            ),
            color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=colors), title="Kind"),
            opacity=alt.Opacity("opacity:Q", scale=None, legend=None),
            tooltip=[
                "name",
                "kind",
                "parties",
                alt.Tooltip("start:T", format="%Y-%m-%d"),
                alt.Tooltip("end:T", format="%Y-%m-%d"),
                "status",
            ],
        )
    )
    marker = (
        alt.Chart(pd.DataFrame({"at": [pd.Timestamp(year=year, month=7, day=1)]}))
        .mark_rule(color="#c0001a", strokeWidth=2)
        .encode(x="at:T")
    )
    return (bars + marker).properties(height=alt.Step(18))


def before_after_chart(by_year: pd.DataFrame, *, start: pd.Timestamp, title: str) -> alt.Chart:
    """Incidents per year (bars) and deaths with their range, the start date marked."""
    table = by_year.assign(
        year_start=pd.to_datetime(by_year["year"].astype(str) + "-01-01"),
        year_end=pd.to_datetime(by_year["year"].astype(str) + "-12-31"),
    )
    x = alt.X("year_start:T", title="Year", axis=alt.Axis(format="%Y"))
    bars = (
        alt.Chart(table, title=title)
        .mark_bar(opacity=0.8, color="#7a2e1f")
        .encode(
            x=x,
            x2="year_end:T",
            y=alt.Y("incidents:Q", title="Incidents in the zone"),
            tooltip=["year", "incidents", "deaths_low", "deaths_best", "deaths_high"],
        )
    )
    marker = (
        alt.Chart(pd.DataFrame({"at": [start], "label": [f"started {start:%Y-%m-%d}"]}))
        .mark_rule(color="#1b7837", strokeWidth=3, strokeDash=[6, 3])
        .encode(x="at:T", tooltip=["label"])
    )
    return (bars + marker).properties(height=240)


def security_trend_chart(table: pd.DataFrame, country_names: Mapping[str, str]) -> alt.Chart:
    """Incidents per year by country (bars) and the share in border zones (points)."""
    data = table.assign(country=table["country_iso3"].map(lambda c: country_names.get(c, c)))
    x = alt.X("year:O", title="Year (start date)")
    bars = (
        alt.Chart(data, title="Incidents per year")
        .mark_bar()
        .encode(
            x=x,
            xOffset="country:N",
            y=alt.Y("incidents:Q", title="Incidents"),
            color=alt.Color("country:N", title="Country"),
            tooltip=[
                "country",
                "year",
                "incidents",
                "deaths_low",
                "deaths_best",
                "deaths_high",
                "in_border_zone",
                alt.Tooltip("border_share:Q", format=".0%"),
            ],
        )
        .properties(height=220)
    )
    share = (
        alt.Chart(data, title="Share of incidents within the border zone")
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "border_share:Q",
                title="Share",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("country:N", title="Country"),
            tooltip=["country", "year", "in_border_zone", "incidents"],
        )
        .properties(height=160)
    )
    return alt.vconcat(bars, share).resolve_scale(x="shared")


def capability_chart(
    capabilities: pd.DataFrame, *, indicator: str, title: str, country_names: Mapping[str, str]
) -> alt.Chart:
    """Known figures of one indicator: a point per country and year, a bar for a range.
    Unknown figures are not drawn (the table beside says "unknown")."""
    known = capabilities[
        (capabilities["indicator"] == indicator) & capabilities["value_low"].notna()
    ]
    data = known.assign(
        country=known["country_iso3"].map(lambda c: country_names.get(c, c)),
        mid=(known["value_low"] + known["value_high"]) / 2,
    )
    base = alt.Chart(data, title=title)
    encoding = {
        "x": alt.X("year:O", title="Year"),
        "color": alt.Color("country:N", title="Country"),
        "tooltip": ["country", "year", "value_low", "value_high", "verified", "source"],
    }
    return (
        base.mark_rule(strokeWidth=4).encode(y="value_low:Q", y2="value_high:Q", **encoding)
        + base.mark_point(filled=True, size=80).encode(
            y=alt.Y("mid:Q", title=title),
            shape=alt.Shape("verified:N", title="Verified"),
            **encoding,
        )
    ).properties(height=240)
