"""Map views that pages hand to the exporter render as the pages show them."""

from __future__ import annotations

import io

from PIL import Image

from borderwatch.cooperation import in_force
from borderwatch.exports.provenance import make_provenance
from borderwatch.exports.snapshot import render_snapshot
from borderwatch.links import country_anchors
from borderwatch.mapping.cooperation_map import cooperation_map_view
from borderwatch.mapping.layers import simplify_for_display
from borderwatch.mapping.style import ARRANGEMENT_COLORS
from borderwatch.mapping.view import MapView


def test_cooperation_snapshot_draws_arrangements_by_kind(geodata):
    current = in_force(geodata.cooperation, 2016)
    view = cooperation_map_view(
        title="Cooperation 2016",
        filter_description="2016",
        countries=simplify_for_display(geodata.countries),
        borders=simplify_for_display(geodata.borders),
        arrangements=current,
        anchors=country_anchors(geodata.countries),
        country_names=geodata.country_names(),
        shown_multilateral="CO-001",
    )
    assert view.arrangements is not None
    assert set(view.arrangements.lines["role"]) == {"border", "arc"}
    png = render_snapshot(
        view,
        title="Cooperation 2016",
        provenance=make_provenance(title="t", filters="2016"),
        dpi=100,
    )
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=image.width * image.height)}
    border_security = tuple(
        int(ARRANGEMENT_COLORS["border_security"][i : i + 2], 16) for i in (1, 3, 5)
    )
    assert any(
        sum(abs(a - b) for a, b in zip(c, border_security, strict=True)) < 40 for c in colours
    )


def test_page_height_follows_the_view():
    from borderwatch.ui.exports import page_size_for

    wide_region = page_size_for((-18.0, 6.5, 39.6, 38.3))
    tall_strip = page_size_for((9.0, 20.0, 11.0, 37.0))
    assert wide_region[0] == tall_strip[0] == 11.0
    assert 5.5 <= wide_region[1] < 8.5
    assert tall_strip[1] == 11.0


def test_export_panel_snapshot_uses_the_view_shaped_page(geodata):
    from borderwatch.ui.exports import _snapshot, page_size_for

    view = MapView(
        title="Region",
        filter_description="all",
        countries=simplify_for_display(geodata.countries),
        borders=simplify_for_display(geodata.borders),
        incidents=geodata.incidents,
        bounds=(-18.0, 6.5, 39.6, 38.3),
    )
    png = _snapshot(view, "Region", make_provenance(title="t", filters="all"), "png", 100)
    width_in, height_in = page_size_for(view.bounds)
    assert Image.open(io.BytesIO(png)).size == (round(width_in * 100), round(height_in * 100))
