"""Draw a view's layers into the snapshot's map frame, styled by the map's style table.

Each drawing function returns the legend keys (:mod:`borderwatch.mapping.legend`) of the
symbols it actually drew inside the frame, so the printed legend lists only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import PathPatch

from borderwatch.exports.snapshot.geometry import (
    PX_TO_PT,
    Box,
    line_parts,
    line_pattern,
    line_width_pt,
    polygon_path,
    prepare,
)
from borderwatch.exports.snapshot.text import FONT_PT, LABEL_HALO
from borderwatch.links import arc_coordinates
from borderwatch.mapping import style
from borderwatch.mapping.legend import (
    CROSSING_KEY,
    INCIDENTS_KEY,
    MEMBERS_KEY,
    ZONE_KEY,
    change_key,
    event_key,
    kind_key,
)
from borderwatch.mapping.style import AreaStyle, LineStyle
from borderwatch.mapping.view import ArrangementLayer, MapView

#: Fill opacity and outline of incident circles, as on the interactive map.
INCIDENT_ALPHA = style.INCIDENT_FILL_OPACITY
INCIDENT_EDGE_COLOR = style.INCIDENT_OUTLINE
#: Above this many incidents, vector formats embed the incident layer as an image.
RASTERIZE_ABOVE = 5_000
#: Size of a crossing diamond in CSS pixels (as the interactive map's marker).
CROSSING_PX = 10.0
LABEL_COLOR = "#5b4a2f"


@dataclass(frozen=True)
class MapFrame:
    """Where layers are drawn.

    Parameters
    ----------
    ax
        The map axes.
    view
        The extent shown, ``(minx, miny, maxx, maxy)``.
    tolerance
        Simplification tolerance in degrees (half an output pixel).
    pt_per_deg
        Points per degree of longitude and of latitude, for symbols sized in points.
    vector
        Whether the output is SVG or PDF (many incidents are then embedded as an image).
    """

    ax: Axes
    view: Box
    tolerance: float
    pt_per_deg: tuple[float, float]
    vector: bool


def draw_layers(frame: MapFrame, view: MapView) -> set[str]:
    """Every layer of ``view``, bottom to top; returns the legend keys drawn."""
    drawn = draw_countries(frame, view.countries)
    if view.zones is not None and not view.zones.empty:
        drawn |= _draw_area(frame, view.zones, style.AREAS["zone"], ZONE_KEY, zorder=2)
    if view.changes is not None:
        for flag in ("rise", "fall"):
            areas = view.changes[view.changes["flag"] == flag]
            if not areas.empty:
                drawn |= _draw_area(frame, areas, style.AREAS[flag], change_key(flag), zorder=2)
    drawn |= draw_borders(frame, view.borders, view.highlight_pairs)
    draw_country_labels(frame, view.countries)
    if view.arrangements is not None:
        drawn |= draw_arrangements(frame, view.arrangements, view.countries)
    if view.regimes is not None and not view.regimes.empty:
        drawn |= draw_regimes(frame, view.regimes)
    if view.crossings is not None and not view.crossings.empty:
        drawn |= draw_crossings(frame, view.crossings)
    if view.links is not None and not view.links.empty:
        drawn |= draw_links(frame, view.links)
    if view.cells is not None:  # counted elsewhere (team mode): the cells, as on screen
        drawn |= draw_cells(frame, view.cells, view.cell_deg)
    elif view.incidents is not None:
        drawn |= draw_incidents(frame, view.incidents)
    return drawn


def _add_lines(
    frame: MapFrame, geoms: np.ndarray, line: LineStyle, *, capstyle: str, zorder: int
) -> bool:
    """Clip, simplify and draw ``geoms`` as one collection of ``line``; whether any showed."""
    segments = line_parts(prepare(geoms, frame.view, frame.tolerance))
    if not segments:
        return False
    frame.ax.add_collection(
        LineCollection(
            segments,
            colors=[to_rgba(line.color, line.opacity)],
            linewidths=line_width_pt(line),
            linestyles=[line_pattern(line)],
            capstyle=capstyle,
            zorder=zorder,
        )
    )
    return True


def _draw_area(
    frame: MapFrame, polygons: gpd.GeoDataFrame, area: AreaStyle, key: str, *, zorder: int
) -> set[str]:
    """Clip, simplify and draw ``polygons`` as ``area``; returns ``{key}`` if any showed."""
    path = polygon_path(prepare(polygons.geometry.to_numpy(), frame.view, frame.tolerance))
    if path is None:
        return set()
    outline = LineStyle(area.outline, area.outline_px, "", dash_px=area.outline_dash_px)
    frame.ax.add_patch(
        PathPatch(
            path,
            facecolor=to_rgba(area.fill, area.fill_opacity),
            edgecolor=outline.color,
            linewidth=line_width_pt(outline),
            linestyle=line_pattern(outline),
            zorder=zorder,
        )
    )
    return {key}


def draw_countries(frame: MapFrame, countries: gpd.GeoDataFrame) -> set[str]:
    """Country fills and outlines; returns the fill kinds present in the view."""
    disputed = countries["disputed"].to_numpy(bool)
    focus = countries["focus"].to_numpy(bool)
    drawn: set[str] = set()
    kinds: tuple[tuple[style.AreaKind, np.ndarray], ...] = (
        ("neighbour", ~focus & ~disputed),
        ("focus", focus & ~disputed),
        ("disputed", disputed),
    )
    for kind, chosen in kinds:
        drawn |= _draw_area(frame, countries[chosen], style.AREAS[kind], kind, zorder=1)
    return drawn


def draw_borders(
    frame: MapFrame, borders: gpd.GeoDataFrame, highlight: tuple[str, ...]
) -> set[str]:
    """Border lines, disputed ones dashed, selected ones heavier; returns the kinds drawn."""
    geoms = borders.geometry.to_numpy()
    disputed = borders["disputed"].to_numpy(bool)
    chosen = borders["pair"].isin(highlight).to_numpy(bool)
    dashed = style.LINES["disputed_border"].dash_px
    drawn: set[str] = set()
    for is_chosen in (False, True):
        for is_disputed in (False, True):
            kind: style.LineKind = (
                "selected_border" if is_chosen else "disputed_border" if is_disputed else "border"
            )
            line = style.LINES[kind]
            if is_chosen and is_disputed:  # a selected disputed boundary keeps its dashes
                line = LineStyle(line.color, line.width_px, line.label, dashed, line.opacity)
            rows = (chosen == is_chosen) & (disputed == is_disputed)
            if _add_lines(frame, geoms[rows], line, capstyle="round", zorder=3):
                drawn |= {kind, "disputed_border"} if is_disputed else {kind}
    return drawn


def draw_regimes(frame: MapFrame, regimes: gpd.GeoDataFrame) -> set[str]:
    """Closed borders and barriers over the border lines; returns which were drawn."""
    geoms = regimes.geometry.to_numpy()
    closure = (regimes["kind"] == "border_closure").to_numpy(bool)
    drawn: set[str] = set()
    kinds: tuple[tuple[style.LineKind, np.ndarray], ...] = (
        ("closure", closure),
        ("barrier", ~closure),
    )
    for kind, chosen in kinds:
        if _add_lines(frame, geoms[chosen], style.LINES[kind], capstyle="butt", zorder=5):
            drawn.add(kind)
    return drawn


def draw_arrangements(
    frame: MapFrame, layer: ArrangementLayer, countries: gpd.GeoDataFrame
) -> set[str]:
    """Arrangement borders and arcs in their kind's colour, and the shown multilateral
    arrangement's members shaded; returns the kinds and roles drawn."""
    drawn: set[str] = set()
    shown = layer.shown()
    if shown is not None:
        members = countries[countries["iso3"].isin(shown["parties"])]
        area = style.arrangement_area(str(shown["kind"]), "")
        if _draw_area(frame, members, area, MEMBERS_KEY, zorder=3):
            drawn |= {MEMBERS_KEY, kind_key(str(shown["kind"]))}
    roles: dict[str, style.LineKind] = {"border": "arrangement_border", "arc": "arrangement_arc"}
    for (role, kind), group in layer.lines.groupby(["role", "kind"], sort=False):
        line = style.LINES[roles[str(role)]].in_color(style.ARRANGEMENT_COLORS[str(kind)])
        if _add_lines(frame, group.geometry.to_numpy(), line, capstyle="round", zorder=5):
            drawn |= {roles[str(role)], kind_key(str(kind))}
    return drawn


