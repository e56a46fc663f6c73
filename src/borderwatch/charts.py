"""Charts (Altair specifications; rendering is the caller's business)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import altair as alt
import pandas as pd

from borderwatch.mapping.style import EVENT_COLORS
from borderwatch.schemas import EVENT_TYPES
from borderwatch.trends import complete_years, trend_totals


def count_axis(title: str, values: Iterable[float] = ()) -> alt.Y:
    """A y-axis of counts: whole numbers only (a one-incident chart reads 0, 1), starting at
    0, never a flat 0–0 scale."""
    top = max([float(v) for v in values if pd.notna(v)] + [1.0])
    return alt.Y(
        title=title,
        axis=alt.Axis(format="d", tickMinStep=1),
        scale=alt.Scale(domain=[0, top], nice=True),
    )


def _year_axis(years: Iterable[int], title: str = "Year (start date)") -> alt.X:
    """An ordinal year axis listing every year, those without incidents too."""
    return alt.X(
        "year:O",
        title=title,
        scale=alt.Scale(domain=[str(y) for y in years]),
        axis=alt.Axis(labelAngle=0),
    )


def zone_trend_chart(
    by_year: pd.DataFrame,
    border_names: Mapping[str, str],
    *,
    years: tuple[int, int] | None = None,
) -> alt.Chart:
    """Incidents per year (bars, stacked by border) and deaths with their sourced range.

    ``by_year`` comes from :func:`borderwatch.border_stats.zone_counts_by_year`. Every year
    from the first to the last (or of ``years``, if wider) is on the axis; deaths are drawn
    only where some toll is known, and the incidents whose toll is unknown are counted in
    the tooltip.
    """
    table = by_year.assign(
        border=by_year["pair"].map(lambda p: border_names.get(p, p)),
        year=by_year["year"].astype(str),
    )
    x = _year_axis(complete_years(by_year["year"], years))
    totals = table.groupby("year", as_index=False)["incidents"].sum()
    incidents = (
        alt.Chart(table, title="Incidents in the zone")
        .mark_bar()
        .encode(
            x=x,
            y=count_axis("Incidents", totals["incidents"]).field("incidents").aggregate("sum"),
            color=alt.Color("border:N", title="Border"),
            tooltip=["border", "year", "incidents"],
        )
        .properties(height=220)
    )
    yearly = _known_deaths_per_year(table)
    tooltip = [
        "year",
        alt.Tooltip("deaths_low:Q", title="deaths (low)"),
        alt.Tooltip("deaths_best:Q", title="deaths (best)"),
        alt.Tooltip("deaths_high:Q", title="deaths (high)"),
        alt.Tooltip("unknown_tolls:Q", title="incidents with unknown toll"),
    ]
    base = alt.Chart(
        yearly, title="Deaths in the zone (best estimate, bar = sourced range; known tolls)"
    )
    deaths = (
        base.mark_rule(strokeWidth=2, color="#7a2e1f").encode(
            x=x,
            y=count_axis("Deaths", yearly["deaths_high"]).field("deaths_low").type("quantitative"),
            y2="deaths_high:Q",
            tooltip=tooltip,
        )
        + base.mark_point(filled=True, size=60, color="#7a2e1f").encode(
            x=x, y="deaths_best:Q", tooltip=tooltip
        )
    ).properties(height=220)
    return alt.vconcat(incidents, deaths).resolve_scale(x="shared")


def _known_deaths_per_year(table: pd.DataFrame) -> pd.DataFrame:
    """Deaths (low, best, high) per year over the incidents whose toll is known, and the
    incidents whose toll is unknown; years with no known toll are left out."""
    unknown = (
        table["unknown_tolls"] if "unknown_tolls" in table else pd.Series(0, index=table.index)
    )
    yearly = (
        table.assign(unknown_tolls=unknown)
        .groupby("year", as_index=False)
        .agg(
            deaths_low=("deaths_low", _known_sum),
            deaths_best=("deaths_best", _known_sum),
            deaths_high=("deaths_high", _known_sum),
            unknown_tolls=("unknown_tolls", "sum"),
        )
    )
    return yearly[yearly["deaths_best"].notna()]


def _known_sum(values: pd.Series) -> object:
    return values.sum(min_count=1)


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
    """Incidents per year (bars, one per year of the window, empty years too) with the
    start date marked where it falls in its year. Years run on a numeric axis with one tick
    per year, so no year is labelled twice."""
    table = by_year.assign(
        incidents=by_year["incidents"].fillna(0).astype(int),
        left=by_year["year"].astype(float) - 0.45,
        right=by_year["year"].astype(float) + 0.45,
    )
    first, last = int(by_year["year"].min()), int(by_year["year"].max())
    x = alt.X(
        "left:Q",
        title="Year",
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False, zero=False),
        axis=alt.Axis(format="d", values=list(range(first, last + 1)), grid=False),
    )
    bars = (
        alt.Chart(table, title=title)
        .mark_bar(opacity=0.8, color="#7a2e1f")
        .encode(
            x=x,
            x2="right:Q",
            y=count_axis("Incidents in the zone", table["incidents"])
            .field("incidents")
            .type("quantitative"),
            tooltip=[
                alt.Tooltip("year:O", title="year"),
                "incidents",
                "deaths_low",
                "deaths_best",
                "deaths_high",
            ],
        )
    )
    # The start as a fraction of its year, on the same axis as the bars (centred on years).
    at = start.year - 0.5 + (start.day_of_year - 1) / (366 if start.is_leap_year else 365)
    marker = (
        alt.Chart(pd.DataFrame({"at": [at], "label": [f"started {start:%Y-%m-%d}"]}))
        .mark_rule(color="#1b7837", strokeWidth=3, strokeDash=[6, 3])
        .encode(x="at:Q", tooltip=["label"])
    )
    return (bars + marker).properties(height=240)


def security_trend_chart(
    table: pd.DataFrame,
    country_names: Mapping[str, str],
    *,
    years: tuple[int, int] | None = None,
) -> alt.Chart:
    """Incidents per year by country (bars) and the share in border zones (points, joined
    only between consecutive years with incidents). Every year is on the axis."""
    data = table.assign(
        country=table["country_iso3"].map(lambda c: country_names.get(c, c)),
        segment=_runs(table),
    )
    x = _year_axis(complete_years(table["year"], years))
    bars = (
        alt.Chart(data, title="Incidents per year")
        .mark_bar()
        .encode(
            x=x,
            xOffset="country:N",
            y=count_axis("Incidents", data["incidents"]).field("incidents").type("quantitative"),
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
            detail="segment:N",
            tooltip=["country", "year", "in_border_zone", "incidents"],
        )
        .properties(height=160)
    )
    return alt.vconcat(bars, share).resolve_scale(x="shared")


def _runs(table: pd.DataFrame) -> pd.Series:
    """Per row, an id shared by the consecutive years of one country: a line joins only
    years next to each other, never across a year with no data."""
    years = table["year"].astype(int)
    order = table.sort_values(["country_iso3", "year"]).index
    ordered = years.loc[order]
    country = table.loc[order, "country_iso3"]
    breaks = (ordered.diff() != 1) | (country != country.shift())
    runs = breaks.cumsum().astype(str)
    return (country + "-" + runs).reindex(table.index)


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
        "tooltip": [
            "country",
            "year",
            "value_low",
            "value_high",
            "release",
            "price_basis",
            "verification",
            "source",
        ],
    }
    return (
        base.mark_rule(strokeWidth=4).encode(y="value_low:Q", y2="value_high:Q", **encoding)
        + base.mark_point(filled=True, size=80).encode(
            y=alt.Y("mid:Q", title=title),
            shape=alt.Shape("verified:N", title="Verified"),
            **encoding,
        )
    ).properties(height=240)


def _period_axis(trend: pd.DataFrame, monthly: bool) -> alt.X:
    """The time axis of a trend by month or year."""
    unit = "yearmonth" if monthly else "year"
    # An explicit extent (first period to the end of the last): a single period still has
    # its full width, and periods without incidents keep their place.
    first = pd.Timestamp(trend["period"].min()) if len(trend) else pd.Timestamp("2011-01-01")
    last = pd.Timestamp(trend["period"].max()) if len(trend) else first
    end = last + (pd.DateOffset(months=1) if monthly else pd.DateOffset(years=1))
    return alt.X(
        f"{unit}(period):T",
        title="Month (start date)" if monthly else "Year (start date)",
        axis=alt.Axis(format="%b %Y" if monthly else "%Y", tickCount="year", labelAngle=0),
        scale=alt.Scale(domain=[first.isoformat(), end.isoformat()]),
    )


def _type_colours(trend: pd.DataFrame) -> alt.Color:
    """Event types in the map's colours, so a type reads the same on the map, its legend
    and the chart."""
    present = [k for k in EVENT_TYPES if k in set(trend["event_type"].dropna())]
    return alt.Color(
        "type_label:N",
        title="Event type",
        legend=alt.Legend(orient="bottom", columns=3, labelLimit=220),
        scale=alt.Scale(
            domain=[EVENT_TYPES[k] for k in present],
            range=[EVENT_COLORS.get(k, "#777777") for k in present],
        ),
    )


def incident_trend_chart(trend: pd.DataFrame, *, period: str) -> alt.VConcatChart:
    """Incidents and deaths per period by event type (:func:`borderwatch.trends.incident_trend`),
    and the incidents whose toll is unknown, apart: unknown is never drawn as zero deaths."""
    monthly = period == "month"
    unit = "yearmonth" if monthly else "year"
    x = _period_axis(trend, monthly)
    totals = trend_totals(trend)
    color = _type_colours(trend)
    when = alt.Tooltip(f"{unit}(period):T", title="period", format="%B %Y" if monthly else "%Y")
    rows = trend[trend["incidents"] > 0]
    incidents = (
        alt.Chart(rows, title="Incidents")
        .mark_bar()
        .encode(
            x=x,
            y=count_axis("Incidents", totals["incidents"]).field("incidents").type("quantitative"),
            color=color,
            tooltip=[when, alt.Tooltip("type_label:N", title="type"), "incidents"],
        )
        .properties(height=180)
    )
    known = rows[rows["deaths_best"].notna()]
    deaths = (
        alt.Chart(known, title="Deaths (best estimate, known tolls only)")
        .mark_bar()
        .encode(
            x=x,
            y=count_axis("Deaths", totals["deaths_best"]).field("deaths_best").type("quantitative"),
            color=color,
            tooltip=[
                when,
                alt.Tooltip("type_label:N", title="type"),
                alt.Tooltip("deaths_best:Q", title="deaths (best)"),
                alt.Tooltip("deaths_low:Q", title="low"),
                alt.Tooltip("deaths_high:Q", title="high"),
            ],
        )
        .properties(height=180)
    )
    unknown_rows = totals[totals["unknown_tolls"] > 0]
    if unknown_rows.empty:  # every toll known: no empty panel
        return alt.vconcat(incidents, deaths).resolve_scale(x="shared")
    unknown = (
        alt.Chart(unknown_rows, title="Incidents whose toll is unknown")
        .mark_bar(color="#9a9a9a")
        .encode(
            x=x,
            y=count_axis("Incidents", unknown_rows["unknown_tolls"])
            .field("unknown_tolls")
            .type("quantitative"),
            tooltip=[when, alt.Tooltip("unknown_tolls:Q", title="incidents, toll unknown")],
        )
        .properties(height=70)
    )
    return alt.vconcat(incidents, deaths, unknown).resolve_scale(x="shared")


#: Arrangement marks on a time axis: a start is a solid green rule, a known end a dashed
#: grey one (green as the Cooperation page's "started" marker).
MARK_STYLES = {"start": ("#1b7837", None), "end": ("#6b6b6b", [5, 3])}


def _arrangement_rules(
    marks: pd.DataFrame, first: pd.Timestamp, end: pd.Timestamp, *, legend: bool
) -> alt.Chart:
    """Vertical rules at the arrangement dates that fall between ``first`` and ``end``."""
    shown = marks[(marks["date"] >= first) & (marks["date"] < end)].assign(
        what=lambda t: t["event"].map({"start": "started", "end": "ended"}),
    )
    return (
        alt.Chart(shown)
        .mark_rule(strokeWidth=2, opacity=0.7)
        .encode(
            x=alt.X("date:T"),
            color=alt.Color(
                "what:N",
                title="Arrangement",
                scale=alt.Scale(
                    domain=["started", "ended"],
                    range=[MARK_STYLES["start"][0], MARK_STYLES["end"][0]],
                ),
                legend=alt.Legend(orient="top", direction="horizontal", titleOrient="left")
                if legend
                else None,
            ),
            strokeDash=alt.StrokeDash(
                "what:N",
                scale=alt.Scale(domain=["started", "ended"], range=[[1, 0], [5, 3]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("name:N", title="arrangement"),
                alt.Tooltip("what:N", title=" "),
                alt.Tooltip("date:T", title="on", format="%Y-%m-%d"),
            ],
        )
    )


#: Room for the y axis of every trend panel, in pixels: the same for all, so the panels'
#: time axes line up when drawn one under another.
AXIS_EXTENT_PX = 48


def _aligned_counts(title: str, field: str, values: pd.Series) -> alt.Y:
    """A count axis (whole numbers from 0) taking :data:`AXIS_EXTENT_PX` whatever its
    labels, so panels drawn one under another line up."""
    top = max([float(v) for v in values if pd.notna(v)] + [1.0])
    return alt.Y(
        f"{field}:Q",
        title=title,
        axis=alt.Axis(
            format="d", tickMinStep=1, minExtent=AXIS_EXTENT_PX, maxExtent=AXIS_EXTENT_PX
        ),
        scale=alt.Scale(domain=[0, top], nice=True),
    )


def _monthly_bars(
    rows: pd.DataFrame, *, title: str, field: str, axis: str, color: str, x: alt.X
) -> alt.Chart:
    """Bars of ``field`` per month, with its figures (and a death range) in the tooltip."""
    tooltip = [alt.Tooltip("yearmonth(month):T", title="month", format="%B %Y")]
    tooltip.append(alt.Tooltip(f"{field}:Q", title=axis.lower()))
    if field == "deaths_best":
        tooltip += [
            alt.Tooltip("deaths_low:Q", title="low"),
            alt.Tooltip("deaths_high:Q", title="high"),
        ]
    return (
        alt.Chart(rows, title=title)
        .mark_bar(color=color)
        .encode(x=x, y=_aligned_counts(axis, field, rows[field]), tooltip=tooltip)
    )


def unit_trend_charts(
    series: pd.DataFrame, marks: pd.DataFrame, *, title: str
) -> list[alt.LayerChart | alt.FacetChart]:
    """One unit's incidents and deaths per month, with its arrangements' start and end dates
    marked, and the incidents whose toll is unknown in a panel of their own (when any).

    Separate charts, one under another, rather than one concatenated chart: a single
    (layered) chart stretches to the page's width, a concatenated one does not. Their y axes
    take the same room and their time axes the same domain, so months line up.

    Parameters
    ----------
    series
        The unit's rows of :func:`borderwatch.trends.unit_monthly_trend` (every month).
    marks
        :func:`borderwatch.cooperation.arrangement_dates` for the unit; only dates within
        the series' months are drawn.
    title
        The unit's name, at the top.
    """
    first = pd.Timestamp(series["month"].min())
    end = pd.Timestamp(series["month"].max()) + pd.DateOffset(months=1)
    x = alt.X(
        "yearmonth(month):T",
        title=None,
        axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0),
        scale=alt.Scale(domain=[first.isoformat(), end.isoformat()]),
    )
    marked = bool(((marks["date"] >= first) & (marks["date"] < end)).any())
    note = "" if marked else " · no arrangement concerning it starts or ends in these years"
    incidents = _monthly_bars(
        series,
        title=f"{title}: incidents per month (start date){note}",
        field="incidents",
        axis="Incidents",
        color="#7a2e1f",
        x=x,
    )
    deaths = _monthly_bars(
        series[series["deaths_best"].notna()],
        title=f"{title}: deaths per month (best estimate, known tolls only)",
        field="deaths_best",
        axis="Deaths",
        color="#444444",
        x=x,
    )
    charts: list[alt.LayerChart | alt.FacetChart] = [
        alt.layer(_arrangement_rules(marks, first, end, legend=marked), incidents, height=260),
        alt.layer(_arrangement_rules(marks, first, end, legend=False), deaths, height=210),
    ]
    unknown = series[series["unknown_tolls"] > 0]
    if not unknown.empty:
        bars = _monthly_bars(
            unknown,
            title=f"{title}: incidents of unknown toll",
            field="unknown_tolls",
            axis="Incidents",
            color="#9a9a9a",
            x=x,
        )
        charts.append(alt.layer(bars, height=150))
    return charts
