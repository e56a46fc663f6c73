"""The sidebar every page shares: incident filters, border zone, layers; kept in the URL.

Each widget is bound to a query parameter (``bind="query-params"``), so a copied link
reopens the same view. Streamlit writes bound multiselects with their display labels:
``?country=Algeria&country=Tunisia&years=2013&years=2016&type=Bombing&near_border=true``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from borderwatch.config import settings
from borderwatch.filters import IncidentFilter
from borderwatch.schemas import EVENT_TYPES
from borderwatch.ui.data import PreparedData
from borderwatch.zones import ZONE_KM_RANGE

STATE_KEY = "borderwatch_sidebar"
BASEMAP_LABELS = {
    "offline": "Offline (bundled borders)",
    "openstreetmap": "OpenStreetMap tiles (online)",
}


@dataclass(frozen=True)
class SidebarChoices:
    """What the analyst chose in the shared sidebar on this run."""

    incident_filter: IncidentFilter
    zone_km: int
    show_zones: bool
    show_links: bool
    basemap: str


def _country_options(data: PreparedData) -> list[str]:
    names = data.country_names
    focus = data.geodata.countries.loc[data.geodata.countries["focus"], "iso3"]
    return sorted(set(data.incident_countries) | set(focus), key=lambda c: names.get(c, c))


def _incident_filter_widgets(data: PreparedData) -> tuple[IncidentFilter, int]:
    """The filter widgets; returns the filter and the zone width."""
    names = data.country_names
    first, last = data.incident_years
    st.header("Filters")
    chosen_countries = st.multiselect(
        "Countries",
        options=_country_options(data),
        format_func=lambda c: names.get(c, c),
        key="country",
        bind="query-params",
        placeholder="All countries",
        help="Incidents: the country where they took place. Cooperation: arrangements "
        "with one of these countries among their parties. Empty means all.",
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
    zone_km = st.slider(
        "Border zone width (km)",
        min_value=ZONE_KM_RANGE[0],
        max_value=ZONE_KM_RANGE[1],
        value=settings().default_zone_km,
        step=5,
        key="zone_km",
        bind="query-params",
        help="Distance either side of an international land border, measured on the "
        "WGS84 ellipsoid. A distance is only as good as the incident's location "
        "precision: one placed at a town centroid may be up to ~30 km off.",
    )
    near_border = st.toggle(
        "Only incidents within the border zone", key="near_border", bind="query-params"
    )
    selection = IncidentFilter(
        countries=tuple(chosen_countries),
        years=(int(years[0]), int(years[1])),
        event_types=tuple(chosen_types),
        border_zone_km=float(zone_km) if near_border else None,
    )
    return selection, int(zone_km)


def _layer_widgets() -> tuple[bool, bool, str]:
    """The layer widgets; returns (zones shown, links shown, basemap)."""
    st.header("Layers")
    show_zones = st.toggle("Draw border zones", key="zones", bind="query-params")
    show_links = st.toggle(
        "Show cross-border links",
        key="links",
        bind="query-params",
        help="Arcs from the country attackers, training or weapons came from (as "
        "documented) to the incident.",
    )
    basemap = st.radio(
        "Basemap",
        options=list(BASEMAP_LABELS),
        format_func=BASEMAP_LABELS.__getitem__,
        key="basemap",
        bind="query-params",
        help="The offline basemap needs no network. OpenStreetMap tiles are fetched "
        "from the internet by your browser; use them only where that is allowed.",
    )
    return bool(show_zones), bool(show_links), str(basemap)


def render_sidebar(data: PreparedData) -> None:
    """Draw the shared controls and remember the choices for the pages."""
    with st.sidebar:
        selection, zone_km = _incident_filter_widgets(data)
        show_zones, show_links, basemap = _layer_widgets()
    st.session_state[STATE_KEY] = SidebarChoices(
        incident_filter=selection,
        zone_km=zone_km,
        show_zones=show_zones,
        show_links=show_links,
        basemap=basemap,
    )


def choices() -> SidebarChoices:
    """The sidebar choices of this run (defaults if the sidebar has not run)."""
    return st.session_state.get(
        STATE_KEY,
        SidebarChoices(IncidentFilter(), settings().default_zone_km, False, False, "offline"),
    )
