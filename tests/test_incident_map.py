"""The built map: offline assets only, escaped popups, legend, layers."""

from __future__ import annotations

import re

import folium
import pytest

from borderwatch.mapping.assets import LOCAL_FILES, UnknownAssetError, use_local_assets
from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.incident_map import incident_map_view
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.mapping.popups import incident_popup_html
from borderwatch.paths import VENDOR_DIR

EXTERNAL_URL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""")
ANCHOR = re.compile(r"<a\s[^>]*>")


@pytest.fixture(scope="module")
def display_countries(geodata):
    return simplify_for_display(geodata.countries)


def test_display_simplification_keeps_every_feature_valid(geodata, display_countries):
    assert len(display_countries) == len(geodata.countries)
    assert display_countries.is_valid.all()
    borders = simplify_for_display(geodata.borders)
    assert list(borders["pair"]) == list(geodata.borders["pair"])
    assert len(display_countries.to_json()) < len(geodata.countries.to_json()) / 3


def _build(geodata, display_countries, incidents, *, basemap="offline", **options):
    view = incident_map_view(
        title="Incidents",
        filter_description="all",
        countries=display_countries,
        borders=simplify_for_display(geodata.borders),
        incidents=incidents,
        country_names=geodata.country_names(),
        **options,
    )
    return folium_map(view, basemap=basemap)


def _dependencies(m: folium.Map) -> list[str]:
    from borderwatch.mapping.assets import walk

    urls = []
    for element in walk(m):
        urls += [u for _, u in getattr(element, "default_js", [])]
        urls += [u for _, u in getattr(element, "default_css", [])]
    return urls


def test_map_uses_only_vendored_assets(geodata, display_countries):
    m = _build(geodata, display_countries, geodata.incidents)
    urls = _dependencies(m)
    assert urls, "the map should load Leaflet"
    for url in urls:
        assert url.startswith("/app/static/vendor/"), url
        assert (VENDOR_DIR / url.removeprefix("/app/static/vendor/")).is_file(), url
    html = m.get_root().render()
    # Cited sources are links the analyst may open (new tab): not resources the map loads.
    for anchor in ANCHOR.findall(html):
        assert 'target=\\"_blank\\"' in anchor or 'target="_blank"' in anchor, anchor
        assert "noopener" in anchor, anchor
    assert not EXTERNAL_URL.search(ANCHOR.sub("<a>", html)), EXTERNAL_URL.search(html)
    assert "tile.openstreetmap" not in html


def test_vendored_files_exist():
    for relative in LOCAL_FILES.values():
        assert (VENDOR_DIR / relative).is_file(), relative


def test_online_tiles_are_opt_in(geodata, display_countries):
    offline = _build(geodata, display_countries, geodata.incidents).get_root().render()
    online = _build(geodata, display_countries, geodata.incidents, basemap="openstreetmap")
    assert "tile.openstreetmap.org" not in offline
    assert "tile.openstreetmap.org" in online.get_root().render()


def test_unknown_dependency_is_refused():
    m = folium.Map(tiles=None)
    from folium.plugins import MiniMap  # (HeatMap's Leaflet.heat is vendored now)

    MiniMap().add_to(m)
    with pytest.raises(UnknownAssetError, match="not vendored"):
        use_local_assets(m)


def test_every_incident_is_drawn_with_a_popup(geodata, display_countries):
    m = _build(geodata, display_countries, geodata.incidents)
    script = m.get_root().render()
    # One row per incident in the layer's table, each with its popup (whose last line is
    # the id) and its id in the tooltip; the browser makes one L.circleMarker per row.
    assert script.count('class=\\"bw-id\\"') == len(geodata.incidents)
    assert script.count("bw-id:") == len(geodata.incidents)
    assert "L.circleMarker(" in script and "L.markerClusterGroup(" in script
    assert "Tiguentourine" in script or "In Amenas" in script
    assert "bw-legend" in script
    assert "maxZoom" in script


def test_popup_shows_range_precision_and_sources(small_incidents):
    record = small_incidents.iloc[0].to_dict()
    html = incident_popup_html(record, {"DZA": "Algeria", "LBY": "Libya", "MLI": "Mali"})
    assert "2013-01-16 to 2013-01-19" in html
    assert "40 (range 37–67)" in html
    assert "precision 1: the site itself" in html
    assert "Libya, Mali" in html
    assert "<li>Test Publisher: Article (2013-01-20)</li>" in html


def test_popup_escapes_markup_and_template_literals(small_incidents):
    record = small_incidents.iloc[0].to_dict()
    record["summary"] = "<img src=x onerror=alert(1)> ${alert(2)} `x`"
    html = incident_popup_html(record, {})
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "${" not in html


def test_month_precision_is_said(small_incidents):
    html = incident_popup_html(small_incidents.iloc[2].to_dict(), {})
    assert "March 2016 (day unknown)" in html
    assert "Not verified: exact day not found" in html
    assert "unknown" in html


def test_view_fits_selected_countries(geodata, display_countries):
    tunisia = geodata.incidents[geodata.incidents["country_iso3"] == "TUN"]
    m = _build(geodata, display_countries, tunisia, focus_countries=("TUN",))
    script = m.get_root().render()
    bounds = re.search(
        r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]", script
    )
    south, west, north, east = map(float, bounds.groups())
    assert 29 < south < 31 and 7 < west < 8.5 and 37 < north < 38 and 11 < east < 12


def test_legend_lists_only_what_is_drawn(geodata, display_countries):
    from borderwatch.cooperation import border_regimes, regime_lines
    from borderwatch.mapping.border_map import border_map_view
    from borderwatch.mapping.controls import LegendControl
    from borderwatch.zones import border_zones

    incidents = geodata.incidents
    bombings = incidents[incidents["event_type"] == "bombing"]
    plain = LegendControl(
        incident_map_view(
            title="t",
            filter_description="f",
            countries=display_countries,
            borders=geodata.borders,
            incidents=bombings,
            country_names={},
        ).legend
    ).html
    assert "Border zone" not in plain and "Closed border" not in plain
    assert "Bombing" in plain and "Ambush" not in plain
    regimes = regime_lines(
        border_regimes(geodata.cooperation, 2016), geodata.borders, geodata.barriers
    )
    barrier = regimes[regimes["kind"] != "border_closure"]
    barrier_only = LegendControl(
        border_map_view(
            title="t",
            filter_description="f",
            countries=display_countries,
            borders=geodata.borders,
            zones=border_zones(geodata.borders, 50, pairs=["LBY-TUN"]),
            incidents=incidents.iloc[0:0],
            crossings=geodata.crossings.iloc[0:0],
            regimes=barrier,
            regime_year=2016,
            country_names={},
        ).legend
    ).html
    assert "Border barrier" in barrier_only and "Closed border" not in barrier_only
    assert "Border zone (50 km either side)" in barrier_only
