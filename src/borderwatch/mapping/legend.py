"""Legend entries: what a map's symbols mean, derived once from the layers of its view.

Both renderers draw the same entries: the Leaflet legend control
(:func:`borderwatch.mapping.controls.legend_html`) and the snapshot's legend panel
(:mod:`borderwatch.exports.snapshot.legend`). An entry names the drawn symbol it explains by
its ``key``; the snapshot, which shows only part of the map, keeps the entries whose symbols
it drew in its frame. An entry's ``media`` says whether it belongs on screen, on paper, or
both (clusters exist only on screen; on paper, fills need the key that tooltips give on
screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from borderwatch.mapping import style
from borderwatch.mapping.style import AreaStyle, LineStyle
from borderwatch.schemas import EVENT_TYPES

if TYPE_CHECKING:
    from borderwatch.mapping.view import MapView

#: How an entry is drawn: a filled dot, the row of death-toll sizes, a line, an area, the
#: crossing diamond, the link arrow, or the cluster badge.
Symbol = Literal["dot", "sizes", "line", "area", "crossing", "arrow", "cluster"]
Media = Literal["both", "screen", "print"]


@dataclass(frozen=True)
class LegendEntry:
    """One legend row.

    Parameters
    ----------
    key
        The drawn symbol this row explains (see :func:`event_key`, :func:`kind_key` and
        the line and area kinds of :mod:`borderwatch.mapping.style`).
    symbol
        How the row's swatch is drawn.
    label
        The row's text.
    color
        Colour of a ``"dot"`` swatch.
    line, area
        The style of a ``"line"`` / ``"arrow"`` or ``"area"`` swatch.
    media
        ``"screen"``, ``"print"`` or ``"both"``.
    """

    key: str
    symbol: Symbol
    label: str
    color: str | None = None
    line: LineStyle | None = None
    area: AreaStyle | None = None
    media: Media = "both"

    def shown_on(self, medium: Literal["screen", "print"]) -> bool:
        """Whether the row belongs in the legend of ``medium``."""
        return self.media in ("both", medium)


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows."""

    title: str
    entries: tuple[LegendEntry, ...]


INCIDENTS_KEY = "incidents"
CROSSING_KEY = "crossing"
CLUSTER_KEY = "cluster"
MEMBERS_KEY = "members"
ZONE_KEY = "zone"


def event_key(event_type: str) -> str:
    """The key of an event type's dot."""
    return f"event:{event_type}"


def kind_key(kind: str) -> str:
    """The key of a kind of arrangement (any line or area drawn in its colour)."""
    return f"kind:{kind}"


def legend_for(view: MapView) -> tuple[LegendSection, ...]:
    """The legend of ``view``: only what its layers contain, styled by the style table."""
    sections: list[LegendSection] = []
    if view.incidents is not None:
        sections += _incident_sections(view)
    if view.arrangements is not None:
        sections += _arrangement_sections(view)
    # The cooperation map's screen legend is about arrangements only; on paper the basemap
    # still needs its key.
    basemap_media: Media = "print" if view.arrangements is not None else "both"
    lines = (*_basemap_entries(view, basemap_media), *_overlay_entries(view))
    sections.append(LegendSection("Lines and areas", lines))
    return tuple(s for s in sections if s.entries)


def _incident_sections(view: MapView) -> list[LegendSection]:
    assert view.incidents is not None
    # unique() before str(): the incident table can hold a million rows.
    present = {str(t) for t in view.incidents["event_type"].dropna().unique()}
    if view.cells is not None:  # counted elsewhere: each cell's main type is drawn
        present |= {str(t) for t in view.cells["main_type"].dropna().unique()}
    ordered = [t for t in EVENT_TYPES if t in present] + sorted(present - set(EVENT_TYPES))
    styles = {t: style.event_style(t) for t in ordered}
    types = tuple(
        LegendEntry(event_key(t), "dot", s.label, color=s.color) for t, s in styles.items()
    )
    sizes = LegendEntry(INCIDENTS_KEY, "sizes", "")
    # Grid cells counted elsewhere, and playback by grid cells, size circles by incidents,
    # not deaths (the cells' tooltips give the counts).
    if view.playback is not None:  # the frames are drawn, not the view's cells
        cells = view.playback.frames.mode == "cells"
    else:
        cells = view.cells is not None
    return [
        LegendSection("Incident type", types),
        LegendSection("Deaths (best estimate; ? = unknown)", () if cells else (sizes,)),
    ]


