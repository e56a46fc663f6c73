"""Small display pieces shared by pages."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from borderwatch.charts import incident_trend_chart, zone_trend_chart
from borderwatch.config import settings
from borderwatch.fatalities import FatalityRange, sum_fatalities
from borderwatch.filters import IncidentFilter, full_rows
from borderwatch.links import link_summary
from borderwatch.proximity import is_placed
from borderwatch.tables import incident_table, link_columns, ranking_table
from borderwatch.trends import PERIODS, Period

#: A source link in a table shows the site's name; the address opens in a new tab.
LINK_TEXT = r"https?://(?:www\.)?([^/?#]+)"

#: What team mode's figures are, for the captions of the pages that count in the database.
TEAM_COUNTS = (
    "counted in the team database (reports of one event in several datasets are counted once each)"
)
PRECISION_CAVEAT = (
    "Distances are measured from each incident's coordinate on the WGS84 ellipsoid. They "
    "are only as good as the location precision: an incident placed at a town centroid "
    "(precision 2) may be ~30 km from where it happened, one placed at the nearest town "
    "(precision 3) more."
)


def incident_counters(selected: pd.DataFrame) -> None:
    """Incidents, deaths as a range, and countries for the current selection."""
    counters_row(len(selected), sum_fatalities(selected), selected["country_iso3"].nunique())


def counters_row(incidents: int, deaths: FatalityRange, countries: int) -> None:
    """The counters of a selection, however they were counted (in memory or in SQL)."""
    col_incidents, col_deaths, col_countries = st.columns(3)
    col_incidents.metric("Incidents", f"{incidents:,}")
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
    col_countries.metric("Countries", countries)


def trend_section(trend_of: Callable[[Period], pd.DataFrame]) -> None:
    """ "Over time": the analyst picks year or month (kept in the URL); ``trend_of`` gives
    :func:`borderwatch.trends.incident_trend`'s table for that period."""
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
    st.altair_chart(incident_trend_chart(trend_of(period), period=period), width="stretch")
    st.caption(
        "By the start date of each incident. Deaths are best estimates of the incidents whose "
        "toll is known; incidents with no reported toll are counted apart, not as zero."
    )


def not_placed_notice(
    selected: pd.DataFrame,
    country_names: dict[str, str],
    *,
    what: str | None = None,
    columns_from: pd.DataFrame | None = None,
) -> None:
    """Count, and list, selected incidents that have no coordinates (never drop them).

    ``what`` names the incidents counted when they are not the ones in the counters above
    (e.g. "incidents matching the filters" on a page that counts those in a zone);
    ``columns_from`` as for :func:`incidents_table`.
    """
    unplaced = selected[~is_placed(selected)]
    if unplaced.empty:
        if what is None:
            st.caption(f"All {len(selected):,} selected incidents are placed on the map.")
        else:
            st.caption(f"All {len(selected):,} {what} have coordinates.")
        return
    with st.expander(f"{len(unplaced):,} incident(s) not placed: no coordinates"):
        st.caption("They count in the figures above but cannot be drawn or measured.")
        incidents_table(unplaced, country_names, columns_from=columns_from)


def explain_empty(
    selection: IncidentFilter, country_names: dict[str, str], *, covered_years: tuple[int, int]
) -> None:
    """Say why nothing is shown and how to get results back."""
    st.info(
        "**No incidents match these filters.**\n\n"
        f"Current filters — {selection.describe(country_names)}.\n\n"
        "Widen the year range or the border zone, add event types, or clear the country "
        f"selection in the sidebar. The incident data covers "
        f"{covered_years[0]}–{covered_years[1]}.",
        icon=":material/search_off:",
    )


def links_section(
    drawable: pd.DataFrame, off_map: pd.DataFrame, country_names: dict[str, str]
) -> None:
    """Cross-border links counted per origin → target, and any that cannot be drawn."""
    st.subheader("Cross-border links")
    if drawable.empty and off_map.empty:
        st.caption("No selected incident has a documented cross-border origin.")
        return
    st.caption(
        "Where sources document that attackers, training or weapons came from another "
        "country. Arcs start inside the origin country, not at a known staging site."
    )
    st.dataframe(
        link_summary(pd.concat([drawable, off_map]), country_names),
        hide_index=True,
        width="stretch",
    )
    if not off_map.empty:
        st.caption(
            "Not drawn (origin outside the map): "
            + "; ".join(
                f"{country_names.get(r.origin_iso3, r.origin_iso3)} → {r.incident_name}"
                for r in off_map.itertuples()
            )
        )


