"""Map furniture of the snapshot: the map frame with graticule labels, scale bar, north arrow."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from borderwatch.exports.snapshot.geometry import Box
from borderwatch.exports.snapshot.text import FONT_PT, LABEL_HALO
from borderwatch.geodesy import geodesic_distance_km
from borderwatch.mapping import style

#: Share of the map width the scale bar aims at (it is rounded down to 1, 2 or 5 x 10^n km).
SCALE_BAR_FRACTION = 0.2
FRAME_COLOR = "#777777"


def map_axes(fig: Figure, rect_in: Box, view: Box) -> Axes:
    """The map frame at ``rect_in`` (left, bottom, width, height in inches) showing ``view``,
    with the sea as background and degree labels on its left and bottom edges."""
    width_in, height_in = fig.get_size_inches()
    left, bottom, width, height = rect_in
    ax = fig.add_axes((left / width_in, bottom / height_in, width / width_in, height / height_in))
    minx, miny, maxx, maxy = view
    ax.set_facecolor(style.SEA_COLOR)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)), adjustable="box", anchor="C")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: degree_label(v, "E", "W")))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: degree_label(v, "N", "S")))
    ax.tick_params(labelsize=FONT_PT - 1.5, length=3, color=FRAME_COLOR, labelcolor="#555555")
    for spine in ax.spines.values():
        spine.set_edgecolor(FRAME_COLOR)
        spine.set_linewidth(0.6)
    return ax


def degree_label(value: float, positive: str, negative: str) -> str:
    """``12°E``, ``5°S``, ``0°``."""
    suffix = positive if value > 0 else (negative if value < 0 else "")
    return f"{abs(value):g}°{suffix}"


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


def draw_scale_bar(ax: Axes, view: Box, axes_size_pt: tuple[float, float]) -> None:
    """A four-segment km bar in the lower left, true at the view's centre latitude."""
    minx, miny, maxx, maxy = view
    km, degrees = scale_bar_km(view)
    width_pt, height_pt = axes_size_pt
    frac = degrees / (maxx - minx)
    x0, y0 = 12 / width_pt, 20 / height_pt
    bar_h = 4 / height_pt
    backdrop = Rectangle(
        (x0 - 6 / width_pt, y0 - 14 / height_pt),
        frac + 12 / width_pt,
        44 / height_pt,
        transform=ax.transAxes,
        facecolor=(1, 1, 1, 0.8),
        edgecolor="none",
        zorder=9,
    )
    ax.add_patch(backdrop)
    for i in range(4):
        segment = Rectangle(
            (x0 + i * frac / 4, y0),
            frac / 4,
            bar_h,
            transform=ax.transAxes,
            facecolor="#222222" if i % 2 == 0 else "white",
            edgecolor="#222222",
            linewidth=0.6,
            zorder=10,
        )
        ax.add_patch(segment)
    latitude = (miny + maxy) / 2
    true_at = f"true at {abs(latitude):.1f}° {'N' if latitude >= 0 else 'S'}"
    labels = (
        (y0 + bar_h + 3 / height_pt, "bottom", f"{km:g} km", FONT_PT, "black"),
        (y0 - 3 / height_pt, "top", true_at, FONT_PT - 2, "#444444"),
    )
    for y, va, text, size, color in labels:
        ax.text(
            x0 + frac / 2,
            y,
            text,
            transform=ax.transAxes,
            ha="center",
            va=va,
            fontsize=size,
            color=color,
            zorder=10,
            parse_math=False,
        )


def draw_north_arrow(ax: Axes) -> None:
    """An arrow marked N in the upper right (north is up in this projection)."""
    ax.annotate(
        "N",
        xy=(0.965, 0.97),
        xytext=(0.965, 0.89),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=FONT_PT + 1,
        fontweight="bold",
        path_effects=LABEL_HALO,
        zorder=10,
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.2},
        parse_math=False,
    )
