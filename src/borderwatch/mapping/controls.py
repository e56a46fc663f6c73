"""Leaflet controls every BorderWatch map carries: legend, attribution, refit when shown."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from branca.element import MacroElement, Template

from borderwatch.mapping import style
from borderwatch.mapping.legend import LegendEntry, LegendSection
from borderwatch.mapping.style import AreaStyle, LineStyle

_LEGEND_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
    var legend = L.control({position: "topright"});
    legend.onAdd = function() {
        var div = L.DomUtil.create("div", "bw-legend");
        div.innerHTML = {{ this.html|tojson }};
        L.DomEvent.disableScrollPropagation(div);
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
)

#: CSS borders cannot draw every dash pattern or width: legend swatches are 2.5 px, or 5 px
#: for lines at least this wide; short dashes show as dotted, longer ones as dashed.
THICK_SWATCH_PX = 5.0
DOTTED_BELOW_PX = 3.0


class LegendControl(MacroElement):
    """A foldable legend box in the map's top-right corner.

    Parameters
    ----------
    sections
        The view's legend (:attr:`borderwatch.mapping.view.MapView.legend`); rows meant for
        print only are left out.
    """

    _template = _LEGEND_TEMPLATE

    def __init__(self, sections: Iterable[LegendSection]) -> None:
        super().__init__()
        self._name = "Legend"
        # <details> lets the analyst fold the legend away when it hides part of the map.
        self.html = f"<details open><summary>Legend</summary>{legend_html(sections)}</details>"


def legend_html(sections: Iterable[LegendSection]) -> str:
    """The legend's body: a bold title per section, then its on-screen rows."""
    parts = []
    for section in sections:
        rows = [_entry_html(e) for e in section.entries if e.shown_on("screen")]
        if rows:
            parts.append(f"<b>{escape(section.title)}</b>" + "".join(rows))
    return "".join(parts)


def _entry_html(entry: LegendEntry) -> str:
    if entry.symbol == "sizes":
        return f'<div class="bw-legend-sizes">{_sizes_html()}</div>'
    return f'<div class="bw-legend-row">{_swatch_html(entry)}{escape(entry.label)}</div>'


def _swatch_html(entry: LegendEntry) -> str:
    if entry.symbol == "dot":
        return f'<span class="bw-dot" style="background:{entry.color}"></span>'
    if entry.symbol == "crossing":
        return f'<span class="bw-crossing" style="background:{style.CROSSING_COLOR}"></span>'
    if entry.symbol == "cluster":
        return '<span class="bw-cluster-swatch">3</span>'
    if entry.symbol == "area" and entry.area is not None:
        return _area_swatch(entry.area)
    if entry.line is not None:  # "line" and "arrow": the arrowhead is left to the map
        return _line_swatch(entry.line)
    raise ValueError(f"legend entry {entry.key!r} has no style for its {entry.symbol!r} swatch")


def _line_swatch(line: LineStyle) -> str:
    classes = "bw-line"
    if line.dash_px is not None:
        classes += " bw-dotted" if line.dash_px[0] < DOTTED_BELOW_PX else " bw-dashed"
    css = f"border-color:{line.color}"
    if line.width_px >= THICK_SWATCH_PX:
        css += ";border-top-width:5px"
    return f'<span class="{classes}" style="{css}"></span>'


def _area_swatch(area: AreaStyle) -> str:
    css = f"background:{area.fill};border-color:{area.outline}"
    return f'<span class="bw-area" style="{css}"></span>'


def _sizes_html() -> str:
    items = []
    for fatalities in (*style.LEGEND_FATALITIES, None):
        diameter = 2 * style.radius_for_fatalities(fatalities)
        label = "?" if fatalities is None else str(fatalities)
        items.append(
            f'<span class="bw-size-item"><span class="bw-size" style="width:{diameter:.0f}px;'
            f'height:{diameter:.0f}px"></span>{label}</span>'
        )
    return "".join(items)


_ATTRIBUTION_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
{% endmacro %}
"""
)


class Attribution(MacroElement):
    """Credit the data sources in the map's attribution line (no tile layer does it).

    Leaflet's default prefix links to its website; plain text keeps the map free of
    outside links on closed networks.
    """

    _template = _ATTRIBUTION_TEMPLATE

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = text


_REFIT_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
    // A map drawn while hidden (e.g. in a closed tab) has size 0 and fits its bounds at
    // the widest zoom; fit again the first time it gets a size.
    var map = {{ this._parent.get_name() }};
    var bounds = {{ this.bounds|tojson }};
    var fitted = map.getSize().x > 0;
    window.addEventListener("resize", function() {
        if (fitted || map.getSize().x === 0) { return; }
        map.invalidateSize();
        map.fitBounds(bounds);
        fitted = true;
    });
})();
{% endmacro %}
"""
)


class RefitWhenShown(MacroElement):
    """Fit ``bounds`` (``[[south, west], [north, east]]``) again when a map first drawn
    while hidden becomes visible."""

    _template = _REFIT_TEMPLATE

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "RefitWhenShown"
        self.bounds = bounds
