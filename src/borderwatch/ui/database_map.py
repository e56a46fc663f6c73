"""The Incident map in team mode: every figure, row and cell asked of the database.

The page's answers come from :func:`borderwatch.app.selection.select` (SQL there); this
module only caches nothing, draws them, and says where team mode does less than the
embedded mode (data files carry at most ``export_row_limit`` rows, fetched when a file is
made; links, those of the newest ``table_row_limit`` incidents naming an origin).
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import streamlit as st

from borderwatch.app.selection import (
    Counters,
    CrossBorderLinks,
    DatabaseSelection,
    IncidentMapAnswers,
    TableRows,
    database_selection,
    incident_map_answers,
    incidents_by_id,
    search_database,
    select,
)
from borderwatch.config import settings
from borderwatch.fatalities import FatalityRange
from borderwatch.filters import IncidentFilter
from borderwatch.mapping.playback import Frames, Step
from borderwatch.mapping.view import MapView
from borderwatch.search import country_search_names, focus_for
from borderwatch.store import empty_incidents
from borderwatch.ui.data import PreparedData, data_settings, shared_answer, zones
from borderwatch.ui.exports import FetchedRows, export_panel
from borderwatch.ui.find import (
    HITS_SHOWN,
    focused_id,
    follow_map_click,
    hit_label,
    search_query,
    set_focus,
)
from borderwatch.ui.map import show_map
from borderwatch.ui.playback import FramesMaker, Played, played_views
from borderwatch.ui.sidebar import SidebarChoices
from borderwatch.ui.widgets import (
    PRECISION_CAVEAT,
    TEAM_COUNTS,
    counters_row,
    explain_empty,
    incidents_table,
    links_section,
    trend_section,
)

TITLE = "Security incidents along North Africa's borders"


def counters(counted: Counters) -> None:
    """Incidents, deaths as a range, and countries, as the embedded page shows them."""
    deaths = FatalityRange(
        low=counted.deaths_low,
        best=counted.deaths_best,
        high=counted.deaths_high,
        unknown=counted.unknown_deaths,
    )
    counters_row(counted.incidents, deaths, counted.countries)


def search_box(data: PreparedData, selection: IncidentFilter) -> None:
    """The search box of the embedded page, answered by the database."""
    query = search_query(
        live=False,
        help="Case and accents do not matter; every word must match. Press Enter to search "
        "(the team database reads every incident's text, so not at each key). Choose a hit "
        "to centre the map on it and open it.",
    )
    if query is None:
        return
    from borderwatch.team.db.query import SearchTooSlowError

    chosen = data_settings()
    try:
        hits = search_database(
            chosen, query, country_search_names(data.geodata.countries), limit=HITS_SHOWN
        )
    except SearchTooSlowError as error:
        st.warning(
            f"Searching for “{query}”: {error}. Add a word, or type an incident's id, to "
            "make it quicker.",
            icon=":material/timer_off:",
        )
        return
    if not hits.total:
        st.caption(f"No incident matches “{query}”.")
        return
    more = hits.total - len(hits.rows)
    st.caption(
        f"{hits.total:,} incident(s) match “{query}”"
        + (f"; the first {len(hits.rows)} are listed — add a word to narrow them." if more else ".")
    )
    inside = incidents_by_id(chosen, hits.rows["incident_id"], selection)
    visible = set(inside["incident_id"])
    for _, row in hits.rows.iterrows():
        incident_id = str(row["incident_id"])
        outside = " (outside the filters)" if incident_id not in visible else ""
        st.button(
            hit_label(row, data.country_names) + outside,
            key=f"hit-{incident_id}",
            type="tertiary",
            icon=":material/location_on:",
            on_click=set_focus,
            args=(incident_id,),
        )


def _focused_row(selection: IncidentFilter, incident_id: str | None) -> gpd.GeoDataFrame:
    """The focused incident if the selection keeps it (no row otherwise); says why not."""
    if not incident_id:
        return empty_incidents()
    chosen = data_settings()
    row = incidents_by_id(chosen, [incident_id], selection)
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


def _database(data: PreparedData, selection: IncidentFilter) -> DatabaseSelection:
    """The team database's answers about ``selection`` (this module is team mode only)."""
    chosen = database_selection(data, selection, data_settings())
    assert chosen is not None, "the team-mode pages need a database"
    return chosen


def page_answers(data: PreparedData, selection: IncidentFilter) -> IncidentMapAnswers:
    """The Incident map's answers about ``selection``, counted in the team database once
    per process and selection (:func:`borderwatch.app.selection.incident_map_answers`)."""
    chosen = data_settings()
    config = settings()
    return shared_answer(
        data,
        ("incident map", selection, config.max_individual_points, config.table_row_limit),
        lambda: incident_map_answers(
            select(data, selection, chosen),
            data.display_countries,
            max_points=config.max_individual_points,
            table_limit=config.table_row_limit,
        ),
    )


def fetched_rows(data: PreparedData, selection: IncidentFilter, total: int) -> FetchedRows:
    """The data files' rows of ``selection`` (``total`` incidents): the newest
    ``export_row_limit``, fetched from the database when a file is made."""
    limit = settings().export_row_limit
    chosen = _database(data, selection)
    return FetchedRows(
        total=total,
        limit=limit,
        fetch=chosen.newest,
        datasets=chosen.dataset_rows,
    )


