"""A static map snapshot (PNG, SVG, PDF) drawn with matplotlib: offline, no browser.

The image carries the same colours and symbols as the interactive maps
(:mod:`borderwatch.mapping.style`), a title, a legend of what is drawn, a scale bar measured
on the WGS84 ellipsoid and the export's provenance as a footer.

The map is an equirectangular view: longitude and latitude are plotted as x and y with the
axes aspect set to ``1 / cos(centre latitude)``, so distances are true at the centre
latitude in every direction. Only the object-oriented matplotlib API is used, on the Agg
canvas (``Figure`` + ``FigureCanvasAgg``): no pyplot state, so rendering is safe from
Streamlit's script threads.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass, field, replace

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, MaxNLocator

from borderwatch.exports.provenance import Provenance
from borderwatch.geodesy import geodesic_distance_km
from borderwatch.links import arc_coordinates
from borderwatch.mapping import style
from borderwatch.schemas import EVENT_TYPES

#: ``(minx, miny, maxx, maxy)`` in degrees of longitude and latitude.
Box = tuple[float, float, float, float]

#: Output formats and their MIME types.
SNAPSHOT_FORMATS: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}

#: One CSS pixel of the interactive map in typographic points (96 px = 72 pt = 1 inch).
PX_TO_PT = 72.0 / 96.0
#: Fill opacity of incident circles, as on the interactive map.
INCIDENT_ALPHA = 0.85
INCIDENT_EDGE_COLOR = "#333333"
#: Above this many incidents, vector formats embed the incident layer as an image.
RASTERIZE_ABOVE = 5_000
#: Share of the map width the scale bar aims at (it is rounded down to 1, 2 or 5 x 10^n km).
SCALE_BAR_FRACTION = 0.2
#: Margin added around the requested bounds, as a share of their size.
VIEW_PADDING = 0.03
#: Vector formats are simplified for this resolution, so they stay sharp when zoomed in.
VECTOR_DETAIL_DPI = 600

_FONT_PT = 8.0
_TITLE_PT = 15.0
_FOOTER_PT = 6.5
_MARGIN_IN = 0.3
_LABEL_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]

# svg.fonttype / pdf.fonttype are read from the global rcParams when saving; the lock keeps
# concurrent renders (Streamlit sessions) from restoring each other's settings mid-save.
_SAVE_LOCK = threading.Lock()
_SAVE_RC = {"svg.fonttype": "none", "pdf.fonttype": 42}


@dataclass(frozen=True)
class SnapshotLayers:
    """Everything a snapshot draws, in EPSG:4326 longitude/latitude.

    Parameters
    ----------
    countries
        Country polygons (columns ``iso3``, ``name_en``, ``focus``, ``disputed``,
        ``geometry``): the basemap.
    borders
        Border lines (columns ``pair``, ``name``, ``disputed``, ``geometry``).
    incidents
        Incidents (columns ``longitude``, ``latitude``, ``event_type``,
        ``fatalities_best``); rows without coordinates are skipped and counted in a note.
    bounds
        ``(minx, miny, maxx, maxy)`` the map must show; it is widened to fill the frame.
    zones
        Border-zone polygons with a ``width_km`` column, or ``None``.
    links
        Cross-border links (:func:`borderwatch.links.cross_border_links`) with
        ``origin_lon``, ``origin_lat``, ``target_lon``, ``target_lat``, or ``None``.
    crossings
        Border crossing points (``longitude``, ``latitude``, ``name``), or ``None``.
    regimes
        Border regime lines with a ``kind`` column: ``"border_closure"`` is drawn as a
        closed border, anything else as a barrier; or ``None``.
    highlight_pairs
        Border pairs drawn heavier, as the selected borders.
    styled_areas, styled_lines
        Extra polygons / lines, each with its own ``color`` and legend ``label`` columns
        (e.g. cooperation arrangements, styled by kind); or ``None``.
    show_empty_note
        Say "No incidents match the filters" when none are drawn (off for maps that are
        not about incidents).
    """

    countries: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    incidents: pd.DataFrame
    bounds: Box
    zones: gpd.GeoDataFrame | None = None
    links: pd.DataFrame | None = None
    crossings: pd.DataFrame | None = None
    regimes: gpd.GeoDataFrame | None = None
    highlight_pairs: tuple[str, ...] = ()
    styled_areas: gpd.GeoDataFrame | None = None
    styled_lines: gpd.GeoDataFrame | None = None
    show_empty_note: bool = True


# --------------------------------------------------------------------------- text

# One measuring renderer per thread (at 72 dpi, so its pixels are points).
_MEASURE = threading.local()


def _text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` set in the default font at ``size`` points, in points."""
    renderer = getattr(_MEASURE, "renderer", None)
    if renderer is None:
        renderer = _MEASURE.renderer = RendererAgg(1, 1, 72)
    prop = FontProperties(size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def _wrap(text: str, width_pt: float, size: float, *, weight: str = "normal") -> list[str]:
    """Greedy word wrap measured with the real font; over-long words are cut."""

    def fits(candidate: str) -> bool:
        return _text_width_pt(candidate, size, weight) <= width_pt

    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        while not fits(word) and len(word) > 1:  # e.g. a long hash or URL
            cut = next((i for i in range(len(word) - 1, 0, -1) if fits(word[:i])), 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- geometry


def _nice_below(value: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above ``value`` (``value`` > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (5.0, 2.0, 1.0):
        candidate = step * 10.0**exponent
        if candidate <= value * (1 + 1e-9):
            return candidate
    return 10.0**exponent  # pragma: no cover - 1 x 10^n always fits


def scale_bar_km(bounds: Box, *, fraction: float = SCALE_BAR_FRACTION) -> tuple[float, float]:
    """A round scale-bar length for a map of ``bounds`` and its length in degrees of longitude.

    The bar is true at the centre latitude of ``bounds`` (where an equirectangular view with
    aspect ``1 / cos(latitude)`` is true in every direction). Its length in degrees is found
    from geodesic distances on the WGS84 ellipsoid, not from a fixed km-per-degree figure.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in degrees.
    fraction
        Share of the map width the bar should take at most.

    Returns
    -------
    km, degrees
        The bar length in kilometres (1, 2 or 5 x 10^n) and in degrees of longitude at the
        centre latitude.
    """
    minx, miny, maxx, maxy = bounds
    lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
    km_per_degree = geodesic_distance_km(lon0 - 0.5, lat0, lon0 + 0.5, lat0)
    km = _nice_below(max(maxx - minx, 1e-6) * km_per_degree * fraction)
    degrees = km / km_per_degree
    # One correction step: make the geodesic across the bar itself equal ``km``.
    measured = geodesic_distance_km(lon0 - degrees / 2, lat0, lon0 + degrees / 2, lat0)
    return km, degrees * km / measured


def _fit_view(
    bounds: Box,
    width_in: float,
    height_in: float,
    *,
    coverage: Box | None = None,
) -> tuple[Box, float, float]:
    """The view and the map frame that shows it.

    ``bounds`` is padded, then widened about its centre to the shape of the space available
    (``width_in`` x ``height_in``), but not beyond ``coverage`` (the extent of the country
    layer, so no land is drawn as sea where the layer stops); where it cannot widen, the
    frame shrinks instead.

    Returns
    -------
    view, frame_width_in, frame_height_in
        ``(minx, miny, maxx, maxy)`` and the frame size, whose shape matches the view at
        aspect ``1 / cos(centre latitude)``.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise ValueError(f"bounds must be finite numbers, got {bounds!r}")
    minx, maxx = min(minx, maxx), max(minx, maxx)
    miny, maxy = max(min(miny, maxy), -80.0), min(max(miny, maxy), 80.0)
    pad_x = max((maxx - minx) * VIEW_PADDING, 0.05)
    pad_y = max((maxy - miny) * VIEW_PADDING, 0.05)
    minx, maxx, miny, maxy = minx - pad_x, maxx + pad_x, miny - pad_y, maxy + pad_y
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ground_w = (maxx - minx) * math.cos(math.radians(cy))  # in degrees of latitude
    ground_h = maxy - miny
    if ground_w / ground_h < width_in / height_in:
        ground_w = ground_h * width_in / height_in
    else:
        ground_h = ground_w * height_in / width_in
    half_w = ground_w / math.cos(math.radians(cy)) / 2
    view = [cx - half_w, cy - ground_h / 2, cx + half_w, cy + ground_h / 2]
    if coverage is not None and all(math.isfinite(v) for v in coverage):
        limit = (
            min(minx, coverage[0]),
            min(miny, coverage[1]),
            max(maxx, coverage[2]),
            max(maxy, coverage[3]),
        )
        lower = [max(v, lim) for v, lim in zip(view[:2], limit[:2], strict=True)]
        upper = [min(v, lim) for v, lim in zip(view[2:], limit[2:], strict=True)]
        view = lower + upper
    ratio = (
        (view[2] - view[0]) * math.cos(math.radians((view[1] + view[3]) / 2)) / (view[3] - view[1])
    )
    if ratio >= width_in / height_in:
        frame = (width_in, width_in / ratio)
    else:
        frame = (height_in * ratio, height_in)
    return (view[0], view[1], view[2], view[3]), frame[0], frame[1]


def _in_lonlat(layers: SnapshotLayers) -> SnapshotLayers:
    """The layers with every GeoDataFrame in EPSG:4326 (those without a CRS are taken as it)."""

    def lonlat(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
        if frame is None or frame.crs is None or frame.crs.equals("EPSG:4326"):
            return frame
        return frame.to_crs("EPSG:4326")

    return replace(
        layers,
        countries=lonlat(layers.countries),
        borders=lonlat(layers.borders),
        zones=lonlat(layers.zones),
        regimes=lonlat(layers.regimes),
    )


def _flat_parts(geoms: np.ndarray) -> np.ndarray:
    """Single-part geometries from any mix of multi-part ones and collections."""
    parts = np.asarray(geoms, dtype=object)
    parts = parts[~shapely.is_missing(parts)]
    while len(parts) and np.isin(shapely.get_type_id(parts), (4, 5, 6, 7)).any():
        parts = shapely.get_parts(parts)
    return parts[~shapely.is_empty(parts)]


def _prepare(geoms: np.ndarray, view: Box, tolerance: float) -> np.ndarray:
    """Clip to (a little more than) the view and simplify below the output resolution."""
    minx, miny, maxx, maxy = view
    mx, my = (maxx - minx) * 0.05, (maxy - miny) * 0.05
    clipped = shapely.clip_by_rect(
        np.asarray(geoms, dtype=object), minx - mx, miny - my, maxx + mx, maxy + my
    )
    return shapely.simplify(clipped, tolerance, preserve_topology=True)


def _polygon_path(geoms: np.ndarray) -> Path | None:
    """One compound path of every polygon ring (exteriors CCW, holes CW), or ``None``."""
    parts = _flat_parts(geoms)
    polygons = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    if not len(polygons):
        return None
    rings = shapely.get_rings(shapely.orient_polygons(polygons))
    coords, index = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    codes[starts] = Path.MOVETO
    codes[np.r_[starts[1:] - 1, len(coords) - 1]] = Path.CLOSEPOLY
    return Path(coords, codes)


def _line_parts(geoms: np.ndarray) -> list[np.ndarray]:
    """The vertices of every line part, for a :class:`LineCollection`."""
    parts = _flat_parts(geoms)
    if not len(parts):
        return []
    lines = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    if not len(lines):
        return []
    coords, index = shapely.get_coordinates(lines, return_index=True)
    return np.split(coords, np.flatnonzero(np.diff(index)) + 1)


def _dashes(on_pt: float, off_pt: float, linewidth_pt: float) -> tuple[int, tuple[float, ...]]:
    """A dash pattern in points; matplotlib scales dash patterns by the line width."""
    return (0, (on_pt / linewidth_pt, off_pt / linewidth_pt))


def incident_radii_px(fatalities: pd.Series) -> np.ndarray:
    """Marker radius in pixels per incident, as :func:`style.radius_for_fatalities`.

    The scalar function is evaluated once per distinct value, so the scale has one
    definition and 100,000 rows cost a handful of calls.
    """
    values = pd.to_numeric(pd.Series(fatalities), errors="coerce").astype("Float64")
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    radii = np.array([style.radius_for_fatalities(float(v)) for v in distinct] + [0.0])
    out = radii[codes]  # code -1 (unknown toll) picks the trailing slot, replaced below
    out[codes < 0] = style.radius_for_fatalities(None)
    return out


# --------------------------------------------------------------------------- map layers


def _draw_countries(
    ax: Axes, countries: gpd.GeoDataFrame, view: Box, tolerance: float
) -> list[str]:
    """Country fills and outlines; returns the fill classes present in the view."""
    geoms = _prepare(countries.geometry.to_numpy(), view, tolerance)
    disputed = countries["disputed"].to_numpy(bool)
    focus = countries["focus"].to_numpy(bool)
    present = []
    classes = (
        ("neighbour", ~focus & ~disputed, style.NEIGHBOUR_FILL, "solid"),
        ("focus", focus & ~disputed, style.FOCUS_FILL, "solid"),
        ("disputed", disputed, style.DISPUTED_FILL, _dashes(3.0, 2.25, 0.45)),
    )
    for name, chosen, fill, linestyle in classes:
        path = _polygon_path(geoms[chosen])
        if path is None:
            continue
        present.append(name)
        ax.add_patch(
            PathPatch(
                path,
                facecolor=fill,
                edgecolor=style.COUNTRY_OUTLINE,
                linewidth=0.45,
                linestyle=linestyle,
                zorder=1,
            )
        )
    return present


def _draw_zones(ax: Axes, zones: gpd.GeoDataFrame, view: Box, tolerance: float) -> bool:
    path = _polygon_path(_prepare(zones.geometry.to_numpy(), view, tolerance))
    if path is None:
        return False
    ax.add_patch(
        PathPatch(
            path,
            facecolor=to_rgba(style.ZONE_FILL, 0.35),
            edgecolor=style.ZONE_COLOR,
            linewidth=1 * PX_TO_PT,
            zorder=2,
        )
    )
    return True


def _draw_borders(
    ax: Axes, borders: gpd.GeoDataFrame, view: Box, tolerance: float, highlight: tuple[str, ...]
) -> set[str]:
    """Border lines by style; returns which styles were drawn."""
    geoms = _prepare(borders.geometry.to_numpy(), view, tolerance)
    disputed = borders["disputed"].to_numpy(bool)
    chosen = borders["pair"].isin(highlight).to_numpy(bool)
    drawn = set()
    for is_chosen in (False, True):
        width = (4.5 if is_chosen else 2.2) * PX_TO_PT
        color = style.HIGHLIGHT_BORDER_COLOR if is_chosen else style.BORDER_COLOR
        for is_disputed in (False, True):
            segments = _line_parts(geoms[(chosen == is_chosen) & (disputed == is_disputed)])
            if not segments:
                continue
            drawn.add("selected" if is_chosen else ("disputed" if is_disputed else "border"))
            if is_chosen and is_disputed:
                drawn.add("disputed")
            linestyle = _dashes(6 * PX_TO_PT, 5 * PX_TO_PT, width) if is_disputed else "solid"
            ax.add_collection(
                LineCollection(
                    segments,
                    colors=[to_rgba(color, 0.9)],
                    linewidths=width,
                    linestyles=[linestyle],
                    capstyle="round",
                    zorder=3,
                )
            )
    return drawn


def _draw_regimes(ax: Axes, regimes: gpd.GeoDataFrame, view: Box, tolerance: float) -> set[str]:
    geoms = _prepare(regimes.geometry.to_numpy(), view, tolerance)
    closure = (regimes["kind"] == "border_closure").to_numpy(bool)
    width = 6 * PX_TO_PT
    drawn = set()
    for name, chosen, color, linestyle in (
        ("closure", closure, style.CLOSED_COLOR, "solid"),
        ("barrier", ~closure, style.BARRIER_COLOR, _dashes(2 * PX_TO_PT, 7 * PX_TO_PT, width)),
    ):
        segments = _line_parts(geoms[chosen])
        if not segments:
            continue
        drawn.add(name)
        ax.add_collection(
            LineCollection(
                segments,
                colors=[to_rgba(color, 0.75)],
                linewidths=width,
                linestyles=[linestyle],
                capstyle="butt",
                zorder=5,
            )
        )
    return drawn


def _draw_styled(
    ax: Axes,
    areas: gpd.GeoDataFrame | None,
    lines: gpd.GeoDataFrame | None,
    view: Box,
    tolerance: float,
) -> list[tuple]:
    """Draw extra areas and lines in their own colours; return their legend rows."""
    rows: list[tuple] = []
    for label, group in [] if areas is None else areas.groupby("label", sort=False):
        path = _polygon_path(_prepare(group.geometry.to_numpy(), view, tolerance))
        if path is None:
            continue
        color = group["color"].iloc[0]
        ax.add_patch(
            PathPatch(
                path,
                facecolor=to_rgba(color, 0.3),
                edgecolor=color,
                linewidth=2.5 * PX_TO_PT,
                zorder=3,
            )
        )
        rows.append(("area", to_rgba(color, 0.3), color, str(label)))
    width = 5 * PX_TO_PT
    for label, group in [] if lines is None else lines.groupby("label", sort=False):
        segments = _line_parts(_prepare(group.geometry.to_numpy(), view, tolerance))
        if not segments:
            continue
        color = group["color"].iloc[0]
        ax.add_collection(
            LineCollection(
                segments,
                colors=[to_rgba(color, 0.75)],
                linewidths=width,
                capstyle="round",
                zorder=5,
            )
        )
        rows.append(("line", color, 5, None, 0.75, str(label)))
    return rows


def _draw_country_labels(
    ax: Axes, countries: gpd.GeoDataFrame, view: Box, tolerance: float
) -> None:
    """Names of the focus countries that show a fair part of themselves in the view."""
    minx, miny, maxx, maxy = view
    focus = countries[countries["focus"].to_numpy(bool)]
    if focus.empty:
        return
    visible = shapely.clip_by_rect(
        shapely.simplify(focus.geometry.to_numpy(), tolerance * 4), minx, miny, maxx, maxy
    )
    view_area = (maxx - minx) * (maxy - miny)
    points = shapely.point_on_surface(visible)
    for name, disputed, area, point in zip(
        focus["name_en"], focus["disputed"], shapely.area(visible), points, strict=True
    ):
        if area < 0.004 * view_area or shapely.is_empty(point):
            continue
        ax.text(
            point.x,
            point.y,
            f"{name} (disputed)" if disputed else str(name),
            fontsize=_FONT_PT - 0.5,
            color="#5b4a2f",
            ha="center",
            va="center",
            fontstyle="italic" if disputed else "normal",
            path_effects=_LABEL_HALO,
            clip_on=True,
            zorder=4,
            parse_math=False,
        )


def _draw_crossings(ax: Axes, crossings: pd.DataFrame) -> bool:
    placed = crossings.dropna(subset=["longitude", "latitude"])
    if placed.empty:
        return False
    ax.scatter(
        placed["longitude"].to_numpy(float),
        placed["latitude"].to_numpy(float),
        s=(10 * PX_TO_PT) ** 2,
        marker="D",
        c=style.CROSSING_COLOR,
        edgecolors="white",
        linewidths=0.8,
        zorder=6,
    )
    return True


def _draw_links(ax: Axes, links: pd.DataFrame, pt_per_deg: tuple[float, float]) -> bool:
    """Curved arcs from origin to incident, with an arrowhead sized in points."""
    columns = ["origin_lon", "origin_lat", "target_lon", "target_lat"]
    placed = links.dropna(subset=columns)
    if placed.empty:
        return False
    ends = placed[columns].to_numpy(float)
    # arc_coordinates gives (lat, lon) pairs; matplotlib wants (x, y) = (lon, lat).
    arcs = [np.asarray(arc_coordinates((x0, y0), (x1, y1)))[:, ::-1] for x0, y0, x1, y1 in ends]
    ax.add_collection(
        LineCollection(
            arcs,
            colors=[to_rgba(style.LINK_COLOR, 0.85)],
            linewidths=2.5 * PX_TO_PT,
            capstyle="round",
            zorder=7,
        )
    )
    # Arrowheads: triangles built in points along each arc's last stretch, then back to degrees.
    sx, sy = pt_per_deg
    tips = np.array([arc[-1] for arc in arcs])
    before = np.array([arc[-3] for arc in arcs])
    direction = (tips - before) * (sx, sy)
    norm = np.hypot(direction[:, 0], direction[:, 1])
    norm[norm == 0] = 1.0
    unit = direction / norm[:, None]
    normal = np.column_stack([-unit[:, 1], unit[:, 0]])
    length, half_width = 9.0, 4.0
    back = -unit * length
    corners = np.stack(
        [np.zeros_like(unit), back + normal * half_width, back - normal * half_width], axis=1
    )
    triangles = tips[:, None, :] + corners / (sx, sy)
    ax.add_collection(
        PolyCollection(triangles, facecolors=style.LINK_COLOR, edgecolors="none", zorder=7)
    )
    return True


def _draw_incidents(
    ax: Axes, incidents: pd.DataFrame, *, rasterized: bool
) -> tuple[int, list[str]]:
    """Every placed incident in one scatter call; returns how many and which types were drawn."""
    lon = pd.to_numeric(incidents["longitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    lat = pd.to_numeric(incidents["latitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    placed = np.isfinite(lon) & np.isfinite(lat)
    if not placed.any():
        return 0, []
    radii = incident_radii_px(incidents["fatalities_best"].iloc[np.flatnonzero(placed)])
    codes, types = pd.factorize(incidents["event_type"].to_numpy()[placed])
    palette = np.array(
        [to_rgba(style.EVENT_COLORS.get(t, style.UNKNOWN_COLOR), INCIDENT_ALPHA) for t in types]
        + [to_rgba(style.UNKNOWN_COLOR, INCIDENT_ALPHA)]
    )
    colors = palette[codes]  # code -1 (missing type) takes the trailing unknown colour
    order = np.argsort(-radii, kind="stable")  # large circles under small ones
    ax.scatter(
        lon[placed][order],
        lat[placed][order],
        s=(2 * radii[order] * PX_TO_PT) ** 2,
        c=colors[order],
        edgecolors=INCIDENT_EDGE_COLOR,
        linewidths=1 * PX_TO_PT,
        marker="o",
        zorder=8,
        rasterized=rasterized,
    )
    return int(placed.sum()), [str(t) for t in types if pd.notna(t)]


def _draw_scale_bar(ax: Axes, view: Box, axes_size_pt: tuple[float, float]) -> None:
    """A four-segment km bar in the lower left, true at the view's centre latitude."""
    minx, miny, maxx, maxy = view
    km, degrees = scale_bar_km(view)
    width_pt, height_pt = axes_size_pt
    frac = degrees / (maxx - minx)
    x0, y0 = 12 / width_pt, 20 / height_pt
    bar_h = 4 / height_pt
    ax.add_patch(
        Rectangle(
            (x0 - 6 / width_pt, y0 - 14 / height_pt),
            frac + 12 / width_pt,
            44 / height_pt,
            transform=ax.transAxes,
            facecolor=(1, 1, 1, 0.8),
            edgecolor="none",
            zorder=9,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + i * frac / 4, y0),
                frac / 4,
                bar_h,
                transform=ax.transAxes,
                facecolor="#222222" if i % 2 == 0 else "white",
                edgecolor="#222222",
                linewidth=0.6,
                zorder=10,
            )
        )
    ax.text(
        x0 + frac / 2,
        y0 + bar_h + 3 / height_pt,
        f"{km:g} km",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=_FONT_PT,
        zorder=10,
        parse_math=False,
    )
    latitude = (miny + maxy) / 2
    hemisphere = "N" if latitude >= 0 else "S"
    ax.text(
        x0 + frac / 2,
        y0 - 3 / height_pt,
        f"true at {abs(latitude):.1f}° {hemisphere}",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=_FONT_PT - 2,
        color="#444444",
        zorder=10,
        parse_math=False,
    )


def _draw_north_arrow(ax: Axes) -> None:
    ax.annotate(
        "N",
        xy=(0.965, 0.97),
        xytext=(0.965, 0.89),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=_FONT_PT + 1,
        fontweight="bold",
        path_effects=_LABEL_HALO,
        zorder=10,
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.2},
        parse_math=False,
    )


def _degree_label(value: float, positive: str, negative: str) -> str:
    suffix = positive if value > 0 else (negative if value < 0 else "")
    return f"{abs(value):g}°{suffix}"


# --------------------------------------------------------------------------- legend


@dataclass
class _Presence:
    event_types: list[str]
    incidents: bool
    country_fills: list[str]
    borders: set[str]
    zone_km: float | None
    regimes: set[str]
    crossings: bool
    links: bool
    extras: list[tuple] = field(default_factory=list)


def _legend_rows(p: _Presence) -> list[tuple]:
    rows: list[tuple] = []
    if p.incidents:
        rows.append(("header", "Incident type"))
        for t in p.event_types:
            rows.append(
                ("dot", style.EVENT_COLORS.get(t, style.UNKNOWN_COLOR), EVENT_TYPES.get(t, t))
            )
        rows.append(("header", "Deaths (best estimate; ? = unknown)"))
        rows.append(("sizes",))
    rows.append(("header", "Lines and areas"))
    if "border" in p.borders:
        rows.append(("line", style.BORDER_COLOR, 2.2, None, 0.9, "International land border"))
    if "disputed" in p.borders:
        rows.append(
            ("line", style.BORDER_COLOR, 2.2, (6, 5), 0.9, "Disputed / indeterminate boundary")
        )
    if "selected" in p.borders:
        rows.append(("line", style.HIGHLIGHT_BORDER_COLOR, 4.5, None, 0.9, "Selected border"))
    if "focus" in p.country_fills:
        rows.append(("area", style.FOCUS_FILL, style.COUNTRY_OUTLINE, "Country of the region"))
    if "neighbour" in p.country_fills:
        rows.append(("area", style.NEIGHBOUR_FILL, style.COUNTRY_OUTLINE, "Neighbouring country"))
    if "disputed" in p.country_fills:
        rows.append(
            (
                "area",
                style.DISPUTED_FILL,
                style.COUNTRY_OUTLINE,
                "Disputed territory (e.g. Western Sahara)",
            )
        )
    if p.zone_km is not None:
        rows.append(
            (
                "area",
                to_rgba(style.ZONE_FILL, 0.35),
                style.ZONE_COLOR,
                f"Border zone ({p.zone_km:g} km either side)",
            )
        )
    if "closure" in p.regimes:
        rows.append(("line", style.CLOSED_COLOR, 6, None, 0.75, "Closed border"))
    if "barrier" in p.regimes:
        rows.append(("line", style.BARRIER_COLOR, 6, (2, 7), 0.75, "Border barrier (schematic)"))
    if p.crossings:
        rows.append(("crossing", "Border crossing point"))
    if p.links:
        rows.append(("link", "Cross-border link: documented origin → incident"))
    return rows + p.extras


_LEGEND_SIZES = (*style.LEGEND_FATALITIES, None)


def _legend_wrap(text: str, room_pt: float, font: float, weight: str = "normal") -> str:
    return "\n".join(_wrap(text, room_pt, font, weight=weight))


def _legend_text_x(scale: float) -> float:
    return 8 + 24 * scale


def _legend_row_height(row: tuple, width_pt: float, scale: float) -> float:
    """Height of one legend row in points at ``scale``."""
    font = _FONT_PT * scale
    kind = row[0]
    if kind == "header":
        lines = _legend_wrap(row[1], width_pt - 12, font, "bold").count("\n") + 1
        return font * 1.25 * lines + font * 0.9
    if kind == "sizes":
        return 2 * style.MAX_RADIUS_PX * PX_TO_PT * scale + font * 1.9
    lines = _legend_wrap(row[-1], width_pt - _legend_text_x(scale) - 4, font).count("\n") + 1
    return max(font * 1.7, font * 1.25 * lines + font * 0.5)


def _legend_height_pt(p: _Presence, width_pt: float, scale: float = 1.0) -> float:
    """Height the legend needs at ``scale``, padding included."""
    rows = _legend_rows(p)
    return 12 * scale + sum(_legend_row_height(r, width_pt, scale) for r in rows)


def _draw_legend(ax: Axes, p: _Presence, size_pt: tuple[float, float]) -> None:
    """The legend, laid out in points from the top left of its panel; shrunk to fit."""
    width_pt, height_pt = size_pt
    rows = _legend_rows(p)
    scale = 1.0
    while scale > 0.4 and _legend_height_pt(p, width_pt, scale) > height_pt:
        scale *= 0.95
    font = _FONT_PT * scale
    ax.set_xlim(0, width_pt)
    ax.set_ylim(height_pt, 0)
    ax.set_axis_off()
    ax.add_patch(
        Rectangle(
            (0, 0),
            width_pt,
            min(height_pt, _legend_height_pt(p, width_pt, scale)),
            facecolor="white",
            edgecolor="#cccccc",
            linewidth=0.6,
            zorder=0,
        )
    )
    x_symbol, x_text = 8 + 9 * scale, _legend_text_x(scale)
    y = 6 * scale
    for row in rows:
        h = _legend_row_height(row, width_pt, scale)
        mid = y + h / 2
        kind = row[0]
        if kind == "header":
            ax.text(
                6,
                y + font * 0.6,
                _legend_wrap(row[1], width_pt - 12, font, "bold"),
                fontsize=font,
                fontweight="bold",
                va="top",
                ha="left",
                parse_math=False,
            )
        elif kind == "sizes":
            biggest = 2 * style.MAX_RADIUS_PX * PX_TO_PT * scale
            x = 8.0
            for n in _LEGEND_SIZES:
                d = 2 * style.radius_for_fatalities(n) * PX_TO_PT * scale
                ax.scatter(
                    [x + d / 2],
                    [y + 2 + biggest - d / 2],
                    s=d**2,
                    facecolors="#bbbbbb",
                    edgecolors=INCIDENT_EDGE_COLOR,
                    linewidths=0.75,
                )
                ax.text(
                    x + d / 2,
                    y + 4 + biggest,
                    "?" if n is None else str(n),
                    fontsize=font - 0.5,
                    ha="center",
                    va="top",
                    parse_math=False,
                )
                x += max(d, font * 1.6) + 10 * scale
        else:
            if kind == "dot":
                ax.scatter(
                    [x_symbol],
                    [mid],
                    s=(8 * scale) ** 2,
                    facecolors=[to_rgba(row[1], INCIDENT_ALPHA)],
                    edgecolors=INCIDENT_EDGE_COLOR,
                    linewidths=0.75,
                )
            elif kind == "line":
                _, color, width_px, dash_px, alpha, _ = row
                lw = width_px * PX_TO_PT
                linestyle = (
                    _dashes(dash_px[0] * PX_TO_PT, dash_px[1] * PX_TO_PT, lw) if dash_px else "-"
                )
                ax.add_line(
                    Line2D(
                        [x_symbol - 9 * scale, x_symbol + 9 * scale],
                        [mid, mid],
                        color=color,
                        alpha=alpha,
                        linewidth=lw * scale,
                        linestyle=linestyle,
                        solid_capstyle="butt",
                        dash_capstyle="butt",
                    )
                )
            elif kind == "area":
                ax.add_patch(
                    Rectangle(
                        (x_symbol - 9 * scale, mid - 5 * scale),
                        18 * scale,
                        10 * scale,
                        facecolor=row[1],
                        edgecolor=row[2],
                        linewidth=0.75,
                    )
                )
            elif kind == "crossing":
                ax.scatter(
                    [x_symbol],
                    [mid],
                    s=(10 * PX_TO_PT * scale) ** 2,
                    marker="D",
                    c=style.CROSSING_COLOR,
                    edgecolors="white",
                    linewidths=0.8,
                )
            elif kind == "link":
                ax.annotate(
                    "",
                    xy=(x_symbol + 10 * scale, mid),
                    xytext=(x_symbol - 9 * scale, mid),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": style.LINK_COLOR,
                        "lw": 2.5 * PX_TO_PT * scale,
                        "shrinkA": 0,
                        "shrinkB": 0,
                    },
                    parse_math=False,
                )
            label = _legend_wrap(row[-1], width_pt - x_text - 4, font)
            ax.text(
                x_text,
                mid,
                label,
                fontsize=font,
                va="center",
                ha="left",
                linespacing=1.1,
                parse_math=False,
            )
        y += h


# --------------------------------------------------------------------------- the figure


def _wrap_lines(
    lines: list[str], width_in: float, font_pt: float, weight: str = "normal"
) -> list[str]:
    return [part for line in lines for part in _wrap(line, width_in * 72, font_pt, weight=weight)]


def _metadata(fmt: str, title: str, provenance: Provenance) -> dict[str, str]:
    description = " | ".join(provenance.as_lines())
    if fmt == "png":
        return {"Title": title, "Description": description, "Software": provenance.software}
    if fmt == "pdf":
        return {"Title": title, "Subject": description, "Creator": provenance.software}
    metadata = {"Title": title, "Description": description, "Creator": provenance.software}
    if provenance.generated_at:
        metadata["Date"] = provenance.generated_at
    return metadata


def render_snapshot(
    layers: SnapshotLayers,
    *,
    title: str,
    provenance: Provenance,
    fmt: str = "png",
    dpi: int = 150,
    size_in: tuple[float, float] = (11.0, 8.5),
) -> bytes:
    """Draw the map as a static image and return the file's bytes.

    Parameters
    ----------
    layers
        What to draw (:class:`SnapshotLayers`).
    title
        The title printed at the top (and stored as the file's Title metadata).
    provenance
        Filters, datasets, attribution and generation time, printed as a footer.
    fmt
        One of :data:`SNAPSHOT_FORMATS`: ``"png"``, ``"svg"`` or ``"pdf"``.
    dpi
        Resolution of the PNG (and of rasterised layers in SVG/PDF).
    size_in
        Page size ``(width, height)`` in inches; a PNG has ``size_in × dpi`` pixels.

    Returns
    -------
    bytes
        The PNG, SVG or PDF file.

    Raises
    ------
    ValueError
        For an unknown ``fmt``, a non-positive ``dpi`` or size, or non-finite bounds.
    """
    if fmt not in SNAPSHOT_FORMATS:
        raise ValueError(f"unknown snapshot format {fmt!r}; allowed: {', '.join(SNAPSHOT_FORMATS)}")
    if dpi <= 0 or min(size_in) <= 0:
        raise ValueError(f"dpi and size must be positive, got dpi={dpi}, size_in={size_in}")
    width_in, height_in = (float(v) for v in size_in)
    layers = _in_lonlat(layers)

    # Page layout, in inches: title; map frame (top-aligned) with the legend to its right;
    # the provenance footer under the map.
    title_lines = _wrap_lines([title], width_in - 2 * _MARGIN_IN, _TITLE_PT, "bold")
    footer_lines = _wrap_lines(provenance.as_lines(), width_in - 2 * _MARGIN_IN, _FOOTER_PT)
    title_h = len(title_lines) * _TITLE_PT * 1.3 / 72 + 0.12
    footer_h = len(footer_lines) * _FOOTER_PT * 1.4 / 72 + 0.1
    legend_w = min(max(0.26 * width_in, 1.8), 3.0)
    tick_room_x, tick_room_y, gap = 0.42, 0.22, 0.2
    map_left = _MARGIN_IN + tick_room_x
    map_top = height_in - _MARGIN_IN - title_h
    space_w = width_in - map_left - legend_w - gap - _MARGIN_IN
    space_h = map_top - _MARGIN_IN - footer_h - tick_room_y - 0.05
    if space_w <= 0.5 or space_h <= 0.5:
        raise ValueError(f"size_in {size_in} leaves no room for the map")
    coverage = tuple(layers.countries.total_bounds) if not layers.countries.empty else None
    view, map_w, map_h = _fit_view(layers.bounds, space_w, space_h, coverage=coverage)
    map_bottom = map_top - map_h

    minx, miny, maxx, maxy = view
    lat0 = (miny + maxy) / 2
    pt_per_deg = (map_w * 72 / (maxx - minx), map_h * 72 / (maxy - miny))
    detail_dpi = dpi if fmt == "png" else max(dpi, VECTOR_DETAIL_DPI)
    tolerance = 0.5 * (maxx - minx) / (map_w * detail_dpi)  # half an output pixel

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    try:
        ax = fig.add_axes(
            (map_left / width_in, map_bottom / height_in, map_w / width_in, map_h / height_in)
        )
        ax.set_facecolor(style.SEA_COLOR)
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect(1 / math.cos(math.radians(lat0)), adjustable="box", anchor="C")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _degree_label(v, "E", "W")))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _degree_label(v, "N", "S")))
        ax.tick_params(labelsize=_FONT_PT - 1.5, length=3, color="#777777", labelcolor="#555555")
        for spine in ax.spines.values():
            spine.set_edgecolor("#777777")
            spine.set_linewidth(0.6)

        fills = _draw_countries(ax, layers.countries, view, tolerance)
        zone_km = None
        has_zones = layers.zones is not None and not layers.zones.empty
        if has_zones and _draw_zones(ax, layers.zones, view, tolerance):
            zone_km = float(layers.zones["width_km"].iloc[0])
        borders = _draw_borders(ax, layers.borders, view, tolerance, layers.highlight_pairs)
        _draw_country_labels(ax, layers.countries, view, tolerance)
        extras = _draw_styled(ax, layers.styled_areas, layers.styled_lines, view, tolerance)
        regimes = set()
        if layers.regimes is not None and not layers.regimes.empty:
            regimes = _draw_regimes(ax, layers.regimes, view, tolerance)
        crossings = (
            layers.crossings is not None
            and not layers.crossings.empty
            and _draw_crossings(ax, layers.crossings)
        )
        links = (
            layers.links is not None
            and not layers.links.empty
            and _draw_links(ax, layers.links, pt_per_deg)
        )
        incidents = layers.incidents
        drawn, present_types = _draw_incidents(
            ax, incidents, rasterized=fmt != "png" and len(incidents) > RASTERIZE_ABOVE
        )
        skipped = len(incidents) - drawn
        if drawn == 0 and (layers.show_empty_note or skipped):
            ax.text(
                0.5,
                0.5,
                "No incidents match the filters"
                if skipped == 0
                else f"No incidents with coordinates ({skipped} without)",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=_FONT_PT + 3,
                color="#333333",
                zorder=11,
                bbox={
                    "boxstyle": "round,pad=0.5",
                    "facecolor": "white",
                    "alpha": 0.9,
                    "edgecolor": "#999999",
                },
                parse_math=False,
            )
        elif skipped:
            ax.text(
                0.99,
                0.01,
                f"{skipped:,} incident(s) without coordinates not drawn",
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize=_FONT_PT - 1.5,
                color="#333333",
                zorder=11,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
                parse_math=False,
            )
        _draw_scale_bar(ax, view, (map_w * 72, map_h * 72))
        _draw_north_arrow(ax)

        event_types = [t for t in EVENT_TYPES if t in present_types]
        event_types += sorted(set(present_types) - set(EVENT_TYPES))
        presence = _Presence(
            event_types,
            drawn > 0,
            fills,
            borders,
            zone_km,
            regimes,
            bool(crossings),
            bool(links),
            extras,
        )
        # The legend may run below the map frame when the frame is short (a wide region).
        legend_left = map_left + map_w + gap
        legend_h = min(max(map_h, _legend_height_pt(presence, legend_w * 72) / 72), space_h)
        legend_ax = fig.add_axes(
            (
                legend_left / width_in,
                (map_top - legend_h) / height_in,
                legend_w / width_in,
                legend_h / height_in,
            )
        )
        _draw_legend(legend_ax, presence, (legend_w * 72, legend_h * 72))
        footer_top = min(map_bottom - tick_room_y, map_top - legend_h) - 0.05

        fig.text(
            _MARGIN_IN / width_in,
            1 - _MARGIN_IN / height_in,
            "\n".join(title_lines),
            ha="left",
            va="top",
            fontsize=_TITLE_PT,
            fontweight="bold",
            linespacing=1.15,
            parse_math=False,
        )
        fig.add_artist(
            Line2D(
                [_MARGIN_IN / width_in, 1 - _MARGIN_IN / width_in],
                [footer_top / height_in] * 2,
                color="#bbbbbb",
                linewidth=0.6,
            )
        )
        fig.text(
            _MARGIN_IN / width_in,
            (footer_top - 0.06) / height_in,
            "\n".join(footer_lines),
            ha="left",
            va="top",
            fontsize=_FOOTER_PT,
            color="#333333",
            linespacing=1.3,
            parse_math=False,
        )

        buffer = io.BytesIO()
        with _SAVE_LOCK, matplotlib.rc_context(_SAVE_RC):
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt, title, provenance))
        return buffer.getvalue()
    finally:
        fig.clear()
