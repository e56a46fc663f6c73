"""Leaflet controls every BorderWatch map carries: legend, attribution, refit when shown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from branca.element import Element, MacroElement, Template

from borderwatch.mapping import style
from borderwatch.mapping.legend import LegendEntry, LegendSection
from borderwatch.mapping.style import AreaStyle, LineStyle

_LEGEND_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
    // The legend box lives in the base map; its body follows the data layers (ViewUpdate
    // replaces it), so the analyst's open/closed choice survives filter changes.
    var map = {{ this._parent.get_name() }};
    var legend = L.control({position: "topright"});
    legend.onAdd = function() {
        var div = L.DomUtil.create("div", "bw-legend");
        div.innerHTML = {{ this.html|tojson }};
        L.DomEvent.disableScrollPropagation(div);
        L.DomEvent.disableClickPropagation(div);
        var details = div.querySelector("details");
        // Collapsed where the map is narrow (a phone): it would cover most of the map.
        details.open = map.getSize().x >= {{ this.open_from_px }};
        map.bwLegend = {div: div, details: details, body: div.querySelector(".bw-legend-body")};
        return div;
    };
    legend.addTo(map);
})();
{% endmacro %}
"""
)

#: The legend starts open only on maps at least this wide (px).
LEGEND_OPEN_FROM_PX = 700

#: CSS borders cannot draw every dash pattern or width: legend swatches are 2.5 px, or 5 px
#: for lines at least this wide; short dashes show as dotted, longer ones as dashed.
THICK_SWATCH_PX = 5.0
DOTTED_BELOW_PX = 3.0


class LegendControl(MacroElement):
    """A foldable legend box in the map's top-right corner, open only on wide maps.

    Parameters
    ----------
    sections
        The legend to start with (:attr:`borderwatch.mapping.view.MapView.legend`); rows
        meant for print only are left out. :class:`ViewUpdate` replaces the body with the
        legend of the data layers it draws.
    """

    _template = _LEGEND_TEMPLATE

    def __init__(self, sections: Iterable[LegendSection] = ()) -> None:
        super().__init__()
        self._name = "Legend"
        self.open_from_px = LEGEND_OPEN_FROM_PX
        # <details> lets the analyst fold the legend away when it hides part of the map.
        self.html = (
            "<details><summary>Legend</summary>"
            f'<div class="bw-legend-body">{legend_html(sections)}</div></details>'
        )


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


_PHONE_HEIGHT_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
    // A map as tall as on a desktop leaves a phone's narrow map mostly sea and sky: under
    // {{ this.narrow_px }} px wide the map is about as tall as it is wide. streamlit-folium
    // sets the map's height on every render, so its height call is adapted, not replaced.
    var map = {{ this._parent.get_name() }};
    var S = window.Streamlit;
    if (!S || !S.setFrameHeight || S.bwHeightAdapted) { return; }
    S.bwHeightAdapted = true;
    var wanted = null;
    function adapted(height) {
        var width = document.documentElement.clientWidth || window.innerWidth;
        if (typeof height !== "number" || !width || width >= {{ this.narrow_px }}) {
            return height;
        }
        return Math.max({{ this.min_px }}, Math.min(height, Math.round(width * {{ this.ratio }})));
    }
    var setFrameHeight = S.setFrameHeight;
    S.setFrameHeight = function(height) {
        if (typeof height === "number") { wanted = height; }
        var shown = adapted(height);
        var div = document.getElementById("map_div");
        if (typeof shown === "number" && div && div.style.height !== shown + "px") {
            div.style.height = shown + "px";
            map.invalidateSize();
        }
        return setFrameHeight.call(S, shown);
    };
    window.addEventListener("resize", function() {
        if (wanted !== null) { S.setFrameHeight(wanted); }
    });
})();
{% endmacro %}
"""
)


class PhoneHeight(MacroElement):
    """On a narrow screen (a phone), make the map about as tall as it is wide instead of
    the desktop height, so the region fills it; wider maps keep the page's height."""

    _template = _PHONE_HEIGHT_TEMPLATE

    def __init__(self, narrow_px: int = 640, ratio: float = 0.9, min_px: int = 300) -> None:
        super().__init__()
        self._name = "PhoneHeight"
        self.narrow_px, self.ratio, self.min_px = narrow_px, ratio, min_px


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
        if (map.bwState && map.bwState.fit) { map.bwState.fit(); } else { map.fitBounds(bounds); }
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