def zone_year_section(
    by_year: pd.DataFrame,
    border_names: Mapping[str, str],
    *,
    width_km: float,
    years: tuple[int, int] | None,
) -> None:
    """Incidents and deaths per year in a border zone
    (:func:`borderwatch.border_stats.zone_counts_by_year`' columns), unknown tolls apart."""
    st.subheader(f"Per year in the {width_km} km zone")
    if by_year.empty:
        st.info("No incidents in this zone with the current filters.", icon=":material/info:")
        return
    st.altair_chart(zone_trend_chart(by_year, border_names, years=years), width="stretch")
    unknown_tolls = int(by_year["unknown_tolls"].sum())
    if unknown_tolls:
        st.caption(
            f"{unknown_tolls:,} incident(s) in the zone have no reported toll: they are "
            "counted as incidents, and left out of the deaths (unknown, not zero)."
        )


def zone_ranking_section(ranking: pd.DataFrame) -> None:
    """Borders ranked by incidents in their zone
    (:func:`borderwatch.border_stats.ranking_from_counts`)."""
    st.subheader("Borders ranked by incidents in their zone")
    data_table(ranking_table(ranking), placeholder="unknown")
    st.caption(
        "Deaths are the sourced range of the incidents whose toll is known; where every toll "
        "in a zone is unknown they read “unknown”, not 0."
    )


def data_table(
    table: pd.DataFrame,
    *,
    placeholder: str = "",
    key: str | None = None,
    on_select: Callable[[], None] | None = None,
    selected_row: int | None = None,
) -> None:
    """A table with readable empty cells and its ``Link n`` columns as links (site name
    shown, opened in a new tab); other text stays text. With ``key`` and ``on_select``, one
    row can be selected (``selected_row`` at first)."""
    config = {
        column: st.column_config.LinkColumn(
            column, display_text=LINK_TEXT, help="A cited source; opens in a new tab."
        )
        for column in link_columns(table)
    }
    if key is None or on_select is None:
        st.dataframe(
            table, hide_index=True, width="stretch", column_config=config, placeholder=placeholder
        )
        return
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=config,
        placeholder=placeholder,
        key=key,
        on_select=on_select,
        selection_mode="single-row",
        selection_default=None
        if selected_row is None
        else {"selection": {"rows": [selected_row], "columns": [], "cells": []}},
    )


def _on_row_selected(
    key: str, ids: tuple[str, ...], on_focus: Callable[[str | None], None]
) -> None:
    rows = st.session_state[key].selection.rows
    on_focus(ids[rows[0]] if rows else None)


def incidents_table(
    selected: pd.DataFrame,
    country_names: dict[str, str],
    *,
    key: str | None = None,
    focused: str | None = None,
    on_focus: Callable[[str | None], None] | None = None,
    columns_from: pd.DataFrame | None = None,
) -> None:
    """The incident table, capped for very large selections (most recent first): rows sent
    to the browser are limited by ``table_row_limit``; the exports carry everything.

    With ``key`` and ``on_focus``, one row can be selected: selecting it calls ``on_focus``
    with its id (``None`` when cleared), and the ``focused`` incident's row is selected
    (the table is keyed by it, so a focus set elsewhere selects the row). ``selected`` may
    hold a few columns (:func:`borderwatch.filters.rows_to_draw`): the shown rows' other
    columns are then taken from ``columns_from``."""
    shown, limit = selected, settings().table_row_limit
    if len(selected) > limit:
        # argsort of one column, not a sort of the whole (possibly million-row) table
        newest = selected["date_start"].to_numpy().argsort(kind="stable")[::-1]
        shown = selected.iloc[newest[:limit]]
        if focused is not None and focused not in set(shown["incident_id"]):
            # Keep the focused incident's row in the table, first.
            shown = pd.concat([selected[selected["incident_id"] == focused], shown])
        st.caption(
            f"Showing the {limit:,} most recent of {len(selected):,} incidents; "
            "narrow the filters, or export the data (below) for all of them."
        )
    if columns_from is not None:
        shown = full_rows(columns_from, shown)
    table = incident_table(shown, country_names)
    if key is None or on_focus is None:
        data_table(table, placeholder="unknown")
        return
    ids = tuple(str(i) for i in shown["incident_id"])
    row_key = f"{key}-{focused or 'none'}"
    data_table(
        table,
        placeholder="unknown",
        key=row_key,
        on_select=functools.partial(_on_row_selected, row_key, ids, on_focus),
        selected_row=ids.index(focused) if focused in ids else None,
    )
