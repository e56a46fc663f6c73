"""Trends and changes: incidents and deaths per month per country or border zone, with
cooperation arrangements marked, and what changed in the last months against the months
before, flagged by a stated test, listed and mapped."""

import functools

import pandas as pd
import streamlit as st

from borderwatch.app.trends import (
    change_csv,
    change_list,
    month_choices,
    select_changes,
    select_trends,
    snapshot_trend,
    unit_names,
)
from borderwatch.changes import (
    DEFAULT_BASELINE_MONTHS,
    DEFAULT_RECENT_MONTHS,
    UNIT_KINDS,
    ChangeWindows,
    UnitKind,
    flagged,
)
from borderwatch.charts import unit_trend_charts
from borderwatch.cooperation import arrangement_dates
from borderwatch.mapping.change_map import change_map_view
from borderwatch.trends import series_csv
from borderwatch.ui.data import data_or_stop, data_settings, shared_answer, zones
from borderwatch.ui.exports import export_panel
from borderwatch.ui.map import show_map
from borderwatch.ui.sidebar import choices
from borderwatch.ui.widgets import TEAM_COUNTS

#: Units charted when the analyst has not chosen: the busiest few.
DEFAULT_UNITS = 3

data = data_or_stop()
chosen = choices()
names = unit_names(data)
zone_km = chosen.zone_km
selection = chosen.incident_filter
source = data_settings()

st.title("Trends and changes")
st.caption(
    "Incidents and deaths per month for the sidebar's selection, per country or per border "
    f"zone ({zone_km} km either side of a border, each incident counted for its nearest "
    "border), then what changed in the last months compared with the months before."
    + (f" {TEAM_COUNTS.capitalize()}." if data.events_in_database else "")
)

st.header("Trends per month")
chosen_kind = st.radio(
    "Per",
    options=list(UNIT_KINDS),
    format_func=UNIT_KINDS.__getitem__,
    horizontal=True,
    key="trend_by",
    bind="query-params",
)
kind: UnitKind = "zone" if chosen_kind == "zone" else "country"
trends = shared_answer(
    data,
    ("trends", selection, kind, zone_km),
    lambda: select_trends(data, selection, kind=kind, zone_km=zone_km, data_settings=source),
)
options = list(trends.ranking.index)
picked: list[str] = []
if not options:
    st.info(
        "No incidents of the selection fall in a "
        + ("country" if kind == "country" else f"border zone of {zone_km} km")
        + ". Widen the filters in the sidebar, or the border-zone width.",
        icon=":material/search_off:",
    )
else:
    picked = st.multiselect(
        "Show",
        options=options,
        default=options[:DEFAULT_UNITS],
        format_func=lambda u: names.get(u, u),
        key=f"trend_{kind}",
        bind="query-params",
        placeholder="Choose countries or border zones",
        help="Listed from the most incidents in the selection to the fewest.",
    )
    st.caption(
        "Bars: incidents and deaths per month of the start date. Deaths are the best "
        "estimates of the known tolls; incidents whose toll is unknown are counted in a "
        "grey panel of their own, never as zero deaths. Vertical lines mark cooperation "
        "arrangements that concern the unit (a country's own, or a border's and those "
        "between its two states): solid green where one started, dashed grey where one "
        "ended. A mark says when, not that the arrangement caused anything."
    )
    for unit in picked:
        series = trends.of(unit)
        marks = arrangement_dates(data.geodata.cooperation, kind=kind, unit=unit)
        for chart in unit_trend_charts(series, marks, title=names.get(unit, unit)):
            st.altair_chart(chart, width="stretch")
        st.download_button(
            f"Download {names.get(unit, unit)} per month (CSV)",
            data=functools.partial(series_csv, series, unit_name=names.get(unit, unit)),
            file_name=f"borderwatch-{unit.lower()}-per-month.csv",
            mime="text/csv",
            key=f"trend_csv_{kind}_{unit}",
            icon=":material/download:",
            on_click="ignore",
        )

st.header("What changed")
months = month_choices(data)
if not months:
    st.info("There are no incidents to compare.", icon=":material/search_off:")
    st.stop()
