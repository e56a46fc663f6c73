"""A standalone HTML map that opens and works with no internet: JS, CSS and images inline.

:func:`standalone_html` draws the view with its vendored files addressed under
:data:`INLINE_BASE_URL`, then replaces each ``<script src>`` and stylesheet ``<link>`` by
the file's content, and the images Leaflet's CSS refers to by data URIs.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from branca.element import Element, Figure

from borderwatch import paths
from borderwatch.exports.provenance import Provenance
from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.view import MapView

#: Placeholder prefix for vendored files, replaced by their content.
INLINE_BASE_URL = "borderwatch-inline:"

_SCRIPT = re.compile(r'<script src="' + re.escape(INLINE_BASE_URL) + r'/([^"]+)"></script>')
_STYLESHEET = re.compile(
    r'<link rel="stylesheet" href="' + re.escape(INLINE_BASE_URL) + r'/([^"]+)"\s*/?>'
)
_CSS_URL = re.compile(r"url\((['\"]?)(?!data:)([^'\")]+)\1\)")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}

#: Attributes and CSS that would make a browser fetch something from another host.
EXTERNAL_REFERENCE = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)(?:https?:)?//""", re.IGNORECASE
)
#: An anchor's address is followed only when the analyst clicks it (a cited source, opened
#: in a new tab): not a fetch, so anchors are left out of the check above.
_ANCHOR = re.compile(r"<a\s[^>]*>", re.IGNORECASE)


def fetched_reference(html: str) -> re.Match[str] | None:
    """The first place in ``html`` that would make a browser fetch from another host."""
    return EXTERNAL_REFERENCE.search(_ANCHOR.sub("<a>", html))


def _vendored(relative: str) -> Path:
    path = (paths.VENDOR_DIR / relative).resolve()
    if paths.VENDOR_DIR.resolve() not in path.parents:
        raise ValueError(f"not a vendored file: {relative}")
    return path


def _inline_css(relative: str) -> str:
    css_path = _vendored(relative)
    css = css_path.read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = (css_path.parent / match.group(2)).resolve()
        if not image.is_file():
            return match.group(0)
        encoded = base64.b64encode(image.read_bytes()).decode()
        return f"url(data:{_MIME.get(image.suffix, 'application/octet-stream')};base64,{encoded})"

    return f"<style>\n{_CSS_URL.sub(data_uri, css)}\n</style>"


def _inline_script(relative: str) -> str:
    code = _vendored(relative).read_text(encoding="utf-8")
    return "<script>\n" + code.replace("</script", "<\\/script") + "\n</script>"


def _header_html(title: str, provenance: Provenance) -> str:
    lines = "".join(f"<li>{escape(line)}</li>" for line in provenance.as_lines())
    return (
        '<div id="bw-export-header" style="position:absolute;top:8px;left:56px;z-index:1000;'
        "max-width:55%;background:rgba(255,255,255,.93);padding:6px 10px;border-radius:4px;"
        'box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif">'
        f"<b style='font-size:14px'>{escape(title)}</b>"
        f"<details><summary>What this map shows and where the data came from</summary>"
        f"<ul style='margin:4px 0 0 16px;padding:0'>{lines}</ul></details></div>"
    )


def standalone_html(view: MapView, *, provenance: Provenance, title: str | None = None) -> str:
    """The view as one self-contained HTML document, on the offline basemap.

    Parameters
    ----------
    view
        The map to draw.
    provenance
        What the map shows and where its data came from, in a foldable header.
    title
        The page title and header; the view's title by default.

    Raises
    ------
    ValueError
        If anything in the result would still fetch from another host.
    """
    title = view.title if title is None else title
    # Never online tiles: the file must open with no internet.
    root = folium_map(view, basemap="offline", asset_base_url=INLINE_BASE_URL).get_root()
    assert isinstance(root, Figure)  # a folium.Map's root is always its Figure
    root.html.add_child(Element(_header_html(title, provenance)), name="bw_export_header")
    page = root.render()
    # Check the page itself; the vendored libraries are checked once, by the test suite
    # (their licence headers and Leaflet's unused default attribution link name websites).
    leftover = fetched_reference(_SCRIPT.sub("", _STYLESHEET.sub("", page)))
    if leftover:
        raise ValueError(f"the map refers to an outside resource: {leftover.group(0)}")
    page = _SCRIPT.sub(lambda match: _inline_script(match.group(1)), page)
    page = _STYLESHEET.sub(lambda match: _inline_css(match.group(1)), page)
    if INLINE_BASE_URL in page:
        raise ValueError("a map dependency could not be inlined")
    return page.replace("<head>", f"<head>\n<title>{escape(title)}</title>", 1)
