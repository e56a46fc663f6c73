"""Small display pieces shared by pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from borderwatch.config import settings
from borderwatch.fatalities import sum_fatalities
from borderwatch.filters import IncidentFilter
from borderwatch.links import link_summary
from borderwatch.proximity import is_placed
from borderwatch.tables import incident_table

PRECISION_CAVEAT = (
    "Distances are measured from each incident's coordinate on the WGS84 ellipsoid. They "
    "are only as good as the location precision: an incident placed at a town centroid "
    "(precision 2) may be ~30 km from where it happened, one placed at the nearest town "
    "(precision 3) more."
)


def incident_counters(selected: pd.DataFrame) -> None:
    """Incidents, deaths as a range, and countries for the current selection."""
    deaths = sum_fatalities(selected)
    col_incidents, col_deaths, col_countries = st.columns(3)
    col_incidents.metric("Incidents", f"{len(selected):,}")
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
    col_countries.metric("Countries", selected["country_iso3"].nunique())


def not_placed_notice(selected: pd.DataFrame, country_names: dict[str, str]) -> None:
    """Count, and list, selected incidents that have no coordinates (never drop them)."""
    unplaced = selected[~is_placed(selected)]
    if unplaced.empty:
        st.caption(f"All {len(selected):,} selected incidents are placed on the map.")
        return
    with st.expander(f"{len(unplaced):,} incident(s) not placed: no coordinates"):
        st.caption("They count in the figures above but cannot be drawn or measured.")
        incidents_table(unplaced, country_names)


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


def incidents_table(selected: pd.DataFrame, country_names: dict[str, str]) -> None:
    """The incident table, capped for very large selections (most recent first): rows sent
    to the browser are limited by ``table_row_limit``; the exports carry everything."""
    shown, limit = selected, settings().table_row_limit
    if len(selected) > limit:
        # argsort of one column, not a sort of the whole (possibly million-row) table
        newest = selected["date_start"].to_numpy().argsort(kind="stable")[::-1]
        shown = selected.iloc[newest[:limit]]
        st.caption(
            f"Showing the {limit:,} most recent of {len(selected):,} incidents; "
            "narrow the filters, or export the data (below) for all of them."
        )
    st.dataframe(incident_table(shown, country_names), hide_index=True, width="stretch")