def export_rows(
    data: PreparedData, selection: IncidentFilter, total: int, played: Played
) -> FetchedRows:
    """The data files' rows, fetched when a file is made: the selection's (``total``
    incidents, as its counters say), or when playing the picked frame's (every incident
    with a day in its window, placed or not)."""
    if played.window is None:
        return fetched_rows(data, selection, total)
    first, last = (day.date() for day in played.window)
    if selection.dates is not None:
        first, last = max(first, selection.dates[0]), min(last, selection.dates[1])
    framed = replace(selection, dates=(first, last))
    chosen = _database(data, framed)
    count = shared_answer(data, ("count", framed), lambda: chosen.counters().incidents)
    return fetched_rows(data, framed, count)


def frames_maker(data: PreparedData, selection: IncidentFilter, view: MapView) -> FramesMaker:
    """Playback frames of ``selection``, made in the team database once per process for a
    step and a window (:meth:`borderwatch.app.selection.DatabaseSelection.playback_frames`)."""
    chosen = _database(data, selection)
    max_points = settings().playback_max_points

    def frames_of(step: Step, window: int) -> tuple[Frames, gpd.GeoDataFrame | None]:
        return shared_answer(
            data,
            ("playback", selection, step, window, view.bounds, max_points),
            lambda: chosen.playback_frames(
                step=step, window=window, bounds=view.bounds, max_points=max_points
            ),
        )

    return frames_of


def _map_view(
    data: PreparedData,
    chosen: SidebarChoices,
    answers: IncidentMapAnswers,
    focused_rows: gpd.GeoDataFrame,
    links: CrossBorderLinks | None = None,
) -> MapView:
    """The map's view: the placed incidents, or the database's grid cells when many."""
    rows = answers.map_rows
    focus = None
    if not focused_rows.empty:
        focus = focus_for(focused_rows, str(focused_rows["incident_id"].iloc[0]))
    return MapView(
        title=TITLE,
        filter_description=chosen.incident_filter.describe(data.country_names),
        countries=data.display_countries,
        borders=data.display_borders,
        bounds=answers.bounds,
        country_names=data.country_names,
        incidents=rows.incidents if rows.incidents is not None else empty_incidents(),
        zones=zones(chosen.zone_km) if chosen.show_zones else None,
        focus=focus,
        cells=rows.cells,
        cell_deg=rows.cell_deg,
        country_counts=answers.per_country,
        links=links.drawable if links is not None else None,
    )


def links_of(data: PreparedData, selection: IncidentFilter) -> CrossBorderLinks:
    """The cross-border links of ``selection``'s newest ``table_row_limit`` incidents that
    name an origin, asked of the database once per process and selection."""
    limit = settings().table_row_limit
    chosen = _database(data, selection)
    return shared_answer(
        data, ("links", selection, limit), lambda: chosen.links(data.anchors, limit=limit)
    )


def links_part(data: PreparedData, links: CrossBorderLinks | None) -> None:
    """The links section, saying when it lists only the newest incidents' links."""
    if links is None:
        return
    links_section(links.drawable, links.off_map, data.country_names)
    if links.capped:
        st.caption(
            f"Links of the {links.listed:,} newest of the {links.total:,} selected incidents "
            "that name an origin country; narrow the filters to see the others."
        )


def table_section(
    data: PreparedData, table: TableRows, *, key: str | None = None, focused: str | None = None
) -> None:
    """The newest rows of a selection, saying when they are not all of it; with ``key``, a
    row selected focuses the map on it (and ``focused`` is the row selected)."""
    if table.capped:
        st.caption(
            f"Showing the {len(table.rows):,} newest of {table.total:,} incidents; narrow the "
            "filters to see the others here."
        )
    if key is None:
        incidents_table(table.rows, data.country_names)
        return
    st.caption(
        "Select a row to show that incident on the map; click one on the map to select it here."
    )
    incidents_table(table.rows, data.country_names, key=key, focused=focused, on_focus=set_focus)


def database_incident_map(data: PreparedData, chosen: SidebarChoices) -> None:
    """The whole Incident map page in team mode (see the module docstring)."""
    selection = chosen.incident_filter
    st.title("Incidents along North Africa's borders")
    st.caption(
        f"{selection.describe(data.country_names)}. Circles are coloured by event type and "
        "sized by deaths; click one for what happened, how precisely it is placed, and who "
        f"reported it. {TEAM_COUNTS.capitalize()}."
    )
    search_box(data, selection)
    focused = focused_id()
    focused_rows = _focused_row(selection, focused)
    answers = page_answers(data, selection)
    counted = answers.counters
    counters(counted)
    if not counted.incidents:
        explain_empty(selection, data.country_names, covered_years=data.incident_years)
        st.stop()
    links = links_of(data, selection) if chosen.show_links else None
    view = _map_view(data, chosen, answers, focused_rows, links)
    played = played_views(view, frames_of=frames_maker(data, selection, view))
    shown = show_map(played.map_view, key="incident-map", basemap=chosen.basemap)
    focused = follow_map_click(shown, focused)
    unplaced = counted.incidents - counted.placed
    st.caption(
        f"{unplaced:,} selected incident(s) have no coordinates: they count in the figures "
        "above but cannot be drawn."
        if unplaced
        else f"All {counted.incidents:,} selected incidents are placed on the map."
    )
    if selection.border_zone_km is not None or chosen.show_zones:
        st.caption(PRECISION_CAVEAT)
    trend_section(answers.trends.__getitem__)
    st.subheader("Filtered incidents")
    table_section(data, answers.table, key="incident-table", focused=focused)
    links_part(data, links)
    rows = export_rows(data, selection, counted.incidents, played)
    export_panel(played.export_view, key="incidents", incidents=rows)
