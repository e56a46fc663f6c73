"""One map view feeds every renderer: bounds computed once, one legend, one style table."""

from __future__ import annotations

import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from borderwatch.border_stats import in_zone
from borderwatch.cooperation import border_regimes, in_force, regime_lines
from borderwatch.exports import snapshot
from borderwatch.exports.html import standalone_html
from borderwatch.exports.provenance import Provenance
from borderwatch.exports.snapshot import page as snapshot_page
from borderwatch.exports.snapshot import render_snapshot
from borderwatch.links import country_anchors, cross_border_links
from borderwatch.mapping import border_map, style
from borderwatch.mapping.cooperation_map import cooperation_map_view
from borderwatch.mapping.folium_map import folium_map
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.mapping.legend import LegendEntry
from borderwatch.mapping.view import Bounds, MapView, fit_bounds
from borderwatch.proximity import BorderIndex, add_border_distance
from borderwatch.zones import border_zones

PAIR = "LBY-TUN"
PROVENANCE = Provenance(title="t", filters="f", generated_at="2026-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def display(geodata):
    return simplify_for_display(geodata.countries), simplify_for_display(geodata.borders)


def _border_view(geodata, display, **changes) -> MapView:
    countries, borders = display
    incidents = add_border_distance(geodata.incidents, BorderIndex.from_borders(geodata.borders))
    inside = incidents[in_zone(incidents, 50, [PAIR])]
    regimes = regime_lines(
        border_regimes(geodata.cooperation, 2016).query("border_pair == @PAIR"),
        borders,
        geodata.barriers,
    )
    options = {
        "title": "Libya – Tunisia",
        "filter_description": "all years",
        "countries": countries,
        "borders": borders,
        "zones": border_zones(geodata.borders, 50, pairs=[PAIR]),
        "incidents": inside,
        "crossings": geodata.crossings[geodata.crossings["border_pair"] == PAIR],
        "regimes": regimes,
        "regime_year": 2016,
        "country_names": geodata.country_names(),
        "selected_pairs": (PAIR,),
        "links": cross_border_links(inside, country_anchors(geodata.countries))[0],
    }
    return border_map.border_map_view(**(options | changes))


@pytest.fixture(scope="module")
def border_view(geodata, display) -> MapView:
    return _border_view(geodata, display)


def _fitted_bounds(html: str) -> list[list[float]]:
    match = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, re.S)
    assert match, "the map does not fit any bounds"
    return json.loads(match.group(1))


def _legend_labels(html: str) -> list[str]:
    match = re.search(r'div\.innerHTML = (".*?");\n', html)
    assert match, "the map has no legend"
    legend = json.loads(match.group(1))
    rows = re.findall(r'bw-legend-row">(.*?)</div>', legend)
    return [re.sub(r"<span.*?</span>", "", row) for row in rows]  # the label after the swatch


def test_page_builder_computes_the_bounds_once_and_no_renderer_again(geodata, display, monkeypatch):
    calls = []

    def counting_fit_bounds(*args, **kwargs):
        calls.append(args)
        return fit_bounds(*args, **kwargs)

    # Wherever a module of the package holds the bounds function, count its calls.
    for module in [m for name, m in sys.modules.items() if name.startswith("borderwatch")]:
        if getattr(module, "fit_bounds", None) is fit_bounds:
            monkeypatch.setattr(module, "fit_bounds", counting_fit_bounds)
    view = _border_view(geodata, display)
    assert len(calls) == 1
    folium_map(view).get_root().render()
    render_snapshot(view, provenance=PROVENANCE, fmt="png", dpi=40)
    standalone_html(view, provenance=PROVENANCE)
    assert len(calls) == 1


def test_both_renderers_show_the_views_bounds(border_view, monkeypatch):
    html = folium_map(border_view).get_root().render()
    fitted = [v for corner in _fitted_bounds(html) for v in corner]
    assert fitted == pytest.approx([v for corner in border_view.bounds.corners for v in corner])
    asked = []
    original = snapshot_page.fit_view

    def spy_fit_view(bounds, *args, **kwargs):
        asked.append(bounds)
        return original(bounds, *args, **kwargs)

    monkeypatch.setattr(snapshot_page, "fit_view", spy_fit_view)
    render_snapshot(border_view, provenance=PROVENANCE, fmt="png", dpi=40)
    assert asked == [border_view.bounds]


