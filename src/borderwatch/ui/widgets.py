"""Small display pieces shared by pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from borderwatch.fatalities import sum_fatalities
from borderwatch.filters import IncidentFilter


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


def explain_empty(
    selection: IncidentFilter, country_names: dict[str, str], *, covered_years: tuple[int, int]
) -> None:
    """Say why nothing is shown and how to get results back."""
    st.info(
        "**No incidents match these filters.**\n\n"
        f"Current filters — {selection.describe(country_names)}.\n\n"
        "Widen the year range, add event types, or clear the country selection in the "
        f"sidebar. The incident data covers {covered_years[0]}–{covered_years[1]}.",
        icon=":material/search_off:",
    )