def _arrangement_sections(view: MapView) -> list[LegendSection]:
    layer = view.arrangements
    assert layer is not None
    present = set(layer.table["kind"])
    swatch = style.LINES["arrangement_kind"]
    kinds = tuple(
        LegendEntry(kind_key(k), "line", kind.label, line=swatch.in_color(kind.color))
        for k, kind in style.ARRANGEMENT_STYLES.items()
        if k in present
    )
    roles = set(layer.lines["role"])
    drawn = [_line_entry("arrangement_border")] if "border" in roles else []
    drawn += [_line_entry("arrangement_arc")] if "arc" in roles else []
    if not layer.multilateral.empty:
        drawn.append(_area_entry("multilateral", media="screen"))
    shown = layer.shown()
    if shown is not None:
        members = style.arrangement_area(str(shown["kind"]), f"Members: {shown['name']}")
        drawn.append(LegendEntry(MEMBERS_KEY, "area", members.label, area=members, media="print"))
    return [
        LegendSection("Kind of arrangement", kinds),
        LegendSection("How they are drawn", tuple(drawn)),
    ]


def _basemap_entries(view: MapView, media: Media) -> list[LegendEntry]:
    """Borders and country fills, as the layers have them."""
    disputed_borders = view.borders["disputed"].astype(bool)
    entries = []
    if (~disputed_borders).any():
        entries.append(_line_entry("border", media=media))
    if disputed_borders.any():
        entries.append(_line_entry("disputed_border", media=media))
    if view.highlight_pairs:
        entries.append(_line_entry("selected_border", media=media))
    focus = view.countries["focus"].astype(bool)
    disputed = view.countries["disputed"].astype(bool)
    # On screen each country's tooltip names it; on paper the two fills need a key.
    if (focus & ~disputed).any():
        entries.append(_area_entry("focus", media="print"))
    if (~focus & ~disputed).any():
        entries.append(_area_entry("neighbour", media="print"))
    if disputed.any():
        entries.append(_area_entry("disputed", media=media))
    return entries


def change_key(flag: str) -> str:
    """The key of a flagged change's area (``"rise"`` or ``"fall"``)."""
    return f"change:{flag}"


def _overlay_entries(view: MapView) -> list[LegendEntry]:
    """Zones, changes, regimes, crossings, links and clusters drawn over the basemap."""
    entries = []
    if view.changes is not None:
        present = set(view.changes["flag"])
        entries += [
            LegendEntry(change_key(flag), "area", style.AREAS[flag].label, area=style.AREAS[flag])
            for flag in ("rise", "fall")
            if flag in present
        ]
    if view.zone_km is not None:
        zone = style.AREAS["zone"]
        label = f"{zone.label} ({view.zone_km:g} km either side)"
        entries.append(LegendEntry(ZONE_KEY, "area", label, area=zone))
    if view.regimes is not None:
        closure = view.regimes["kind"] == "border_closure"
        entries += [_line_entry("closure")] if closure.any() else []
        entries += [_line_entry("barrier")] if (~closure).any() else []
    if view.crossings is not None and not view.crossings.empty:
        entries.append(LegendEntry(CROSSING_KEY, "crossing", style.CROSSING_LABEL))
    if view.links is not None:
        link = style.LINES["link"]
        entries.append(LegendEntry("link", "arrow", link.label, line=link))
    if view.incidents is not None and view.playback is None:  # playback draws no clusters
        entries.append(LegendEntry(CLUSTER_KEY, "cluster", style.CLUSTER_LABEL, media="screen"))
    return entries


def _line_entry(kind: style.LineKind, *, media: Media = "both") -> LegendEntry:
    line = style.LINES[kind]
    return LegendEntry(kind, "line", line.label, line=line, media=media)


def _area_entry(kind: style.AreaKind, *, media: Media = "both") -> LegendEntry:
    area = style.AREAS[kind]
    return LegendEntry(kind, "area", area.label, area=area, media=media)
