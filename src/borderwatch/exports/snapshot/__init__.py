"""A static map snapshot (PNG, SVG, PDF) of a map view, drawn with matplotlib: offline.

The image carries the interactive map's colours and symbols (both read
:mod:`borderwatch.mapping.style`) and legend entries (both read the view's legend), a
title, a scale bar measured on the WGS84 ellipsoid and the export's provenance as a footer.
It shows the view's bounds, widened to fill its frame.

Modules: :mod:`.page` lays out the page, title, legend panel, footer and file;
:mod:`.geometry` fits the view and clips and simplifies shapes; :mod:`.layers` draws each
layer; :mod:`.legend` the legend; :mod:`.furniture` the frame, scale bar and north arrow;
:mod:`.text` measures and wraps text.

Only the object-oriented matplotlib API is used, on the Agg canvas (``Figure`` +
``FigureCanvasAgg``): no pyplot state, so rendering is safe from Streamlit's script threads.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from borderwatch.exports import SNAPSHOT_FORMATS
from borderwatch.exports.provenance import Provenance
from borderwatch.exports.snapshot.furniture import (
    draw_north_arrow,
    draw_scale_bar,
    map_axes,
    scale_bar_km,
)
from borderwatch.exports.snapshot.geometry import Box
from borderwatch.exports.snapshot.layers import (
    INCIDENT_ALPHA,
    MapFrame,
    draw_layers,
    incident_radii_px,
)
from borderwatch.exports.snapshot.legend import printed_rows
from borderwatch.exports.snapshot.page import (
    TICK_ROOM_Y_IN,
    PageLayout,
    add_legend_panel,
    add_title_and_footer,
    layout_page,
    metadata,
    save,
)
from borderwatch.exports.snapshot.trend import TREND_LABELS_IN, TREND_PANEL_IN, draw_trend_panel
from borderwatch.mapping.view import MapView

__all__ = [
    "INCIDENT_ALPHA",
    "SNAPSHOT_FORMATS",
    "incident_radii_px",
    "render_snapshot",
    "scale_bar_km",
]


#: Vector formats are simplified for this resolution, so they stay sharp when zoomed in.
VECTOR_DETAIL_DPI = 600


def render_snapshot(
    view: MapView,
    *,
    provenance: Provenance,
    title: str | None = None,
    fmt: str = "png",
    dpi: int = 150,
    size_in: tuple[float, float] = (11.0, 8.5),
    trend: pd.DataFrame | None = None,
) -> bytes:
    """Draw the view as a static image and return the file's bytes.

    Parameters
    ----------
    view
        What to draw, where, and its legend (:class:`~borderwatch.mapping.view.MapView`).
    provenance
        Filters, datasets, attribution and generation time, printed as a footer.
    title
        The title printed at the top (and stored as the file's Title metadata); the
        view's title by default.
    fmt
        One of :data:`SNAPSHOT_FORMATS`: ``"png"``, ``"svg"`` or ``"pdf"``.
    dpi
        Resolution of the PNG (and of rasterised layers in SVG/PDF).
    size_in
        Page size ``(width, height)`` in inches; a PNG has ``size_in × dpi`` pixels.
    trend
        Monthly totals of the selection (``period``, ``incidents``, ``deaths_best``,
        ``unknown_tolls``) to draw as a panel under the map, or ``None``. The panel takes
        :data:`~borderwatch.exports.snapshot.trend.TREND_PANEL_IN` plus its labels from the
        page's height: make the page that much taller.

    Returns
    -------
    bytes
        The PNG, SVG or PDF file.

    Raises
    ------
    ValueError
        For an unknown ``fmt``, a non-positive ``dpi`` or size, or a page too small.
    """
    _check_options(fmt, dpi, size_in)
    title = view.title if title is None else title
    width_in, height_in = (float(v) for v in size_in)
    page = layout_page(
        view.bounds,
        coverage=_coverage(view),
        title=title,
        provenance=provenance,
        size_in=(width_in, height_in),
        reserve_below_in=0.0 if trend is None else TREND_PANEL_IN + TREND_LABELS_IN + 0.35,
    )
    fig = Figure(figsize=(width_in, height_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    try:
        frame = _map_frame(fig, page, fmt=fmt, dpi=dpi)
        drawn = draw_layers(frame, view)
        draw_scale_bar(frame.ax, page.view, (page.map_rect[2] * 72, page.map_rect[3] * 72))
        draw_north_arrow(frame.ax)
        legend_bottom = add_legend_panel(fig, page, printed_rows(view.legend, drawn))
        if trend is not None:
            legend_bottom = _add_trend(fig, page, legend_bottom, trend)
        add_title_and_footer(fig, page, legend_bottom=legend_bottom)
        return save(fig, fmt=fmt, dpi=dpi, meta=metadata(fmt, title, provenance))
    finally:
        fig.clear()


def _add_trend(fig: Figure, page: PageLayout, legend_bottom: float, trend: pd.DataFrame) -> float:
    """The trend panel under the map and legend, across both; returns the lowest edge
    drawn (its date labels), where the footer starts."""
    top = min(page.map_rect[1] - TICK_ROOM_Y_IN, legend_bottom) - 0.3
    left = page.map_rect[0]
    width = page.legend_left + page.legend_width - left
    draw_trend_panel(fig, (left, top - TREND_PANEL_IN, width, TREND_PANEL_IN), trend)
    return top - TREND_PANEL_IN - TREND_LABELS_IN


def _check_options(fmt: str, dpi: int, size_in: tuple[float, float]) -> None:
    if fmt not in SNAPSHOT_FORMATS:
        raise ValueError(f"unknown snapshot format {fmt!r}; allowed: {', '.join(SNAPSHOT_FORMATS)}")
    if dpi <= 0 or min(size_in) <= 0:
        raise ValueError(f"dpi and size must be positive, got dpi={dpi}, size_in={size_in}")


def _coverage(view: MapView) -> Box | None:
    """The country layer's extent: the view never widens past it (land drawn as sea)."""
    if view.countries.empty:
        return None
    minx, miny, maxx, maxy = (float(v) for v in view.countries.total_bounds)
    return (minx, miny, maxx, maxy)


def _map_frame(fig: Figure, page: PageLayout, *, fmt: str, dpi: int) -> MapFrame:
    """The map axes, and the scale the layers are drawn at."""
    minx, miny, maxx, maxy = page.view
    _, _, map_w, map_h = page.map_rect
    detail_dpi = dpi if fmt == "png" else max(dpi, VECTOR_DETAIL_DPI)
    return MapFrame(
        ax=map_axes(fig, page.map_rect, page.view),
        view=page.view,
        tolerance=0.5 * (maxx - minx) / (map_w * detail_dpi),  # half an output pixel
        pt_per_deg=(map_w * 72 / (maxx - minx), map_h * 72 / (maxy - miny)),
        vector=fmt != "png",
    )
