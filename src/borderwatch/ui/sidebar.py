"""The sidebar every page shares: incident filters and the basemap choice, kept in the URL.

Each widget is bound to a query parameter (``bind="query-params"``), so a copied link
reopens the same view. Streamlit writes bound multiselects with their display labels:
``?country=Algeria&country=Tunisia&years=2013&years=2016&type=Bombing``.
"""

from __future__ import annotations

import streamlit as st

from borderwatch.filters import IncidentFilter, year_span
from borderwatch.loading import GeoData
from borderwatch.schemas import EVENT_TYPES

FILTER_STATE_KEY = "borderwatch_incident_filter"
BASEMAP_LABELS = {
    "offline": "Offline (bundled borders)",
    "openstreetmap": "OpenStreetMap tiles (online)",
}


def render_sidebar(geodata: GeoData) -> None:
    """Draw the shared filters and remember the resulting selection for the pages."""
    names = geodata.country_names()
    countries = sorted(
        set(geodata.incidents["country_iso3"])
        | set(geodata.countries.loc[geodata.countries["focus"], "iso3"]),
        key=lambda c: names.get(c, c),
    )
    first, last = year_span(geodata.incidents)
    with st.sidebar:
        st.header("Filters")
        chosen_countries = st.multiselect(
            "Countries",
            options=countries,
            format_func=lambda c: names.get(c, c),
            key="country",
            bind="query-params",
            placeholder="All countries",
            help="Country where the incident took place. Empty means all.",
        )
        years = st.slider(
            "Years",
            min_value=first,
            max_value=last,
            value=(first, last),
            key="years",
            bind="query-params",
            help="An incident counts if any of its days falls in these years.",
        )
        chosen_types = st.multiselect(
            "Event types",
            options=list(EVENT_TYPES),
            format_func=EVENT_TYPES.__getitem__,
            key="type",
            bind="query-params",
            placeholder="All event types",
        )
        st.divider()
        st.radio(
            "Basemap",
            options=list(BASEMAP_LABELS),
            format_func=BASEMAP_LABELS.__getitem__,
            key="basemap",
            bind="query-params",
            help="The offline basemap needs no network. OpenStreetMap tiles are fetched "
            "from the internet by your browser; use them only where that is allowed.",
        )
    st.session_state[FILTER_STATE_KEY] = IncidentFilter(
        countries=tuple(chosen_countries),
        years=(int(years[0]), int(years[1])),
        event_types=tuple(chosen_types),
    )


def current_filter() -> IncidentFilter:
    """The selection made in the sidebar on this run."""
    return st.session_state.get(FILTER_STATE_KEY, IncidentFilter())


def current_basemap() -> str:
    return st.session_state.get("basemap", "offline")
