"""The sidebar every page shares: incident filters, border zone, layers; kept in the URL.

Each widget is bound to a query parameter (``bind="query-params"``), so a copied link
reopens the same view. Streamlit writes bound multiselects with their display labels:
``?country=Algeria&country=Tunisia&years=2013&years=2016&type=Bombing&near_border=true``.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

import streamlit as st

from borderwatch.config import settings
from borderwatch.filters import IncidentFilter, dataset_label
from borderwatch.schemas import CURATED_DATASET, EVENT_TYPES
from borderwatch.ui.data import PreparedData
from borderwatch.ui.share import copy_link_button
from borderwatch.zones import ZONE_KM_RANGE

STATE_KEY = "borderwatch_sidebar"
#: Short labels of the location precision codes (the sidebar and the URL use them).
PRECISION_LABELS = {1: "1 · the site", 2: "2 · town", 3: "3 · nearest town", 4: "4 · region"}
#: Query parameters of the "More filters" widgets: the section opens when one is set.
MORE_FILTER_KEYS = (
    "dates",
    "actor",
    "min_deaths",
    "unknown_toll",
    "precision",
    "dataset",
    "two_sources",
)
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
    return _more_filters(data, selection), int(zone_km)


@st.cache_resource(max_entries=2)
def _datasets(fingerprint: str, _data: PreparedData) -> list[str]:
    # Once per prepared data: the unique values of a million-row column.
    del fingerprint
    if "dataset" not in _data.incidents:
        return [CURATED_DATASET]
    found = set(_data.incidents["dataset"].dropna().unique()) | set(_data.database_datasets)
    return sorted(found, key=lambda d: (d != CURATED_DATASET, d))


def _toll_widgets() -> tuple[int | None, bool]:
    """At least N deaths, and whether incidents with an unknown toll are kept."""
    min_deaths = st.number_input(
        "At least this many deaths",
        min_value=0,
        value=None,
        step=1,
        key="min_deaths",
        bind="query-params",
        placeholder="any toll",
        help="Compared with each incident's best estimate of deaths.",
    )
    unknown = st.toggle(
        "Keep incidents whose toll is unknown",
        value=True,
        key="unknown_toll",
        bind="query-params",
        help="An unknown toll is not zero: with a minimum set, keep or drop incidents "
        "that report no death figure.",
    )
    return (None if min_deaths is None else int(min_deaths)), bool(unknown)


def _more_filters(data: PreparedData, selection: IncidentFilter) -> IncidentFilter:
    """Dates to the day, perpetrator, deaths, location precision, dataset, verification."""
    first, last = data.incident_years
    span = (datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    opened = any(key in st.query_params for key in MORE_FILTER_KEYS)
    with st.expander("More filters", expanded=opened, icon=":material/tune:"):
        dates, actor = _date_and_actor_widgets(span)
        min_deaths, unknown = _toll_widgets()
        precisions, datasets, two_sources = _record_widgets(data)
    chosen_dates = tuple(dates) if isinstance(dates, (tuple, list)) else ()
    return dataclasses.replace(
        selection,
        dates=(chosen_dates[0], chosen_dates[1])
        if len(chosen_dates) == 2 and tuple(chosen_dates) != span
        else None,
        actor=str(actor or ""),
        min_deaths=min_deaths,
        unknown_deaths=unknown,
        precisions=tuple(int(p) for p in precisions),
        datasets=tuple(datasets),
        two_sources_only=bool(two_sources),
    )


def _date_and_actor_widgets(span: tuple[datetime.date, datetime.date]) -> tuple[object, str]:
    """The day-range and perpetrator widgets; returns their raw values."""
    dates = st.date_input(
        "Dates",
        value=span,
        min_value=span[0],
        max_value=span[1],
        format="YYYY-MM-DD",
        key="dates",
        bind="query-params",
        help="An incident counts if any of its days falls in this range (and in the years above).",
    )
    actor = st.text_input(
        "Perpetrator / actor contains",
        key="actor",
        bind="query-params",
        placeholder="e.g. AQIM, Okba Ibn Nafaa",
        help="Part of the perpetrator as recorded, any case, accents optional.",
    )
    return dates, str(actor or "")


def _record_widgets(data: PreparedData) -> tuple[list, list, bool]:
    """Location precision, dataset and verification widgets; returns their values."""
    precisions = st.multiselect(
        "Location precision",
        options=list(PRECISION_LABELS),
        format_func=PRECISION_LABELS.__getitem__,
        key="precision",
        bind="query-params",
        placeholder="Any precision",
        help="How precisely incidents are placed (see Data & sources). Incidents "
        "without coordinates have none.",
    )
    datasets = st.multiselect(
        "Datasets",
        options=_datasets(data.fingerprint, data),
        format_func=dataset_label,
        key="dataset",
        bind="query-params",
        placeholder="All datasets",
    )
    two_sources = st.toggle(
        "Verified by two sources only",
        key="two_sources",
        bind="query-params",
        help="Curated incidents whose verification is 'two sources'. Incidents "
        "without a verification status (imports) are left out.",
    )
    return precisions, datasets, bool(two_sources)


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
        copy_link_button()
        st.caption("The link keeps this page's filters and choices.")
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
