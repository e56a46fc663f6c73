"""Static map snapshots (PNG, SVG, PDF) drawn offline with matplotlib."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from PIL import Image
from pyproj import Geod

from borderwatch.cooperation import border_regimes, regime_lines
from borderwatch.exports.provenance import Provenance
from borderwatch.exports.snapshot import (
    INCIDENT_ALPHA,
    SNAPSHOT_FORMATS,
    incident_radii_px,
    render_snapshot,
    scale_bar_km,
)
from borderwatch.links import country_anchors, cross_border_links
from borderwatch.mapping import style
from borderwatch.mapping.view import MapView, fit_bounds
from borderwatch.zones import border_zones

TITLE = "Incidents near Libya's borders, 2011–2019"
PAIRS = ("DZA-LBY", "LBY-TUN")
CELL_ALPHA = style.CELL_FILL_OPACITY


@pytest.fixture(scope="module")
def provenance() -> Provenance:
    return Provenance(
        title=TITLE,
        filters="countries: all; years 2011–2019",
        datasets=[{"file": "incidents.csv", "sha256": "ab" * 32}],
        generated_at="2026-01-01T00:00:00Z",
    )


def _view(countries, borders, incidents, bounds, **layers) -> MapView:
    return MapView(
        title=TITLE,
        filter_description="countries: all",
        countries=countries,
        borders=borders,
        incidents=incidents,
        bounds=bounds,
        **layers,
    )


@pytest.fixture(scope="module")
def region(geodata) -> MapView:
    """The whole region with every incident, as on the incident map."""
    bounds = fit_bounds(geodata.countries, incidents=geodata.incidents)
    return _view(geodata.countries, geodata.borders, geodata.incidents, bounds)


@pytest.fixture(scope="module")
def border_view(geodata) -> MapView:
    """Two borders with zones, links, crossings and both kinds of regime, as on Borders."""
    zones = border_zones(geodata.borders, 50, pairs=list(PAIRS))
    links, _ = cross_border_links(geodata.incidents, country_anchors(geodata.countries))
    regimes = regime_lines(
        border_regimes(geodata.cooperation, 2016), geodata.borders, geodata.barriers
    )
    assert {"border_closure"} < set(regimes["kind"])  # a closure and a barrier
    return _view(
        geodata.countries,
        geodata.borders,
        geodata.incidents,
        fit_bounds(geodata.countries, geometries=zones.geometry),
        zones=zones,
        links=links,
        crossings=geodata.crossings[geodata.crossings["border_pair"].isin(PAIRS)],
        regimes=regimes,
        highlight_pairs=PAIRS,
    )


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int32)


def _blend(color: str, under: str, alpha: float = INCIDENT_ALPHA) -> np.ndarray:
    return 255 * (alpha * np.array(to_rgb(color)) + (1 - alpha) * np.array(to_rgb(under)))


def _count_near(pixels: np.ndarray, rgb: np.ndarray, tolerance: float = 10.0) -> int:
    """Pixels within ``tolerance`` (Euclidean, 0-255 RGB) of ``rgb``."""
    squared = ((pixels - np.rint(rgb).astype(np.int32)) ** 2).sum(axis=-1)
    return int((squared <= tolerance**2).sum())


def _svg_texts(svg: bytes) -> str:
    root = ET.fromstring(svg)
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def test_png_at_300_dpi_has_the_page_size_and_is_drawn(region, provenance):
    png = render_snapshot(region, title=TITLE, provenance=provenance, fmt="png", dpi=300)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (11 * 300, int(8.5 * 300))
        assert image.info["Title"] == TITLE
        assert "Filters: countries: all" in image.info["Description"]
    pixels = _pixels(png)
    packed = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    assert len(np.unique(packed)) > 50
    assert _count_near(pixels, 255 * np.array(to_rgb(style.SEA_COLOR)), 1) > 10_000
    assert _count_near(pixels, 255 * np.array(to_rgb(style.FOCUS_FILL)), 1) > 10_000


def test_bombing_colour_appears_only_when_bombings_are_drawn(region, provenance):
    incidents = region.incidents
    assert (incidents["event_type"] == "bombing").any()
    bombing_over_land = _blend(style.EVENT_COLORS["bombing"], style.FOCUS_FILL)
    with_bombings = _pixels(render_snapshot(region, title=TITLE, provenance=provenance, dpi=80))
    others = replace(region, incidents=incidents[incidents["event_type"] != "bombing"])
    without = _pixels(render_snapshot(others, title=TITLE, provenance=provenance, dpi=80))
    assert _count_near(with_bombings, bombing_over_land) > 500
    assert _count_near(without, bombing_over_land) < 5


def test_svg_is_xml_with_the_title_as_text(region, provenance):
    svg = render_snapshot(region, title=TITLE, provenance=provenance, fmt="svg")
    texts = _svg_texts(svg)
    assert TITLE in texts
    assert "Generated 2026-01-01T00:00:00Z" in texts
    # The legend names the event types drawn, with their labels.
    assert "Bombing" in texts and "Kidnapping / hostage-taking" in texts
    assert "Incident type" in texts and "International land border" in texts
    assert re.search(r"\b\d+ km\b", texts)  # the scale bar


def test_pdf_page_matches_the_requested_size(region, provenance):
    pdf = render_snapshot(
        region, title=TITLE, provenance=provenance, fmt="pdf", size_in=(11.0, 8.5)
    )
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None
    assert (float(box.group(1)), float(box.group(2))) == pytest.approx((792.0, 612.0))
    assert b"/Title" in pdf


@pytest.mark.parametrize(
    "bounds",
    [
        (-17.1, 6.5, 39.6, 37.6),  # the whole region
        (8.0, 23.0, 12.5, 33.5),  # one border zone
        (11.0, 32.9, 11.3, 33.2),  # a border crossing
        (20.0, -35.0, 30.0, -25.0),  # southern hemisphere
        (-10.0, 55.0, 30.0, 70.0),  # high latitude: degrees are short
    ],
)
def test_scale_bar_is_round_and_geodesic(bounds):
    km, degrees = scale_bar_km(bounds)
    mantissa = round(km / 10 ** math.floor(math.log10(km)), 9)
    assert mantissa in {1, 2, 5}
    width = bounds[2] - bounds[0]
    assert 0.05 * width < degrees <= 0.2 * width * 1.001
    lon0, lat0 = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    _, _, metres = Geod(ellps="WGS84").inv(lon0 - degrees / 2, lat0, lon0 + degrees / 2, lat0)
    assert metres / 1000 == pytest.approx(km, rel=0.01)


def test_scale_bar_is_not_a_degrees_as_kilometres_shortcut():
    # At 60° N a degree of longitude is about half its length at the equator.
    km_equator, deg_equator = scale_bar_km((0.0, -1.0, 10.0, 1.0))
    km_north, deg_north = scale_bar_km((0.0, 59.0, 10.0, 61.0))
    assert deg_north / km_north == pytest.approx(2 * deg_equator / km_equator, rel=0.01)


def test_every_layer_renders_and_is_in_the_legend(border_view, provenance):
    svg = render_snapshot(border_view, title="Algeria–Libya", provenance=provenance, fmt="svg")
    texts = _svg_texts(svg)
    for label in (
        "Selected border",
        "Border zone (50 km either side)",
        "Closed border",
        "Border barrier (schematic)",
        "Border crossing point",
    ):
        assert label in texts
    assert "Cross-border link" in texts
    png = render_snapshot(border_view, title="Algeria–Libya", provenance=provenance, dpi=100)
    pixels = _pixels(png)
    assert _count_near(pixels, _blend(style.ZONE_FILL, style.FOCUS_FILL, 0.35), 6) > 1_000
    assert _count_near(pixels, 255 * np.array(to_rgb(style.CROSSING_COLOR)), 12) > 50


def test_titles_are_plain_text_and_wrap(region, provenance):
    # Dollar signs would switch matplotlib to mathtext; a long title wraps onto more lines.
    title = "Arms seizures worth $5m and $2m " + "along the Libya–Tunisia border " * 6
    svg = render_snapshot(region, title=title, provenance=provenance, fmt="svg")
    root = ET.fromstring(svg)
    lines = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]
    first = next(line for line in lines if line.startswith("Arms seizures worth $5m and $2m"))
    assert len(first) < len(title.strip())  # wrapped
    assert " ".join(title.split()) in " ".join(" ".join(lines).split())


def test_empty_incidents_render_with_a_note(region, provenance):
    empty = replace(region, incidents=region.incidents.iloc[0:0])
    svg = render_snapshot(empty, title=TITLE, provenance=provenance, fmt="svg")
    texts = _svg_texts(svg)
    assert "No incidents match the filters" in texts
    assert "Incident type" not in texts
    png = render_snapshot(empty, title=TITLE, provenance=provenance, dpi=60)
    assert png.startswith(b"\x89PNG")


def test_incidents_without_coordinates_are_skipped_and_counted(region, provenance):
    incidents = region.incidents.copy()
    incidents.loc[incidents.index[:3], ["longitude", "latitude"]] = np.nan
    view = replace(region, incidents=incidents)
    texts = _svg_texts(render_snapshot(view, title=TITLE, provenance=provenance, fmt="svg"))
    assert "3 incident(s) without coordinates not drawn" in texts


def test_a_single_point_and_projected_layers_render(geodata, provenance):
    # Zero-size bounds (one incident) are padded; projected layers are brought to lon/lat.
    incident = geodata.incidents.dropna(subset=["longitude", "latitude"]).iloc[[0]]
    x, y = float(incident["longitude"].iloc[0]), float(incident["latitude"].iloc[0])
    view = _view(
        geodata.countries.to_crs("EPSG:3857"),
        geodata.borders.to_crs("EPSG:3857"),
        incident,
        (x, y, x, y),
    )
    svg = render_snapshot(view, title=TITLE, provenance=provenance, fmt="svg")
    texts = _svg_texts(svg)
    assert "No incidents" not in texts
    assert re.search(r"\b\d+ km\b", texts)


def test_marker_sizes_follow_the_interactive_map():
    deaths = pd.Series([0, 1, 4, 10, 50, 200, 10_000, pd.NA, 1], dtype="Int64")
    expected = [style.radius_for_fatalities(None if pd.isna(v) else v) for v in deaths]
    assert incident_radii_px(deaths) == pytest.approx(expected)


def test_unknown_format_is_refused(region, provenance):
    with pytest.raises(ValueError, match="png, svg, pdf"):
        render_snapshot(region, title=TITLE, provenance=provenance, fmt="jpeg")
    assert list(SNAPSHOT_FORMATS) == ["png", "svg", "pdf"]


def test_concurrent_renders_do_not_interfere(region, provenance):
    def render(fmt: str) -> bytes:
        return render_snapshot(region, title=TITLE, provenance=provenance, fmt=fmt, dpi=50)

    with ThreadPoolExecutor(max_workers=3) as pool:
        png, svg, pdf = pool.map(render, ["png", "svg", "pdf"])
    assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
    assert TITLE in _svg_texts(svg)


def test_rendering_never_touches_pyplot():
    code = (
        "import sys\n"
        "import geopandas as gpd, pandas as pd\n"
        "from shapely import box, LineString\n"
        "from borderwatch.exports.provenance import Provenance\n"
        "from borderwatch.exports.snapshot import render_snapshot\n"
        "from borderwatch.mapping.view import MapView\n"
        "countries = gpd.GeoDataFrame({'iso3': ['AAA'], 'name_en': ['A'], 'focus': [True],\n"
        "    'disputed': [False]}, geometry=[box(0, 0, 10, 10)], crs='EPSG:4326')\n"
        "borders = gpd.GeoDataFrame({'pair': ['AAA-BBB'], 'name': ['A – B'],\n"
        "    'disputed': [False]}, geometry=[LineString([(5, 0), (5, 10)])], crs='EPSG:4326')\n"
        "incidents = pd.DataFrame({'longitude': [2.0], 'latitude': [3.0],\n"
        "    'event_type': ['bombing'], 'fatalities_best': pd.array([4], dtype='Int64')})\n"
        "view = MapView(title='t', filter_description='f', countries=countries,\n"
        "    borders=borders, incidents=incidents, bounds=(0, 0, 10, 10))\n"
        "for fmt in ('png', 'svg', 'pdf'):\n"
        "    render_snapshot(view, title='t', provenance=Provenance('t', 'f'), fmt=fmt)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_cells_counted_elsewhere_are_drawn_as_on_screen(region, provenance):
    """Team mode: the view holds the database's grid cells, not the incidents; the
    snapshot draws the cells (never "No incidents match") and says what they are."""
    from borderwatch.aggregate import grid_cells

    cells = grid_cells(region.incidents, cell_deg=2.0)
    view = replace(region, incidents=region.incidents.iloc[0:0], cells=cells, cell_deg=2.0)
    texts = _svg_texts(render_snapshot(view, title=TITLE, provenance=provenance, fmt="svg"))
    assert "No incidents match" not in texts
    assert f"{int(cells['incidents'].sum()):,} incidents counted per 2° grid cell" in texts
    assert "Incident type" in texts and "Deaths (best estimate" not in texts
    main = cells["main_type"].value_counts().index[0]
    cell_over_land = _blend(style.event_style(main).color, style.FOCUS_FILL, CELL_ALPHA)
    drawn = _pixels(render_snapshot(view, title=TITLE, provenance=provenance, dpi=80))
    assert _count_near(drawn, cell_over_land, 12) > 100
