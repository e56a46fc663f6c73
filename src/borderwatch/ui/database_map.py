"""The Incident map in team mode: every figure, row and cell asked of the database.

The page's answers come from :func:`borderwatch.app.selection.select` (SQL there); this
module only caches nothing, draws them, and says where team mode does less than the
embedded mode (playback and cross-border links, which need every selected row in memory;
data files, which carry the table's rows).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch.aggregate import cell_size_deg
from borderwatch.app.selection import (
    Counters,
    Selection,
    TableRows,
    incidents_by_id,
    search_database,
    select,
)
from borderwatch.charts import incident_trend_chart
from borderwatch.config import settings
from borderwatch.fatalities import FatalityRange
from borderwatch.mapping.view import MapView
from borderwatch.search import country_search_names, focus_for
from borderwatch.store import empty_incidents
from borderwatch.trends import PERIODS, Period
from borderwatch.ui.data import PreparedData, data_settings, zones
from borderwatch.ui.exports import export_panel
from borderwatch.ui.find import (
    HITS_SHOWN,
    MIN_QUERY_CHARS,
    focused_id,
    follow_map_click,
    set_focus,
)
from borderwatch.ui.map import show_map
from borderwatch.ui.sidebar import SidebarChoices
from borderwatch.ui.widgets import PRECISION_CAVEAT, explain_empty, incidents_table

TITLE = "Security incidents along North Africa's borders"


def counters(counted: Counters) -> None:
    """Incidents, deaths as a range, and countries, as the embedded page shows them."""
    deaths = FatalityRange(
        low=counted.deaths_low,
        best=counted.deaths_best,
        high=counted.deaths_high,
        unknown=counted.unknown_deaths,
    )
    col_incidents, col_deaths, col_countries = st.columns(3)
    col_incidents.metric("Incidents", f"{counted.incidents:,}")
    col_deaths.metric(
        "Deaths (sourced range)",
        deaths.label(),
        help=f"Best estimates sum to {deaths.best:,}. "
        + (
            f"{deaths.unknown} incident(s) have no reported toll and are not counted."
            if deaths.unknown
            else "Every selected incident has a reported toll."
        ),
    )
    col_countries.metric("Countries", counted.countries)


def _hit_label(row: pd.Series, names: dict[str, str]) -> str:
    date = row["date_start"]
    day = f"{date:%Y-%m-%d}" if pd.notna(date) else "date unknown"
    country = names.get(row["country_iso3"], row["country_iso3"])
    return f"{row['name']} · {row['place_name']}, {country} · {day} · {row['incident_id']}"


def search_box(data: PreparedData, answers: Selection) -> None:
    """The search box of the embedded page, answered by the database."""
    query = st.text_input(
        "Find an incident",
        key="q",
        bind="query-params",
        type="search",
        live=True,
        placeholder="Name, place, perpetrator, words of the summary, id, or country "
        "(English, français, العربية)",
        help="Case and accents do not matter; every word must match. Choose a hit to "
        "centre the map on it and open it.",
        icon=":material/search:",
    )
    query = (query or "").strip()
    if not query:
        return
    if len(query) < MIN_QUERY_CHARS:
        st.caption(f"Type at least {MIN_QUERY_CHARS} characters.")
        return
    chosen = data_settings()
    hits = search_database(
        chosen, query, country_search_names(data.geodata.countries), limit=HITS_SHOWN
    )
    if not hits.total:
        st.caption(f"No incident matches “{query}”.")
        return
    more = hits.total - len(hits.rows)
    st.caption(
        f"{hits.total:,} incident(s) match “{query}”"
        + (f"; the first {len(hits.rows)} are listed — add a word to narrow them." if more else ".")
    )
    inside = incidents_by_id(chosen, hits.rows["incident_id"], answers.selection)
    visible = set(inside["incident_id"])
    for _, row in hits.rows.iterrows():
        incident_id = str(row["incident_id"])
        outside = " (outside the filters)" if incident_id not in visible else ""
        st.button(
            _hit_label(row, data.country_names) + outside,
            key=f"hit-{incident_id}",
            type="tertiary",
            icon=":material/location_on:",
            on_click=set_focus,
            args=(incident_id,),
        )


def _focused_row(answers: Selection, incident_id: str | None) -> gpd.GeoDataFrame:
    """The focused incident if the selection keeps it (no row otherwise); says why not."""
    if not incident_id:
        return empty_incidents()
    chosen = data_settings()
    row = incidents_by_id(chosen, [incident_id], answers.selection)
    if row.empty:
        anywhere = incidents_by_id(chosen, [incident_id])
        st.warning(
            f"“{anywhere['name'].iloc[0]}” ({incident_id}) is outside the current filters, so "
            "it is not on the map or in the table. Widen the filters in the sidebar to see it."
            if not anywhere.empty
            else f"No incident has the id “{incident_id}” in the data shown (it may belong "
            "to a dataset that is hidden or deleted).",
            icon=":material/search_off:",
        )
        st.button("Clear", key="clear-focus", on_click=set_focus, args=(None,))
    else:
        text, clear = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f":material/my_location: **Showing {incident_id}**")
        clear.button("Clear", key="clear-focus", on_click=set_focus, args=(None,))
    return row


def _map_view(data: PreparedData, chosen: SidebarChoices, answers: Selection, focused_rows):
    """The map's view: the placed incidents, or the database's grid cells when many."""
    bounds = answers.bounds(data.display_countries)
    rows = answers.map_rows(
        max_points=settings().max_individual_points, cell_deg=cell_size_deg(bounds)
    )
    return MapView(
        title=TITLE,
        filter_description=chosen.incident_filter.describe(data.country_names),
        countries=data.display_countries,
        borders=data.display_borders,
        bounds=bounds,
        country_names=data.country_names,
        incidents=rows.incidents if rows.incidents is not None else empty_incidents(),
        zones=zones(chosen.zone_km) if chosen.show_zones else None,
        focus=focus_for(focused_rows, focused_rows["incident_id"].iloc[0])
        if not focused_rows.empty
        else None,
        cells=rows.cells,
        cell_deg=rows.cell_deg,
        country_counts=answers.per_country(),
    )


def _trend(answers: Selection) -> None:
    st.subheader("Over time")
    picked = st.segmented_control(
        "Count per",
        options=list(PERIODS),
        format_func=PERIODS.__getitem__,
        default="year",
        required=True,
        key="trend",
        bind="query-params",
    )
    period: Period = "month" if picked == "month" else "year"
    st.altair_chart(incident_trend_chart(answers.trend(period), period=period), width="stretch")
    st.caption(
        "By the start date of each incident. Deaths are best estimates of the incidents whose "
        "toll is known; incidents with no reported toll are counted apart, not as zero."
    )


def _table(data: PreparedData, table: TableRows, focused: str | None) -> None:
    st.subheader("Filtered incidents")
    if table.capped:
        st.caption(
            f"Showing the {len(table.rows):,} newest of {table.total:,} incidents; narrow the "
            "filters to see the others here."
        )
    st.caption(
        "Select a row to show that incident on the map; click one on the map to select it here."
    )
    incidents_table(
        table.rows, data.country_names, key="incident-table", focused=focused, on_focus=set_focus
    )


def database_incident_map(data: PreparedData, chosen: SidebarChoices) -> None:
    """The whole Incident map page in team mode (see the module docstring)."""
    selection = chosen.incident_filter
    answers = select(data, selection, data_settings())
    st.title("Incidents along North Africa's borders")
    st.caption(
        f"{selection.describe(data.country_names)}. Circles are coloured by event type and "
        "sized by deaths; click one for what happened, how precisely it is placed, and who "
        "reported it. Counted in the team database (reports of one event in several "
        "datasets are counted once each)."
    )
    search_box(data, answers)
    focused = focused_id()
    focused_rows = _focused_row(answers, focused)
    counted = answers.counters()
    counters(counted)
    if not counted.incidents:
        explain_empty(selection, data.country_names, covered_years=data.incident_years)
        st.stop()
    view = _map_view(data, chosen, answers, focused_rows)
    focused = follow_map_click(show_map(view, key="incident-map", basemap=chosen.basemap), focused)
    unplaced = counted.incidents - counted.placed
    st.caption(
        f"{unplaced:,} selected incident(s) have no coordinates: they count in the figures "
        "above but cannot be drawn."
        if unplaced
        else f"All {counted.incidents:,} selected incidents are placed on the map."
    )
    if selection.border_zone_km is not None or chosen.show_zones:
        st.caption(PRECISION_CAVEAT)
    st.caption(
        "Team mode: playback and cross-border links are not offered on this page yet (they "
        "need every selected incident in the app's memory)."
    )
    _trend(answers)
    table = answers.table(settings().table_row_limit)
    _table(data, table, focused)
    if table.capped:
        st.caption(
            f"Team mode: the data files below carry the {len(table.rows):,} newest incidents "
            "of the table, not the whole selection; narrow the filters to export all of them."
        )
    export_panel(view, key="incidents", incidents=table.rows)
