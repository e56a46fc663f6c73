"""A Leaflet control that explains colours, sizes and line styles on the map."""

from __future__ import annotations

from html import escape

from branca.element import MacroElement, Template

from borderwatch.mapping import style
from borderwatch.schemas import EVENT_TYPES

_TEMPLATE = Template(
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


def _swatch(color: str, label: str) -> str:
    return (
        f'<div class="bw-legend-row"><span class="bw-dot" style="background:{color}"></span>'
        f"{escape(label)}</div>"
    )


def _size_item(fatalities: int | None) -> str:
    diameter = 2 * style.radius_for_fatalities(fatalities)
    label = "?" if fatalities is None else str(fatalities)
    return (
        f'<span class="bw-size-item"><span class="bw-size" style="width:{diameter:.0f}px;'
        f'height:{diameter:.0f}px"></span>{label}</span>'
    )


class Legend(MacroElement):
    """Legend for the incident map.

    Parameters
    ----------
    event_types
        The event types to list (those present on the map), in display order.
    """

    _template = _TEMPLATE

    def __init__(self, *, event_types: list[str]) -> None:
        super().__init__()
        self._name = "Legend"
        types = "".join(
            _swatch(style.EVENT_COLORS.get(t, style.UNKNOWN_COLOR), EVENT_TYPES.get(t, t))
            for t in event_types
        )
        sizes = "".join(_size_item(n) for n in (*style.LEGEND_FATALITIES, None))
        # <details> lets the analyst fold the legend away when it hides part of the map.
        self.html = (
            "<details open><summary>Legend</summary>"
            "<b>Incident type</b>"
            + types
            + "<b>Deaths (best estimate; ? = unknown)</b>"
            + f'<div class="bw-legend-sizes">{sizes}</div>'
            + "<b>Lines and areas</b>"
            + f'<div class="bw-legend-row"><span class="bw-line" style="border-color:'
            f'{style.BORDER_COLOR}"></span>International land border</div>'
            + f'<div class="bw-legend-row"><span class="bw-line bw-dashed" style="border-color:'
            f'{style.BORDER_COLOR}"></span>Disputed / indeterminate boundary</div>'
            + f'<div class="bw-legend-row"><span class="bw-area" style="background:'
            f'{style.DISPUTED_FILL}"></span>Disputed territory (Western Sahara)</div>'
            + '<div class="bw-legend-row"><span class="bw-cluster-swatch">3</span>'
            "Cluster: number of incidents (zoom in or click)</div>"
            "</details>"
        )


_ATTRIBUTION_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
{% endmacro %}
"""
)


class Attribution(MacroElement):
    """Credit the data sources in the map's attribution line (no tile layer does it)."""

    _template = _ATTRIBUTION_TEMPLATE

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = text
