"""Hand a map view to Streamlit: one st_folium call, data layers updated in place."""

from __future__ import annotations

import re

import streamlit as st

from borderwatch.mapping.folium_map import base_map, data_layers
from borderwatch.mapping.layers import ID_MARK
from borderwatch.mapping.view import MapView
from borderwatch.ui.folium_component import BaseCache, component_arguments, draw, prepare_base

MAP_HEIGHT_PX = 620
_RETURNED = ["last_object_clicked_tooltip"]
#: Base maps rendered once (countries, borders, labels: the same for every selection).
_BASES = BaseCache()
#: The map's anchor, the skip link's target.
MAP_ANCHOR = "bw-map"

_CLICKED_ID = re.compile(re.escape(ID_MARK) + r"(\S+)\s*$")


#: Pages whose main content is a map (url paths; "" is the root).
MAP_PAGES = frozenset({"", "incidents", "map", "border", "coop", "factors", "changes"})

_SKIP_LINK = f"""
<style>
.bw-skip {{ position: absolute; left: -10000px; top: 0; }}
.bw-skip:focus {{ position: static; display: inline-block; padding: 4px 8px;
  background: #1f4e79; color: #fff !important; border-radius: 4px; }}
</style>
<a class="bw-skip" href="#{MAP_ANCHOR}">Skip to the map</a>
"""


def skip_link() -> None:
    """A link, first in the page's main content and shown when focused, that moves the
    keyboard to the map (the next Tab lands on the map itself)."""
    st.markdown(_SKIP_LINK, unsafe_allow_html=True)


def clicked_incident_id(tooltip: str | None) -> str | None:
    """The incident id carried by a clicked object's tooltip text, or ``None`` when the
    object was not an incident (a country, a border, a cell)."""
    if not tooltip:
        return None
    found = _CLICKED_ID.search(tooltip)
    return found.group(1) if found else None


def show_map(
    view: MapView, *, key: str, basemap: str = "offline", height: int = MAP_HEIGHT_PX
) -> str | None:
    """Draw ``view``; return the ``incident_id`` the analyst last clicked on it, or ``None``.

    The base map (countries, borders, legend box) is the same for every selection of a page,
    so Streamlit keeps its iframe; the data layers are swapped in place. Pan and zoom stay
    unless none of the new selection is in view; ``view.focus`` centres on an incident and
    opens its popup. Only a click on an object reruns the page (the returned value changes),
    never panning or zooming. The id is kept while the incident stays in the view.
    """
    st.markdown(f'<div id="{MAP_ANCHOR}" tabindex="-1"></div>', unsafe_allow_html=True)
    base = _BASES.get(
        (view.countries, view.borders),
        (basemap, view.attribution),
        lambda: prepare_base(base_map(view, basemap=basemap), _RETURNED),
    )
    arguments = component_arguments(
        base, key=key, data_layers=data_layers(view), height=height, returned_objects=_RETURNED
    )
    result = draw(arguments, key=key)
    remembered = f"_bw_clicked_{key}"
    clicked = clicked_incident_id((result or {}).get("last_object_clicked_tooltip"))
    if clicked is not None:
        st.session_state[remembered] = clicked
    last = st.session_state.get(remembered)
    if last is None or view.incidents is None or "incident_id" not in view.incidents:
        return None
    return str(last) if (view.incidents["incident_id"].astype(str) == str(last)).any() else None
