"""A Leaflet control that explains colours, sizes and line styles on the map."""

from __future__ import annotations

from html import escape

from branca.element import MacroElement, Template

from borderwatch.mapping import style
from borderwatch.schemas import ARRANGEMENT_KINDS, EVENT_TYPES

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


def _size_item(fatalities: int | None) -> str:
    diameter = 2 * style.radius_for_fatalities(fatalities)
    label = "?" if fatalities is None else str(fatalities)
    return (
        f'<span class="bw-size-item"><span class="bw-size" style="width:{diameter:.0f}px;'
        f'height:{diameter:.0f}px"></span>{label}</span>'
    )


def _row(symbol: str, label: str) -> str:
    return f'<div class="bw-legend-row">{symbol}{escape(label)}</div>'


class LegendControl(MacroElement):
    """A foldable legend box in the map's top-right corner, from ready-made HTML rows."""

    _template = _TEMPLATE

    def __init__(self, body_html: str) -> None:
        super().__init__()
        self._name = "Legend"
        # <details> lets the analyst fold the legend away when it hides part of the map.
        self.html = f"<details open><summary>Legend</summary>{body_html}</details>"


class Legend(LegendControl):
    """Legend for the incident and border maps: only what the map actually shows.

    Parameters
    ----------
    event_types
        The event types present, in display order.
    zone_km
        Width of the border zones drawn, or ``None`` when none are.
    links
        Whether cross-border arcs are drawn.
    crossings
        Whether border crossing points are drawn.
    closures, barriers
        Whether closed borders / border barriers are drawn.
    """

    def __init__(
        self,
        *,
        event_types: list[str],
        zone_km: float | None = None,
        links: bool = False,
        crossings: bool = False,
        closures: bool = False,
        barriers: bool = False,
    ) -> None:
        types = "".join(
            _row(
                f'<span class="bw-dot" style="background:'
                f'{style.EVENT_COLORS.get(t, style.UNKNOWN_COLOR)}"></span>',
                EVENT_TYPES.get(t, t),
            )
            for t in event_types
        )
        sizes = "".join(_size_item(n) for n in (*style.LEGEND_FATALITIES, None))
        line = f'<span class="bw-line" style="border-color:{style.BORDER_COLOR}"></span>'
        dashed = (
            f'<span class="bw-line bw-dashed" style="border-color:{style.BORDER_COLOR}"></span>'
        )
        rows = [
            _row(line, "International land border"),
            _row(dashed, "Disputed / indeterminate boundary"),
            _row(
                f'<span class="bw-area" style="background:{style.DISPUTED_FILL}"></span>',
                "Disputed territory (Western Sahara)",
            ),
        ]
        if zone_km is not None:
            rows.append(
                _row(
                    f'<span class="bw-area" style="background:{style.ZONE_FILL};'
                    f'border-color:{style.ZONE_COLOR}"></span>',
                    f"Border zone ({zone_km:g} km either side)",
                )
            )
        if closures:
            rows.append(
                _row(
                    f'<span class="bw-line" style="border-color:{style.CLOSED_COLOR};'
                    'border-top-width:5px"></span>',
                    "Closed border (in the year shown)",
                )
            )
        if barriers:
            rows.append(
                _row(
                    f'<span class="bw-line bw-dotted" style="border-color:{style.BARRIER_COLOR};'
                    'border-top-width:5px"></span>',
                    "Border barrier (schematic)",
                )
            )
        if crossings:
            rows.append(
                _row(
                    f'<span class="bw-crossing" style="background:{style.CROSSING_COLOR}"></span>',
                    "Border crossing point",
                )
            )
        if links:
            rows.append(
                _row(
                    f'<span class="bw-line" style="border-color:{style.LINK_COLOR}"></span>',
                    "Cross-border link: documented origin → incident",
                )
            )
        rows.append(
            _row(
                '<span class="bw-cluster-swatch">3</span>',
                "Cluster: number of incidents (zoom in or click)",
            )
        )
        super().__init__(
            ("<b>Incident type</b>" + types if types else "")
            + "<b>Deaths (best estimate; ? = unknown)</b>"
            + f'<div class="bw-legend-sizes">{sizes}</div>'
            + "<b>Lines and areas</b>"
            + "".join(rows)
        )


class ArrangementLegend(LegendControl):
    """Legend for the cooperation map: kinds of arrangement and how they are drawn."""

    def __init__(self, *, kinds: list[str]) -> None:
        swatches = "".join(
            _row(
                f'<span class="bw-line" style="border-color:{style.ARRANGEMENT_COLORS[k]};'
                'border-top-width:5px"></span>',
                ARRANGEMENT_KINDS[k],
            )
            for k in kinds
        )
        super().__init__(
            "<b>Kind of arrangement</b>"
            + swatches
            + "<b>How they are drawn</b>"
            + _row(
                '<span class="bw-line" style="border-top-width:5px"></span>',
                "Bilateral / unilateral: the border concerned, thick",
            )
            + _row(
                '<span class="bw-line bw-dashed"></span>', "Bilateral: arc between the two parties"
            )
            + _row(
                '<span class="bw-area" style="background:#bbb"></span>',
                "Multilateral: member states shaded (choose in the layer control)",
            )
        )


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
