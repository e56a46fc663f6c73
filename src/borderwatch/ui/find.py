"""Finding and focusing one incident: the search box, the ``?incident=<id>`` permalink, and
the focus shared by the map and the incidents table.

The focused incident lives in the URL (``incident``), so a copied link reopens it. Three
things set it: choosing a search hit, selecting a table row, clicking an incident on the
map. The map centres on it and opens its popup; the table selects its row.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from borderwatch.app.prepared import PreparedData
from borderwatch.search import SearchIndex, country_search_names, find_incident

#: The query parameter of the focused incident.
FOCUS_PARAM = "incident"
#: Hits listed under the search box.
HITS_SHOWN = 8
#: Shorter queries list nothing (one letter matches nearly everything).
MIN_QUERY_CHARS = 2
_LAST_MAP_CLICK = "borderwatch_last_map_click"


@st.cache_resource(show_spinner="Indexing incidents for search…", max_entries=2)
def _index(fingerprint: str, _data: PreparedData) -> SearchIndex:
    del fingerprint
    return SearchIndex(_data.incidents, country_search_names(_data.geodata.countries))


def search_index(data: PreparedData) -> SearchIndex:
    """The search index of the prepared data (built once per data layer)."""
    return _index(data.fingerprint, data)


def focused_id() -> str | None:
    """The incident in the URL's ``incident`` parameter, if any."""
    value = st.query_params.get(FOCUS_PARAM)
    return str(value) if value else None


def set_focus(incident_id: str | None) -> None:
    """Focus ``incident_id`` (``None`` clears the focus); kept in the URL."""
    if incident_id:
        st.query_params[FOCUS_PARAM] = incident_id
    elif FOCUS_PARAM in st.query_params:
        del st.query_params[FOCUS_PARAM]


def hit_label(row: pd.Series, country_names: Mapping[str, str]) -> str:
    """A search hit as one line: name · place, country · start date · id."""
    date = row["date_start"]
    day = f"{date:%Y-%m-%d}" if pd.notna(date) else "date unknown"
    country = country_names.get(row["country_iso3"], row["country_iso3"])
    return f"{row['name']} · {row['place_name']}, {country} · {day} · {row['incident_id']}"


def search_query(*, live: bool, help: str) -> str | None:
    """The "Find an incident" box (kept in the URL); the query once it is long enough to
    search, else ``None`` (with a hint when it is too short)."""
    query = st.text_input(
        "Find an incident",
        key="q",
        bind="query-params",
        type="search",
        live=live,
        placeholder="Name, place, perpetrator, words of the summary, id, or country "
        "(English, français, العربية)",
        help=help,
        icon=":material/search:",
    )
    query = (query or "").strip()
    if not query:
        return None
    if len(query) < MIN_QUERY_CHARS:
        st.caption(f"Type at least {MIN_QUERY_CHARS} characters.")
        return None
    return query


def search_box(data: PreparedData, shown: pd.DataFrame) -> None:
    """One box that finds incidents by id, name, place, actor, summary or country (any
    case, accents optional, English, French or Arabic names); lists the hits; choosing one
    focuses it. ``shown`` are the incidents the filters keep (hits outside them are marked).
    """
    query = search_query(
        live=True,
        help="Case and accents do not matter; every word must match. Choose a hit to "
        "centre the map on it and open it.",
    )
    if query is None:
        return
    result = search_index(data).search(query)
    if not result.total:
        st.caption(f"No incident matches “{query}”.")
        return
    hits = result.hits(data.incidents, limit=HITS_SHOWN)
    more = result.total - len(hits)
    st.caption(
        f"{result.total:,} incident(s) match “{query}”"
        + (f"; the first {len(hits)} are listed — add a word to narrow them." if more else ".")
    )
    visible = set(shown["incident_id"]) if len(hits) else set()
    for _, row in hits.iterrows():
        incident_id = str(row["incident_id"])
        outside = incident_id not in visible
        st.button(
            hit_label(row, data.country_names) + (" (outside the filters)" if outside else ""),
            key=f"hit-{incident_id}",
            type="tertiary",
            icon=":material/location_on:",
            on_click=set_focus,
            args=(incident_id,),
        )


def focus_notice(data: PreparedData, shown: pd.DataFrame, incident_id: str | None) -> None:
    """Say which incident is focused (with a way to clear it), or why it cannot be shown."""
    if not incident_id:
        return
    row = find_incident(data.incidents, incident_id)
    if row is None:
        st.warning(
            f"No incident has the id “{incident_id}” in the data shown (it may belong to "
            "a dataset that is hidden or deleted).",
            icon=":material/search_off:",
        )
    elif find_incident(shown, incident_id) is None:
        st.warning(
            f"“{row['name']}” ({incident_id}) is outside the current filters, so it is not "
            "on the map or in the table. Widen the filters in the sidebar to see it.",
            icon=":material/filter_alt_off:",
        )
    else:
        text, clear = st.columns([5, 1], vertical_alignment="center")
        placed = pd.notna(row.get("latitude")) and pd.notna(row.get("longitude"))
        text.markdown(
            f":material/my_location: **Showing {incident_id}** — "
            + _escape_markdown(str(row["name"]))
            + ("" if placed else " (no coordinates: not on the map)")
        )
        clear.button("Clear", key="clear-focus", on_click=set_focus, args=(None,))
        return
    st.button("Clear", key="clear-focus", on_click=set_focus, args=(None,))


def _escape_markdown(text: str) -> str:
    """Data is text, never markup: escape what Streamlit's Markdown would interpret."""
    specials = "\\`*_{}[]()<>#+-.!|~:$"
    return "".join("\\" + c if c in specials else c for c in text)


def follow_map_click(map_result: object, incident_id: str | None) -> str | None:
    """The focused incident after the map returned ``map_result`` (the id last clicked, or
    ``None``; the renderer returns it with issue 10 part A). A new click focuses the
    incident clicked; the same click seen again on a later rerun changes nothing."""
    clicked = map_result if isinstance(map_result, str) and map_result else None
    if clicked is None or clicked == st.session_state.get(_LAST_MAP_CLICK):
        return incident_id
    st.session_state[_LAST_MAP_CLICK] = clicked
    if clicked != incident_id:
        set_focus(clicked)
    return clicked
