"""Point every map element at the JS/CSS the app serves itself (``static/vendor``).

folium elements name their JS/CSS dependencies (``default_js`` / ``default_css``) with
public CDN URLs. :func:`use_local_assets` replaces them on the instances of a built map,
so no browser showing it reaches for the internet. A dependency this module does not
know is an error rather than a silent CDN request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache

import folium
from branca.element import Element

from borderwatch import paths

#: URL prefix under which Streamlit serves ``static/`` (``server.enableStaticServing``).
STREAMLIT_STATIC_URL = "/app/static/vendor"

#: folium dependency name -> file under ``static/vendor``.
LOCAL_FILES: dict[str, str] = {
    "leaflet": "leaflet-1.9.4/leaflet.js",
    "leaflet_css": "leaflet-1.9.4/leaflet.css",
    "jquery": "jquery-3.7.1/jquery.min.js",
    "markerclusterjs": "leaflet.markercluster-1.5.3/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster-1.5.3/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster-1.5.3/MarkerCluster.Default.css",
    "leaflet-heat.js": "leaflet.heat-0.2.0/leaflet-heat.js",
    "iso8601.js": "iso8601-js-period-0.2.1/iso8601.js",
    "leaflet.timedimension.js": "leaflet-timedimension-1.1.1/leaflet.timedimension.min.js",
}

#: folium.Map's defaults that BorderWatch maps never use (Bootstrap, icon fonts).
UNUSED = frozenset(
    {
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


class UnknownAssetError(ValueError):
    """A map element needs a JS/CSS file that is not vendored."""


def walk(element: Element) -> Iterator[Element]:
    """Yield an element and all its descendants."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk(child)


def _localised(entries: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    out = []
    for name, url in entries:
        if name in UNUSED:
            continue
        if name not in LOCAL_FILES:
            raise UnknownAssetError(
                f"map dependency '{name}' ({url}) is not vendored; add it to "
                "scripts/vendor_assets.py and LOCAL_FILES"
            )
        out.append((name, f"{base_url}/{LOCAL_FILES[name]}"))
    return out


def use_local_assets(m: folium.Map, *, base_url: str = STREAMLIT_STATIC_URL) -> folium.Map:
    """Rewrite the JS/CSS dependencies of ``m`` and its children to vendored files.

    Parameters
    ----------
    m
        A built map; it is changed in place and returned.
    base_url
        Where ``static/vendor`` is reachable from the page showing the map. An absolute
        path by default: st_folium draws in an iframe served by the same Streamlit server.
    """
    for element in walk(m):
        if hasattr(element, "default_js"):
            element.default_js = _localised(element.default_js, base_url)
        if hasattr(element, "default_css"):
            element.default_css = _localised(element.default_css, base_url)
    return m


@cache
def vendored_assets() -> list[dict]:
    """The record of vendored packages (name, version, licence, file hashes)."""
    return json.loads((paths.VENDOR_DIR / "assets.json").read_text(encoding="utf-8"))
