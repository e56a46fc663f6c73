"""The snapshot's legend panel: the view's legend entries whose symbols were drawn.

Rows come from :attr:`borderwatch.mapping.view.MapView.legend`, the same entries the
interactive map's legend shows; this module only lays them out in points and draws their
swatches with matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from borderwatch.exports.snapshot.geometry import PX_TO_PT, line_pattern, line_width_pt
from borderwatch.exports.snapshot.layers import CROSSING_PX, INCIDENT_ALPHA, INCIDENT_EDGE_COLOR
from borderwatch.exports.snapshot.text import FONT_PT, wrap
from borderwatch.mapping import style
from borderwatch.mapping.legend import LegendEntry, LegendSection

#: A section title, or an entry under it.
Row = str | LegendEntry

_SIZES = (*style.LEGEND_FATALITIES, None)


def printed_rows(sections: Iterable[LegendSection], drawn: set[str]) -> list[Row]:
    """The rows of the printed legend: each section's printable entries that were drawn,
    under the section's title; sections left empty are dropped."""
    rows: list[Row] = []
    for section in sections:
        entries = [e for e in section.entries if e.shown_on("print") and e.key in drawn]
        if entries:
            rows += [section.title, *entries]
    return rows


def legend_height_pt(rows: list[Row], width_pt: float, scale: float = 1.0) -> float:
    """Height the legend needs at ``scale``, padding included."""
    return 12 * scale + sum(_row_height(r, width_pt, scale) for r in rows)


def draw_legend(ax: Axes, rows: list[Row], size_pt: tuple[float, float]) -> None:
    """The legend, laid out in points from the top left of its panel; shrunk to fit."""
    width_pt, height_pt = size_pt
    scale = 1.0
    while scale > 0.4 and legend_height_pt(rows, width_pt, scale) > height_pt:
        scale *= 0.95
    ax.set_xlim(0, width_pt)
    ax.set_ylim(height_pt, 0)
    ax.set_axis_off()
    panel_h = min(height_pt, legend_height_pt(rows, width_pt, scale))
    ax.add_patch(
        Rectangle(
            (0, 0),
            width_pt,
            panel_h,
            facecolor="white",
            edgecolor="#cccccc",
            linewidth=0.6,
            zorder=0,
            # The frame lies on the panel's edges: unclipped, its right and bottom
            # strokes are drawn whole instead of being cut in half by the axes.
            clip_on=False,
        )
    )
    y = 6 * scale
    for row in rows:
        height = _row_height(row, width_pt, scale)
        if isinstance(row, str):
            _draw_title(ax, row, y, width_pt, scale)
        elif row.symbol == "sizes":
            _draw_sizes(ax, y, scale)
        else:
            _draw_swatch(ax, row, y + height / 2, scale)
            _draw_label(ax, row.label, y + height / 2, width_pt, scale)
        y += height


def _wrapped(text: str, room_pt: float, font: float, weight: str = "normal") -> str:
    return "\n".join(wrap(text, room_pt, font, weight=weight))


def _text_x(scale: float) -> float:
    return 8 + 24 * scale


def _row_height(row: Row, width_pt: float, scale: float) -> float:
    """Height of one legend row in points at ``scale``."""
    font = FONT_PT * scale
    if isinstance(row, str):
        lines = _wrapped(row, width_pt - 12, font, "bold").count("\n") + 1
        return font * 1.25 * lines + font * 0.9
    if row.symbol == "sizes":
        return 2 * style.MAX_RADIUS_PX * PX_TO_PT * scale + font * 1.9
    lines = _wrapped(row.label, width_pt - _text_x(scale) - 4, font).count("\n") + 1
    return max(font * 1.7, font * 1.25 * lines + font * 0.5)


def _draw_title(ax: Axes, title: str, y: float, width_pt: float, scale: float) -> None:
    font = FONT_PT * scale
    ax.text(
        6,
        y + font * 0.6,
        _wrapped(title, width_pt - 12, font, "bold"),
        fontsize=font,
        fontweight="bold",
        va="top",
        ha="left",
        parse_math=False,
    )