end_col, recent_col, baseline_col = st.columns([2, 1, 1])
end = end_col.select_slider(
    "Recent window ends with",
    options=months,
    value=months[-1],
    key="change_end",
    bind="query-params",
    help="The last month of the recent window (year-month). The newest month may be incomplete.",
)
recent_months = recent_col.number_input(
    "Recent months (N)", 1, 60, DEFAULT_RECENT_MONTHS, key="change_recent", bind="query-params"
)
baseline_months = baseline_col.number_input(
    "Baseline months (M)",
    1,
    120,
    DEFAULT_BASELINE_MONTHS,
    key="change_baseline",
    bind="query-params",
    help="The months just before the recent window.",
)
windows = ChangeWindows(pd.Timestamp(f"{end}-01"), int(recent_months), int(baseline_months))
changes = shared_answer(
    data,
    ("changes", selection, windows, zone_km),
    lambda: select_changes(data, selection, windows=windows, zone_km=zone_km, data_settings=source),
)
table = changes.table
st.caption(
    f"{windows.describe()}. The sidebar's filters apply except its years and dates: the "
    "windows set the time here."
)
if changes.outside_coverage:
    st.warning(
        "Part of these windows lies outside the months the incident data covers; there the "
        "counts are unknown, not zero, and a change may be an artefact. Move the end month "
        "or shorten the windows.",
        icon=":material/warning:",
    )
counts = changes.counts
tested = counts["tested"]
rise_col, fall_col, tested_col, thin_col = st.columns(4)
rise_col.metric("Rises", counts["rise"])
fall_col.metric("Falls", counts["fall"])
tested_col.metric("Tested", tested)
thin_col.metric("Too few to tell", counts["too few"])

view = change_map_view(
    title=f"What changed: {windows.describe()}",
    filter_description=f"{selection.describe(data.country_names)}; "
    f"{windows.describe()}; border zones {zone_km} km; {changes.test.describe()}",
    table=table,
    windows=windows,
    countries=data.display_countries,
    borders=data.display_borders,
    zones=zones(zone_km),
    country_names=data.country_names,
    focus_countries=selection.countries,
)
if flagged(table).empty:
    st.info(
        "No border zone or country shows a significant rise or fall in these windows."
        + (" Most units have too few incidents to tell." if tested < counts["too few"] else ""),
        icon=":material/info:",
    )
show_map(view, key="changes-map", basemap=chosen.basemap)
snapshot_unit = st.selectbox(
    "Trend in a snapshot",
    options=[None, *picked],
    format_func=lambda u: "The whole selection" if u is None else names.get(u, u),
    key=f"snapshot_trend_{kind}",
    help='What the snapshot buttons "with the trend" draw under the map: the whole '
    "selection per month, or one of the countries or zones shown above.",
)
export_panel(
    view,
    key="changes",
    incidents=changes.incidents,
    trend=functools.partial(
        snapshot_trend, trends, snapshot_unit, name=names.get(snapshot_unit or "", "")
    ),
)
if changes.incidents is None:
    st.caption(
        "Team mode: the incidents of the windows stay in the team database, so this panel "
        "offers the map and its snapshot; the change list below has every unit's counts."
    )

st.subheader("Change list")
if table.empty:
    st.caption("No incident of the selection falls in either window.")
else:
    st.dataframe(change_list(table), hide_index=True, width="stretch")
    st.download_button(
        "Download the change list (CSV)",
        data=functools.partial(change_csv, table),
        file_name="borderwatch-what-changed.csv",
        mime="text/csv",
        key="change_csv",
        icon=":material/download:",
        on_click="ignore",
    )

st.subheader("How a change is decided, and its limits")
st.markdown(
    f"""
- **Units.** Each country (where incidents took place) and each border zone (incidents
  within {zone_km} km of a border, counted for their nearest border). Units with no incident
  in either window are not listed.
- **Test.** If incidents in a unit came at one steady rate, each of the *n* incidents in
  the two windows would fall in the recent window with the recent window's share of the time,
  *p₀* = N ÷ (N + M) = {windows.share_recent:.3f}. The recent count is then binomial (*n*,
  *p₀*): a conditional comparison of two Poisson rates. The two-sided exact binomial p-value
  says how unusual the observed split is. A unit is flagged when it has
  {changes.test.describe()}; red on the map for a rise, blue for a fall.
- **Thin data.** A unit with fewer than {changes.test.min_count} incidents in both windows
  together is not tested ("too few to tell"): one incident against none is never a flag.
- **Limits.** Only incident counts are tested; deaths are shown but not tested (one attack
  can kill dozens). Incidents cluster (a campaign, a crackdown), which makes this test flag
  more readily than it should. With {tested} units tested at {changes.test.alpha:g}, about
  {changes.expected_by_chance:.1f} flags are expected by chance alone. A change in what is
  recorded (a dataset added, curation of notable incidents only) looks the same as a change on
  the ground. The newest month may be incomplete. A flag is a reason to look, not a finding.
"""
)