def draw_country_labels(frame: MapFrame, countries: gpd.GeoDataFrame) -> None:
    """Names of the focus countries that show a fair part of themselves in the view."""
    minx, miny, maxx, maxy = frame.view
    focus = countries[countries["focus"].to_numpy(bool)]
    if focus.empty:
        return
    visible = shapely.clip_by_rect(
        shapely.simplify(focus.geometry.to_numpy(), frame.tolerance * 4), minx, miny, maxx, maxy
    )
    view_area = (maxx - minx) * (maxy - miny)
    points = shapely.point_on_surface(visible)
    for name, disputed, area, point in zip(
        focus["name_en"], focus["disputed"], shapely.area(visible), points, strict=True
    ):
        if area < 0.004 * view_area or shapely.is_empty(point):
            continue
        frame.ax.text(
            point.x,
            point.y,
            f"{name} (disputed)" if disputed else str(name),
            fontsize=FONT_PT - 0.5,
            color=LABEL_COLOR,
            ha="center",
            va="center",
            fontstyle="italic" if disputed else "normal",
            path_effects=LABEL_HALO,
            clip_on=True,
            zorder=4,
            parse_math=False,
        )


def draw_crossings(frame: MapFrame, crossings: pd.DataFrame) -> set[str]:
    """Crossing points as diamonds."""
    placed = crossings.dropna(subset=["longitude", "latitude"])
    if placed.empty:
        return set()
    frame.ax.scatter(
        placed["longitude"].to_numpy(float),
        placed["latitude"].to_numpy(float),
        s=(CROSSING_PX * PX_TO_PT) ** 2,
        marker="D",
        c=style.CROSSING_COLOR,
        edgecolors="white",
        linewidths=0.8,
        zorder=6,
    )
    return {CROSSING_KEY}