_KEYBOARD_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
    // Leaflet focuses the map on mouse-down; in an iframe partly below the fold Chromium
    // then scrolls the page, and the click lands elsewhere (first click lost). Focus
    // without scrolling; the arrow and +/- keys still work once the map has focus.
    var map = {{ this._parent.get_name() }};
    if (map.keyboard) {
        map.keyboard.disable();
        map.keyboard._onMouseDown = function() {
            if (!this._focused) { this._map._container.focus({preventScroll: true}); }
        };
        map.keyboard.enable();
    }
    // Countries, borders and names are not tab stops: Tab goes from the map itself to
    // the controls and the data.
    var container = map.getContainer();
    container.setAttribute("aria-label", {{ this.label|tojson }});
    container.setAttribute("role", "region");
    function untab(root) {
        root.querySelectorAll(".leaflet-overlay-pane path, .bw-label-icon").forEach(
            function(el) {
                el.setAttribute("tabindex", "-1");
                el.setAttribute("focusable", "false");
            });
    }
    map.whenReady(function() { untab(container); });
    // Once per burst of added layers (a playback frame adds hundreds): each pass walks
    // every path of the map.
    var untabPending = false;
    map.on("layeradd", function() {
        if (untabPending) { return; }
        untabPending = true;
        setTimeout(function() { untabPending = false; untab(container); }, 0);
    });
})();
{% endmacro %}
"""
)


class KeyboardAndFocus(MacroElement):
    """The first click on a map below the fold reaches its target; base layers are not
    tab stops; the map is a labelled region (the skip link's target)."""

    _template = _KEYBOARD_TEMPLATE

    def __init__(self, label: str) -> None:
        super().__init__()
        self._name = "KeyboardAndFocus"
        self.label = label


_NAMED_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
{{ this.map_name }}.bwBase = {{ this.map_name }}.bwBase || {};
{{ this.map_name }}.bwBase[{{ this.role|tojson }}] = {{ this.layer_name }};
{% endmacro %}
"""
)


class NameBaseLayer(MacroElement):
    """Make a base-map layer reachable from the data layers (``map.bwBase[role]``), e.g.
    the country polygons that a per-country shading restyles."""

    _template = _NAMED_TEMPLATE

    def __init__(self, map_name: str, layer_name: str, role: str) -> None:
        super().__init__()
        self._name = "NameBaseLayer"
        self.map_name = map_name
        self.layer_name = layer_name
        self.role = role


_VIEW_UPDATE_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function() {
    var fg = {{ this._parent.get_name() }};
    var overlays = [
    {%- for name, layer, show in this.overlays %}
        [{{ name|tojson }}, {{ layer.get_name() }}, {{ show|tojson }}],
    {%- endfor %}
    ];
    var legendHtml = {{ this.legend_html|tojson }};
    var target = {{ this.bounds|tojson }};
    var points = {{ this.points|tojson }};
    var focus = {{ this.focus|tojson }};
    var control = null;

    function onOverlay(e) {
        // Only the analyst's own clicks in the layer control count: the control also
        // reports layers removed by code (this group leaving the map when the selection
        // changes), which must not turn the layer off for the next selection. (Leaflet
        // 1.9.4, vendored, marks its own click handling with _handlingClick.)
        if (!control || !control._handlingClick) { return; }
        var map = fg._map || e.target;
        map.bwState.overlays[e.name] = e.type === "overlayadd";
    }

    fg.on("add", function() {
        var map = fg._map;
        var state = map.bwState = map.bwState || {overlays: {}};
        state.target = target;
        state.fit = function() {
            // Clear of the legend when it is open, so it never covers the selection.
            var legendOpen = map.bwLegend && map.bwLegend.details.open;
            var right = legendOpen ? map.bwLegend.div.offsetWidth + 20 : 10;
            map.fitBounds({{ this.bounds|tojson }}, {
                paddingTopLeft: [10, 10], paddingBottomRight: [right, 24], maxZoom: 8
            });
        };
        if (map.bwLegend) { map.bwLegend.body.innerHTML = legendHtml; }

        // Overlays: the data layers plus the base map's switchable layers. An analyst's
        // earlier choice for a layer of the same name wins over its default.
        var all = overlays.concat((map.bwBaseOverlays || []).map(function(o) {
            return [o[0], o[1], true];
        }));
        control = L.control.layers(null, null, {collapsed: true, position: "topleft"});
        all.forEach(function(o) {
            var name = o[0], layer = o[1];
            var on = (name in state.overlays) ? state.overlays[name] : o[2];
            if (on && !map.hasLayer(layer)) { map.addLayer(layer); }
            if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
            control.addOverlay(layer, name);
        });
        control.addTo(map);
        map.on("overlayadd overlayremove", onOverlay);

        // Keep the analyst's pan and zoom unless nothing selected is in view; at the first
        // drawing fit the selection, clear of the legend.
        var view = map.getBounds();
        var inView = points.length
            ? points.some(function(p) { return view.contains(p); })
            : view.intersects(target);
        if (focus && state.focus !== focus.key) {
            state.focus = focus.key;
            state.fitted = true;
            map.setView([focus.lat, focus.lng], focus.zoom);
            var group = fg.bwIncidents;
            var marker = group && group.bwById[focus.id];
            if (marker) {
                if (group.zoomToShowLayer) {
                    group.zoomToShowLayer(marker, function() { marker.openPopup(); });
                } else {
                    marker.openPopup();
                }
            }
        } else if (!state.fitted || !inView) {
            state.fitted = true;
            state.fit();
        }
        if (!state.watching) {
            // Until the analyst touches the map, a change of its size (the iframe getting
            // its final width) fits the selection again.
            state.watching = true;
            var container = map.getContainer();
            ["mousedown", "wheel", "keydown", "touchstart"].forEach(function(name) {
                container.addEventListener(name, function() { state.touched = true; },
                                           {passive: true});
            });
            map.on("resize", function() {
                if (!state.touched && !state.focus && state.fit) { state.fit(); }
            });
            // The legend's width is known only once it is laid out (its rows are filled
            // just before the first fit): fit again when it changes, so it never covers
            // the selection at the opening view.
            if (map.bwLegend && window.ResizeObserver) {
                new ResizeObserver(function() {
                    if (!state.touched && !state.focus && state.fit) { state.fit(); }
                }).observe(map.bwLegend.div);
            }
        }
    });
    fg.on("remove", function() {
        var map = this._map || window.map;
        // This group's layer control goes with it; onOverlay ignores the removals below.
        if (map) { map.off("overlayadd overlayremove", onOverlay); }
        if (control) { control.remove(); control = null; }
        overlays.forEach(function(o) {
            if (map && map.hasLayer(o[1])) { map.removeLayer(o[1]); }
        });
    });
})();
{% endmacro %}
"""
)