def test_legend_rows_of_both_renderers_come_from_the_views_entries(border_view, monkeypatch):
    entries = [e for section in border_view.legend for e in section.entries]
    html = folium_map(border_view).get_root().render()
    on_screen = [e.label for e in entries if e.shown_on("screen") and e.symbol != "sizes"]
    assert _legend_labels(html) == on_screen

    printed = []
    original = snapshot_page.draw_legend

    def spy_draw_legend(ax, rows, size_pt):
        printed.extend(rows)
        return original(ax, rows, size_pt)

    monkeypatch.setattr(snapshot_page, "draw_legend", spy_draw_legend)
    svg = render_snapshot(border_view, provenance=PROVENANCE, fmt="svg")
    printed_entries = [r for r in printed if isinstance(r, LegendEntry)]
    assert printed_entries, "the snapshot printed no legend"
    assert all(any(r is e for e in entries) for r in printed_entries)
    titles = {s.title for s in border_view.legend}
    assert {r for r in printed if isinstance(r, str)} <= titles
    texts = " ".join(t.strip() for t in ET.fromstring(svg).itertext() if t.strip())
    for entry in printed_entries:
        if entry.symbol != "sizes":  # the size row has circles, not a label
            assert entry.label.split()[0] in texts
    # What only one medium has stays there: clusters on screen, country fills on paper.
    assert "Country of the region" in texts and "Country of the region" not in html
    assert "Cluster: number of incidents" in html and "Cluster" not in texts


def test_one_style_table_drives_both_renderers(geodata, display, monkeypatch):
    marker = "#00ff00"
    monkeypatch.setitem(style.LINES, "closure", replace(style.LINES["closure"], color=marker))
    view = _border_view(
        geodata,
        display,
        regimes=regime_lines(
            border_regimes(geodata.cooperation, 2016).query("border_pair == 'DZA-MAR'"),
            display[1],
            geodata.barriers,
        ),
        selected_pairs=("DZA-MAR",),
        zones=border_zones(geodata.borders, 50, pairs=["DZA-MAR"]),
    )
    html = folium_map(view).get_root().render()
    assert f'"color": "{marker}"' in html  # the closure line
    assert f"border-color:{marker}" in html  # its legend swatch
    png = render_snapshot(view, provenance=PROVENANCE, fmt="png", dpi=100)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    green = pixels[..., 1] - np.maximum(pixels[..., 0], pixels[..., 2]) > 120
    # The legend swatch alone is ~150 pixels; the closed border on the map many more.
    assert green.sum() > 1_000


def test_view_is_validated_and_normalised_once(geodata, display):
    countries, borders = display
    with pytest.raises(ValueError, match="finite"):
        MapView(
            title="t",
            filter_description="f",
            countries=countries,
            borders=borders,
            bounds=(0.0, float("nan"), 1.0, 1.0),
        )
    with pytest.raises(ValueError, match="incidents layer lacks column"):
        MapView(
            title="t",
            filter_description="f",
            countries=countries,
            borders=borders,
            bounds=(0.0, 0.0, 1.0, 1.0),
            incidents=geodata.incidents.drop(columns="event_type"),
        )
    projected = MapView(
        title="t",
        filter_description="f",
        countries=countries.to_crs("EPSG:3857"),
        borders=borders.to_crs("EPSG:3857"),
        bounds=(0, 0, 1, 1),
    )
    assert projected.countries.crs.equals("EPSG:4326")
    assert isinstance(projected.bounds, Bounds)
    assert projected.bounds.corners == [[0.0, 0.0], [1.0, 1.0]]


def test_files_and_legend_follow_the_layers(geodata, display, border_view):
    assert border_view.files[:3] == ("incidents.csv", "borders.geojson", "countries.geojson")
    assert {"crossings.csv", "cooperation.csv", "barriers.geojson"} <= set(border_view.files)
    countries, borders = display
    coop = cooperation_map_view(
        title="Cooperation",
        filter_description="2016",
        countries=countries,
        borders=borders,
        arrangements=in_force(geodata.cooperation, 2016),
        anchors=country_anchors(geodata.countries),
        country_names=geodata.country_names(),
        shown_multilateral="CO-001",
    )
    assert coop.files == ("cooperation.csv", "borders.geojson", "countries.geojson")
    titles = [s.title for s in coop.legend]
    assert titles[:2] == ["Kind of arrangement", "How they are drawn"]
    assert "Incident type" not in titles
    members = [e for s in coop.legend for e in s.entries if e.key == "members"]
    assert len(members) == 1 and members[0].label.startswith("Members: ")
    assert not members[0].shown_on("screen")


def test_snapshot_package_exposes_its_api():
    assert set(snapshot.__all__) >= {"render_snapshot", "SNAPSHOT_FORMATS"}
    assert not hasattr(snapshot, "SnapshotLayers")


def test_the_credit_line_names_only_what_the_map_draws(geodata):
    from borderwatch.cooperation import in_force
    from borderwatch.links import country_anchors
    from borderwatch.mapping.cooperation_map import cooperation_map_view
    from borderwatch.mapping.layers import simplify_for_display

    view = cooperation_map_view(
        title="Cooperation 2016",
        filter_description="2016",
        countries=simplify_for_display(geodata.countries),
        borders=simplify_for_display(geodata.borders),
        arrangements=in_force(geodata.cooperation, 2016),
        anchors=country_anchors(geodata.countries),
        country_names=geodata.country_names(),
    )
    assert "Incidents" not in view.attribution
    assert "Arrangements: BorderWatch" in view.attribution
    assert "Natural Earth" in view.attribution