def draw_links(frame: MapFrame, links: pd.DataFrame) -> set[str]:
    """Curved arcs from origin to incident, with an arrowhead sized in points."""
    columns = ["origin_lon", "origin_lat", "target_lon", "target_lat"]
    placed = links.dropna(subset=columns)
    if placed.empty:
        return set()
    line = style.LINES["link"]
    ends = placed[columns].to_numpy(float)
    # arc_coordinates gives (lat, lon) pairs; matplotlib wants (x, y) = (lon, lat).
    arcs = [np.asarray(arc_coordinates((x0, y0), (x1, y1)))[:, ::-1] for x0, y0, x1, y1 in ends]
    frame.ax.add_collection(
        LineCollection(
            arcs,
            colors=[to_rgba(line.color, line.opacity)],
            linewidths=line_width_pt(line),
            capstyle="round",
            zorder=7,
        )
    )
    frame.ax.add_collection(
        PolyCollection(
            list(_arrowheads(arcs, frame.pt_per_deg)),
            facecolors=line.color,
            edgecolors="none",
            zorder=7,
        )
    )
    return {"link"}


def _arrowheads(arcs: list[np.ndarray], pt_per_deg: tuple[float, float]) -> np.ndarray:
    """Triangles built in points along each arc's last stretch, then back to degrees."""
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
    return tips[:, None, :] + corners / (sx, sy)


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