class ViewUpdate(MacroElement):
    """The data layers' script: legend body, layer control, and where to look.

    The last child of the data-layer group (:func:`borderwatch.mapping.folium_map.data_layers`).
    When the group is added to the map (first drawing or an in-place update), it sets the
    legend's body, lists the switchable layers (keeping the analyst's earlier choices),
    and then: opens the focused incident if the focus is new; else fits the selection at
    the first drawing, or when none of it is in view; else leaves pan and zoom alone.

    Parameters
    ----------
    overlays
        ``(name, element, shown at first)`` of each switchable data layer (its JS name is
        taken when the script is rendered, after streamlit-folium renames elements).
    legend_html
        The legend body (:func:`legend_html`).
    bounds
        The selection's extent as ``[[south, west], [north, east]]``.
    points
        ``[lat, lon]`` of drawn points, to tell whether any is in view (may be a sample).
    focus
        ``{"key", "id", "lat", "lng", "zoom"}`` of the incident to open, or ``None``.
    """

    _template = _VIEW_UPDATE_TEMPLATE

    def __init__(
        self,
        *,
        overlays: Sequence[tuple[str, Element, bool]],
        legend_html: str,
        bounds: list[list[float]],
        points: list[list[float]],
        focus: dict | None,
    ) -> None:
        super().__init__()
        self._name = "ViewUpdate"
        self.overlays = overlays
        self.legend_html = legend_html
        self.bounds = bounds
        self.points = points
        self.focus = focus
