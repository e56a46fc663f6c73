"""Standalone HTML maps: everything inline, nothing fetched from another host."""

from __future__ import annotations

import re
from html import unescape

import pytest

from borderwatch.exports.html import INLINE_BASE_URL, fetched_reference, standalone_html
from borderwatch.exports.provenance import make_provenance
from borderwatch.mapping.assets import LOCAL_FILES
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.paths import VENDOR_DIR


@pytest.fixture(scope="module")
def html(geodata) -> str:
    view = incident_map_view(
        title="Briefing map",
        filter_description="countries: all",
        countries=simplify_for_display(geodata.countries),
        borders=simplify_for_display(geodata.borders),
        incidents=geodata.incidents,
        country_names=geodata.country_names(),
    )
    provenance = make_provenance(title="Briefing map", filters="countries: all")
    return standalone_html(view, title="Briefing map <draft>", provenance=provenance)


def _without_vendored_code(html: str) -> str:
    for relative in LOCAL_FILES.values():
        if relative.endswith(".js"):
            html = html.replace((VENDOR_DIR / relative).read_text(encoding="utf-8"), "")
    return html


def test_no_resource_is_fetched_from_anywhere(html):
    # Leaflet's own code holds its (unused, replaced) attribution link; the rest must not
    # refer to any outside resource (a cited source's link, opened only when clicked, in a
    # new tab, is not one). The browser test opens it with the network blocked.
    assert not fetched_reference(_without_vendored_code(html))
    assert INLINE_BASE_URL not in html
    assert "/app/static" not in html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)


def test_only_licence_headers_and_citations_name_other_sites(html, geodata):
    # Every http(s) URL left is inside the vendored libraries' own text (licence headers,
    # Leaflet's default attribution, which the map replaces) or is the address of a source
    # cited in an incident's popup (a link opened only when clicked); none other in the page.
    vendored = "".join((VENDOR_DIR / f).read_text(encoding="utf-8") for f in LOCAL_FILES.values())
    cited = {
        address
        for citations in geodata.incidents["sources"]
        for citation in citations
        for address in re.findall(r"<(https?://[^>\s]+)>", citation)
    }
    # Popup HTML sits JSON-escaped inside the map script: undo that escaping first.
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)
    text = text.replace('\\"', '"').replace("\\/", "/")
    for url in set(re.findall(r"https?://[^\s\"')<>\\]+", text)):
        assert url in vendored or unescape(url).rstrip(">") in cited, url


def test_libraries_and_images_are_inline(html):
    assert "L.markerClusterGroup" in html and "jQuery" in html
    assert "data:image/png;base64," in html  # Leaflet's layer-control icon


def test_title_and_provenance_are_in_the_page(html):
    assert "<title>Briefing map &lt;draft&gt;</title>" in html
    assert "Filters: countries: all" in html
    assert "Natural Earth" in html
    assert "Generated 20" in html