def draw_incidents(frame: MapFrame, incidents: pd.DataFrame) -> set[str]:
    """Every placed incident in one scatter call, and a note on any that could not be.

    Returns the keys of the event types drawn, and of the size scale if any incident was.
    """
    lon = pd.to_numeric(incidents["longitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    lat = pd.to_numeric(incidents["latitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    placed = np.isfinite(lon) & np.isfinite(lat)
    _note_not_drawn(frame.ax, drawn=int(placed.sum()), skipped=int((~placed).sum()))
    if not placed.any():
        return set()
    radii = incident_radii_px(incidents["fatalities_best"].iloc[np.flatnonzero(placed)])
    codes, types = pd.factorize(incidents["event_type"].to_numpy()[placed])
    palette = np.array(
        [to_rgba(style.event_style(t).color, INCIDENT_ALPHA) for t in types]
        + [to_rgba(style.UNKNOWN_COLOR, INCIDENT_ALPHA)]
    )
    colors = palette[codes]  # code -1 (missing type) takes the trailing unknown colour
    _circles(frame, lon[placed], lat[placed], radii, colors, many=len(incidents))
    return {INCIDENTS_KEY} | {event_key(str(t)) for t in types if pd.notna(t)}


def _circles(
    frame: MapFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    radii: np.ndarray,
    colors: np.ndarray,
    *,
    many: int,
) -> None:
    """Outlined circles of ``radii`` pixels, the large under the small, as the interactive
    map draws incidents and cells; embedded as an image in vector formats above
    :data:`RASTERIZE_ABOVE` (``many``: how many the layer holds)."""
    order = np.argsort(-radii, kind="stable")
    frame.ax.scatter(
        lon[order],
        lat[order],
        s=(2 * radii[order] * PX_TO_PT) ** 2,
        c=colors[order],
        edgecolors=INCIDENT_EDGE_COLOR,
        linewidths=1 * PX_TO_PT,
        marker="o",
        zorder=8,
        rasterized=frame.vector and many > RASTERIZE_ABOVE,
    )


def draw_cells(frame: MapFrame, cells: pd.DataFrame, cell_deg: float | None) -> set[str]:
    """Incidents counted per grid cell, drawn as the interactive map draws them (a circle
    per cell in its most frequent type's colour, area growing with its incidents), and a
    note saying so. Returns the keys of the event types drawn."""
    if cells.empty:
        _note_not_drawn(frame.ax, drawn=0, skipped=0)
        return set()
    radii = style.cell_radii_px(cells["incidents"]).to_numpy(float)
    types = cells["main_type"].astype(object).to_numpy()
    colors = np.array(
        [to_rgba(style.event_style(str(t)).color, style.CELL_FILL_OPACITY) for t in types]
    )
    lon, lat = cells["longitude"].to_numpy(float), cells["latitude"].to_numpy(float)
    _circles(frame, lon, lat, radii, colors, many=len(cells))
    size = f"{cell_deg:g}° " if cell_deg else ""
    frame.ax.text(
        0.99,
        0.01,
        f"{int(cells['incidents'].sum()):,} incidents counted per {size}grid cell: "
        "circle area grows with the count; colour: the most frequent type",
        transform=frame.ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=FONT_PT - 1.5,
        color="#333333",
        zorder=11,
        parse_math=False,
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
    )
    return {event_key(str(t)) for t in set(types) if pd.notna(t)}


def _note_not_drawn(ax: Axes, *, drawn: int, skipped: int) -> None:
    """Say when no incident matches, or how many could not be placed."""
    note: dict[str, Any] = {
        "transform": ax.transAxes,
        "color": "#333333",
        "zorder": 11,
        "parse_math": False,
    }
    if drawn == 0:
        ax.text(
            0.5,
            0.5,
            "No incidents match the filters"
            if skipped == 0
            else f"No incidents with coordinates ({skipped} without)",
            ha="center",
            va="center",
            fontsize=FONT_PT + 3,
            bbox={
                "boxstyle": "round,pad=0.5",
                "facecolor": "white",
                "alpha": 0.9,
                "edgecolor": "#999999",
            },
            **note,
        )
    elif skipped:
        ax.text(
            0.99,
            0.01,
            f"{skipped:,} incident(s) without coordinates not drawn",
            ha="right",
            va="bottom",
            fontsize=FONT_PT - 1.5,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
            **note,
        )