def _draw_label(ax: Axes, label: str, mid: float, width_pt: float, scale: float) -> None:
    font = FONT_PT * scale
    ax.text(
        _text_x(scale),
        mid,
        _wrapped(label, width_pt - _text_x(scale) - 4, font),
        fontsize=font,
        va="center",
        ha="left",
        linespacing=1.1,
        parse_math=False,
    )


def _draw_sizes(ax: Axes, y: float, scale: float) -> None:
    """Circles for a few death tolls (and an unknown one), as sized on the map."""
    font = FONT_PT * scale
    biggest = 2 * style.MAX_RADIUS_PX * PX_TO_PT * scale
    x = 8.0
    for fatalities in _SIZES:
        d = 2 * style.radius_for_fatalities(fatalities) * PX_TO_PT * scale
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
            "?" if fatalities is None else str(fatalities),
            fontsize=font - 0.5,
            ha="center",
            va="top",
            parse_math=False,
        )
        x += max(d, font * 1.6) + 10 * scale


#: Swatch positions in points at scale 1: the symbol's centre and its half width.
_SWATCH_X, _SWATCH_HALF = 8.0, 9.0


def _draw_swatch(ax: Axes, entry: LegendEntry, mid: float, scale: float) -> None:
    """The entry's symbol, left of its label, centred at height ``mid``."""
    draw = _SWATCHES.get(entry.symbol)
    if draw is not None:
        draw(ax, entry, _SWATCH_X + _SWATCH_HALF * scale, mid, scale)


def _dot(ax: Axes, entry: LegendEntry, x: float, mid: float, scale: float) -> None:
    ax.scatter(
        [x],
        [mid],
        s=(8 * scale) ** 2,
        facecolors=[to_rgba(entry.color or style.UNKNOWN_COLOR, INCIDENT_ALPHA)],
        edgecolors=INCIDENT_EDGE_COLOR,
        linewidths=0.75,
    )


def _line(ax: Axes, entry: LegendEntry, x: float, mid: float, scale: float) -> None:
    if entry.line is None:
        return
    half = _SWATCH_HALF * scale
    ax.add_line(
        Line2D(
            [x - half, x + half],
            [mid, mid],
            color=entry.line.color,
            alpha=entry.line.opacity,
            linewidth=line_width_pt(entry.line) * scale,
            linestyle=line_pattern(entry.line),
            solid_capstyle="butt",
            dash_capstyle="butt",
        )
    )


def _area(ax: Axes, entry: LegendEntry, x: float, mid: float, scale: float) -> None:
    if entry.area is None:
        return
    ax.add_patch(
        Rectangle(
            (x - _SWATCH_HALF * scale, mid - 5 * scale),
            18 * scale,
            10 * scale,
            facecolor=to_rgba(entry.area.fill, entry.area.fill_opacity),
            edgecolor=entry.area.outline,
            linewidth=0.75,
        )
    )


def _crossing(ax: Axes, entry: LegendEntry, x: float, mid: float, scale: float) -> None:
    ax.scatter(
        [x],
        [mid],
        s=(CROSSING_PX * PX_TO_PT * scale) ** 2,
        marker="D",
        c=style.CROSSING_COLOR,
        edgecolors="white",
        linewidths=0.8,
    )


def _arrow(ax: Axes, entry: LegendEntry, x: float, mid: float, scale: float) -> None:
    if entry.line is None:
        return
    ax.annotate(
        "",
        xy=(x + 10 * scale, mid),
        xytext=(x - _SWATCH_HALF * scale, mid),
        arrowprops={
            "arrowstyle": "-|>",
            "color": entry.line.color,
            "lw": line_width_pt(entry.line) * scale,
            "shrinkA": 0,
            "shrinkB": 0,
        },
        parse_math=False,
    )


_SWATCHES: dict[str, Callable[[Axes, LegendEntry, float, float, float], None]] = {
    "dot": _dot,
    "line": _line,
    "area": _area,
    "crossing": _crossing,
    "arrow": _arrow,
}
