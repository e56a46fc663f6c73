"""The snapshot's page: layout in inches, title, legend panel, provenance footer, file.

Layout: the title on top; below it the map frame (top-aligned) with the legend to its
right; the provenance footer under both.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.typing import RcKeyType

from borderwatch.exports.provenance import Provenance
from borderwatch.exports.snapshot.geometry import Box, fit_view
from borderwatch.exports.snapshot.legend import Row, draw_legend, legend_height_pt
from borderwatch.exports.snapshot.text import FOOTER_PT, TITLE_PT, wrap_lines

MARGIN_IN = 0.3
#: Room for the degree labels left of and below the map frame, and the gap to the legend.
TICK_ROOM_X_IN, TICK_ROOM_Y_IN, GAP_IN = 0.42, 0.22, 0.2

# svg.fonttype / pdf.fonttype are read from the global rcParams when saving; the lock keeps
# concurrent renders (Streamlit sessions) from restoring each other's settings mid-save.
_SAVE_LOCK = threading.Lock()
_SAVE_RC: dict[RcKeyType, Any] = {"svg.fonttype": "none", "pdf.fonttype": 42}


@dataclass(frozen=True)
class PageLayout:
    """Where everything sits on the page, in inches from the bottom left.

    Parameters
    ----------
    size_in
        Page width and height.
    title_lines, footer_lines
        The wrapped title and provenance lines.
    view
        The map's extent, ``bounds`` widened to the frame's shape.
    map_rect
        The map frame: left, bottom, width, height.
    legend_left, legend_width
        The legend panel's left edge and width (its top is the map frame's).
    room_below_title
        Height available under the title for the map or the legend.
    """

    size_in: tuple[float, float]
    title_lines: list[str]
    footer_lines: list[str]
    view: Box
    map_rect: Box
    legend_left: float
    legend_width: float
    room_below_title: float

    @property
    def map_top(self) -> float:
        return self.map_rect[1] + self.map_rect[3]


def layout_page(
    bounds: Box,
    *,
    coverage: Box | None,
    title: str,
    provenance: Provenance,
    size_in: tuple[float, float],
    reserve_below_in: float = 0.0,
) -> PageLayout:
    """Lay out a page of ``size_in`` for a map of ``bounds``, leaving ``reserve_below_in``
    inches between the map and the footer (for a trend panel).

    Raises
    ------
    ValueError
        If the page leaves no room for the map.
    """
    width_in, height_in = size_in
    text_w = width_in - 2 * MARGIN_IN
    title_lines = wrap_lines([title], text_w, TITLE_PT, "bold")
    footer_lines = wrap_lines(provenance.as_lines(), text_w, FOOTER_PT)
    title_h = len(title_lines) * TITLE_PT * 1.3 / 72 + 0.12
    footer_h = len(footer_lines) * FOOTER_PT * 1.4 / 72 + 0.1
    legend_w = min(max(0.26 * width_in, 1.8), 3.0)
    map_left = MARGIN_IN + TICK_ROOM_X_IN
    map_top = height_in - MARGIN_IN - title_h
    space_w = width_in - map_left - legend_w - GAP_IN - MARGIN_IN
    space_h = map_top - MARGIN_IN - footer_h - TICK_ROOM_Y_IN - 0.05 - reserve_below_in
    if space_w <= 0.5 or space_h <= 0.5:
        raise ValueError(f"size_in {size_in} leaves no room for the map")
    view, map_w, map_h = fit_view(bounds, space_w, space_h, coverage=coverage)
    return PageLayout(
        size_in=(width_in, height_in),
        title_lines=title_lines,
        footer_lines=footer_lines,
        view=view,
        map_rect=(map_left, map_top - map_h, map_w, map_h),
        legend_left=map_left + map_w + GAP_IN,
        legend_width=legend_w,
        room_below_title=space_h,
    )


def add_legend_panel(fig: Figure, page: PageLayout, rows: list[Row]) -> float:
    """The legend to the right of the map; returns its bottom edge in inches.

    The panel is as tall as the map frame, or taller when the legend needs it (a wide
    region leaves a short frame), but never taller than the room under the title.
    """
    width_in, height_in = page.size_in
    needed = legend_height_pt(rows, page.legend_width * 72) / 72
    legend_h = min(max(page.map_rect[3], needed), page.room_below_title)
    bottom = page.map_top - legend_h
    ax = fig.add_axes(
        (
            page.legend_left / width_in,
            bottom / height_in,
            page.legend_width / width_in,
            legend_h / height_in,
        )
    )
    draw_legend(ax, rows, (page.legend_width * 72, legend_h * 72))
    return bottom


def add_title_and_footer(fig: Figure, page: PageLayout, *, legend_bottom: float) -> None:
    """The title at the top; a rule and the provenance lines under the map and legend."""
    width_in, height_in = page.size_in
    footer_top = min(page.map_rect[1] - TICK_ROOM_Y_IN, legend_bottom) - 0.05
    fig.text(
        MARGIN_IN / width_in,
        1 - MARGIN_IN / height_in,
        "\n".join(page.title_lines),
        ha="left",
        va="top",
        fontsize=TITLE_PT,
        fontweight="bold",
        linespacing=1.15,
        parse_math=False,
    )
    fig.add_artist(
        Line2D(
            [MARGIN_IN / width_in, 1 - MARGIN_IN / width_in],
            [footer_top / height_in] * 2,
            color="#bbbbbb",
            linewidth=0.6,
        )
    )
    fig.text(
        MARGIN_IN / width_in,
        (footer_top - 0.06) / height_in,
        "\n".join(page.footer_lines),
        ha="left",
        va="top",
        fontsize=FOOTER_PT,
        color="#333333",
        linespacing=1.3,
        parse_math=False,
    )


def metadata(fmt: str, title: str, provenance: Provenance) -> dict[str, str]:
    """The file's metadata in the keys each format knows."""
    description = " | ".join(provenance.as_lines())
    if fmt == "png":
        return {"Title": title, "Description": description, "Software": provenance.software}
    if fmt == "pdf":
        return {"Title": title, "Subject": description, "Creator": provenance.software}
    svg = {"Title": title, "Description": description, "Creator": provenance.software}
    if provenance.generated_at:
        svg["Date"] = provenance.generated_at
    return svg


def save(fig: Figure, *, fmt: str, dpi: int, meta: dict[str, str]) -> bytes:
    """The figure as a PNG, SVG or PDF file, text kept as text in the vector formats."""
    buffer = io.BytesIO()
    with _SAVE_LOCK, matplotlib.rc_context(_SAVE_RC):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=meta)
    return buffer.getvalue()
