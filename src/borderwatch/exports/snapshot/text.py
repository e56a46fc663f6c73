"""Type sizes and word wrapping measured with the real font, for the snapshot's text."""

from __future__ import annotations

import threading

from matplotlib import patheffects
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

FONT_PT = 8.0
TITLE_PT = 15.0
FOOTER_PT = 6.5
#: A white outline that keeps labels legible over any fill.
LABEL_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]

# One measuring renderer per thread (at 72 dpi, so its pixels are points).
_MEASURE = threading.local()


def text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` set in the default font at ``size`` points, in points."""
    renderer = getattr(_MEASURE, "renderer", None)
    if renderer is None:
        renderer = _MEASURE.renderer = RendererAgg(1, 1, 72)
    prop = FontProperties(size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def wrap(text: str, width_pt: float, size: float, *, weight: str = "normal") -> list[str]:
    """Greedy word wrap measured with the real font; over-long words are cut."""

    def fits(candidate: str) -> bool:
        return text_width_pt(candidate, size, weight) <= width_pt

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


def wrap_lines(
    lines: list[str], width_in: float, font_pt: float, weight: str = "normal"
) -> list[str]:
    """Each of ``lines`` wrapped to ``width_in`` inches, in order."""
    return [part for line in lines for part in wrap(line, width_in * 72, font_pt, weight=weight)]
