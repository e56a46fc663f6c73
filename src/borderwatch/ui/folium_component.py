"""streamlit-folium's ``st_folium``, with the base map prepared once instead of every run.

``st_folium`` renders the whole folium map to strings on every script run: about 0.2–0.5 s
for the country shapes, borders and labels of a base map that does not change with the
filters. :func:`prepare_base` does that work once per base map (the caller caches it) and
:func:`draw` sends the same component arguments ``st_folium`` would, with only the data
layers rendered per run. ``tests/test_folium_component.py`` checks that the arguments
equal ``st_folium``'s for the pinned streamlit-folium, so an upgrade that changes them
fails loudly.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import folium
import folium.elements
import streamlit_folium as sf

from borderwatch.mapping.assets import walk


@dataclass
class PreparedBase:
    """A base map rendered to what streamlit-folium's front end receives."""

    folium_map: folium.Map
    script: str
    header: str
    html: str
    map_id: str
    defaults: dict[str, Any]
    css_links: list[str]
    js_links: list[str]
    # Adding a data layer attaches it to the map object: one run at a time.
    lock: threading.Lock = field(default_factory=threading.Lock)


def _links(elements: Iterable[object]) -> tuple[list[str], list[str]]:
    css: list[str] = []
    js: list[str] = []
    for element in elements:
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue  # as st_folium: only these declare their files
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return css, js


def prepare_base(folium_map: folium.Map, returned_objects: list[str]) -> PreparedBase:
    """Render ``folium_map`` as ``st_folium`` does (root, map, html, header, script)."""
    folium_map.get_root().render()
    folium_map.render()
    html = sf._get_html(folium_map)
    header = sf._get_header(folium_map)
    script = sf._get_map_string(folium_map)
    southwest, northeast = folium_map.get_bounds()
    defaults = {
        "last_object_clicked_tooltip": None,
        "bounds": {
            "_southWest": {"lat": southwest[0], "lng": southwest[1]},
            "_northEast": {"lat": northeast[0], "lng": northeast[1]},
        },
        "zoom": folium_map.options.get("zoom"),
    }
    css, js = _links(walk(folium_map))
    return PreparedBase(
        folium_map=folium_map,
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(folium_map),
        defaults={k: v for k, v in defaults.items() if k in returned_objects},
        css_links=css,
        js_links=js,
    )


def component_arguments(
    base: PreparedBase,
    *,
    key: str,
    data_layers: folium.FeatureGroup,
    height: int,
    returned_objects: list[str],
) -> dict[str, Any]:
    """The keyword arguments ``st_folium(base map, feature_group_to_add=data_layers, …)``
    gives streamlit-folium's component, computed from the prepared base."""
    with base.lock:
        layers = sf._get_feature_group_string(data_layers, map=base.folium_map, idx=0)
    css, js = _links(walk(data_layers))
    return {
        "script": base.script,
        "header": base.header,
        "html": base.html,
        "id": base.map_id,
        "key": sf.generate_js_hash(base.script, key, False),
        "height": height,
        "width": None,
        "returned_objects": returned_objects,
        "default": base.defaults,
        "zoom": None,
        "center": None,
        "feature_group": layers,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": list(dict.fromkeys(base.css_links + css)),
        "js_links": list(dict.fromkeys(base.js_links + js)),
        "wrap_longitude": False,
    }


class BaseCache:
    """Prepared base maps, at most ``size``, keyed by the objects they were drawn from.

    A base map is drawn from the prepared data's country and border frames, which live as
    long as the prepared data; an entry holds them weakly and counts only while they are
    the very same objects, so new data never meets an old base map.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple[list[weakref.ref], PreparedBase]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, sources: tuple[object, ...], options: tuple, build: Callable[[], PreparedBase]
    ) -> PreparedBase:
        """The base for ``sources`` (objects) and ``options`` (hashable), built on a miss."""
        key = (tuple(id(source) for source in sources), options)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and all(
                ref() is source for ref, source in zip(entry[0], sources, strict=True)
            ):
                self._entries.move_to_end(key)
                return entry[1]
        base = build()
        with self._lock:
            self._entries[key] = ([weakref.ref(source) for source in sources], base)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return base


def draw(arguments: dict[str, Any], *, key: str) -> dict[str, Any] | None:
    """Send :func:`component_arguments` to streamlit-folium's front end; its return value."""
    import streamlit as st

    hash_key = arguments["key"]

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(**arguments, on_change=_on_change)
