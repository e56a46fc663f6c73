"""Playback on the Leaflet map: Leaflet.TimeDimension's player and control over our frames.

Leaflet.TimeDimension (vendored from npm) keeps the current time, plays, pauses and steps,
and draws the control (step back, play/pause, step forward, the date, a time slider). The
frames themselves are BorderWatch's (:mod:`borderwatch.mapping.playback`): all of them are in
the page, so a step only redraws circles on a canvas, with no server round trip. The
package's own control CSS is not loaded (it fetches an icon font from a CDN); the control
is styled by :data:`PLAYBACK_CSS`, which the base map carries.
"""

from __future__ import annotations

from branca.element import Template
from folium.map import Layer

from borderwatch.mapping import style
from borderwatch.mapping.playback import Playback, browser_data

#: Styles of the player control (no icon font: text symbols).
PLAYBACK_CSS = """
.leaflet-bar-timecontrol { display: flex; align-items: center; background: #fff;
  font: 12px sans-serif; }
.leaflet-bar-timecontrol a.leaflet-control-timecontrol { width: 30px; height: 30px;
  line-height: 30px; text-align: center; color: #1f2d3d; text-decoration: none;
  border-right: 1px solid #ccc; border-bottom: none; }
.leaflet-bar-timecontrol a.leaflet-control-timecontrol:focus-visible {
  outline: 3px solid #1f4e79; outline-offset: -3px; }
.leaflet-bar-timecontrol a.leaflet-control-timecontrol::before { font: 700 13px sans-serif;
  letter-spacing: -1px; }
.timecontrol-backward::before { content: "|\\25C0"; }
.timecontrol-forward::before { content: "\\25B6|"; }
.timecontrol-play::before { content: "\\25B6"; }
.timecontrol-play.pause::before { content: "| |"; letter-spacing: 0; }
.leaflet-bar-timecontrol .timecontrol-date { width: auto !important; min-width: 150px;
  padding: 0 8px; font-weight: 600; white-space: nowrap; cursor: default; }
.timecontrol-dateslider { width: 170px; padding: 0 12px; }
.timecontrol-dateslider .slider { position: relative; height: 4px; background: #b8c4d0;
  border-radius: 2px; cursor: pointer; }
.timecontrol-dateslider .knob { position: absolute; top: -5px; left: -7px; width: 14px;
  height: 14px; border-radius: 50%; background: #1f4e79; cursor: grab; }
@media (max-width: 600px) {
  .timecontrol-dateslider { display: none; }
  .leaflet-bar-timecontrol .timecontrol-date { min-width: 0; font-size: 11px; }
}
"""

_PLAYBACK_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
    var data = {{ this.data|tojson }};
    var FrameCanvas = L.Layer.extend({
        // One canvas for the whole frame: a step paints circles, it makes no Leaflet layer
        // per circle (thousands per frame would cost a layer event and an object each).
        onAdd: function(map) {
            // A pane of its own above the overlays: in the overlay pane the countries' SVG
            // covered it. Mouse events go through to the countries; the map's mousemove
            // finds the circles.
            var pane = map.getPane("bwPlayback");
            if (!pane) {
                pane = map.createPane("bwPlayback");
                pane.style.zIndex = 450;
                pane.style.pointerEvents = "none";
            }
            this._canvas = L.DomUtil.create("canvas", "bw-play-canvas leaflet-zoom-hide", pane);
            this._tip = L.tooltip({direction: "top", offset: [0, -6]});
            map.on("moveend zoomend resize viewreset", this._reset, this);
            map.on("mousemove", this._hover, this);
            map.on("mouseout", this._unhover, this);
            this._reset();
        },
        onRemove: function(map) {
            map.off("moveend zoomend resize viewreset", this._reset, this);
            map.off("mousemove", this._hover, this);
            map.off("mouseout", this._unhover, this);
            this._unhover();
            L.DomUtil.remove(this._canvas);
        },
        setCircles: function(circles) { this._circles = circles; this._paint(); },
        _reset: function() {
            var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
            L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
            this._canvas.width = size.x * ratio;
            this._canvas.height = size.y * ratio;
            this._canvas.style.width = size.x + "px";
            this._canvas.style.height = size.y + "px";
            this._paint();
        },
        _paint: function() {
            if (!this._map) { return; }
            var map = this._map, ctx = this._canvas.getContext("2d");
            var ratio = window.devicePixelRatio || 1, placed = [], byColor = {};
            ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
            ctx.clearRect(0, 0, this._canvas.width, this._canvas.height);
            (this._circles || []).forEach(function(c) {
                var p = map.latLngToContainerPoint([c[0], c[1]]);
                (byColor[c[3]] = byColor[c[3]] || []).push([p.x, p.y, c[2]]);
                placed.push([p.x, p.y, c[2], c]);
            });
            // One path per colour and one outline path: a few draw calls per frame, not two
            // per circle.
            var outline = new Path2D();
            ctx.globalAlpha = {{ this.opacity }};
            Object.keys(byColor).forEach(function(color) {
                var fill = new Path2D();
                byColor[color].forEach(function(p) {
                    fill.moveTo(p[0] + p[2], p[1]);
                    fill.arc(p[0], p[1], p[2], 0, 2 * Math.PI);
                    outline.moveTo(p[0] + p[2], p[1]);
                    outline.arc(p[0], p[1], p[2], 0, 2 * Math.PI);
                });
                ctx.fillStyle = color;
                ctx.fill(fill);
            });
            ctx.globalAlpha = 1;
            ctx.lineWidth = 1;
            ctx.strokeStyle = {{ this.outline|tojson }};
            ctx.stroke(outline);
            this._placed = placed;
        },
        _hover: function(e) {
            var point = e.containerPoint, hit = null, placed = this._placed || [];
            for (var i = placed.length - 1; i >= 0 && !hit; i--) {  // the topmost first
                var dx = placed[i][0] - point.x, dy = placed[i][1] - point.y;
                if (dx * dx + dy * dy <= placed[i][2] * placed[i][2]) { hit = placed[i][3]; }
            }
            if (!hit) { this._unhover(); return; }
            this._tip.setLatLng([hit[0], hit[1]]).setContent(hit[4]);
            if (!this._map.hasLayer(this._tip)) { this._map.openTooltip(this._tip); }
        },
        _unhover: function() {
            if (this._map && this._map.hasLayer(this._tip)) { this._map.closeTooltip(this._tip); }
        }
    });
    var frameCanvas = new FrameCanvas();
    var group = L.layerGroup([frameCanvas]);
    var td = new L.TimeDimension({times: data.times.slice(),
                                  currentTime: data.times[data.start]});
    var player = new L.TimeDimension.Player({
        transitionTime: data.transitionMs, loop: false, startOver: true
    }, td);
    var Control = L.Control.TimeDimension.extend({
        // The frame's window and its count, as text; the date button does nothing (the
        // package would switch time zones, meaningless for whole months and years).
        _getDisplayDateFormat: function(date) {
            var i = data.times.indexOf(date.getTime());
            if (i < 0) { return ""; }
            return data.labels[i] + " · " + data.counts[i].toLocaleString("en") +
                (data.counts[i] === 1 ? " incident" : " incidents");
        },
        _buttonDateClicked: function() {}
    });
    var control = new Control({
        timeDimension: td, player: player, position: "bottomleft",
        speedSlider: false, timeSliderDragUpdate: true, title: "Playback"
    });
    var points = data.points || [];
    var map = null;

    function draw(index) {
        // Every frame is in the page: a step repaints circles, nothing is fetched.
        // A circle: lat, lon, radius, colour, tooltip.
        var drawn = [];
        if (data.mode === "points") {
            points.forEach(function(p) {
                if (p[4] <= index && p[5] >= index) {
                    drawn.push([p[0], p[1], p[2], data.colors[p[3]], p[6]]);
                }
            });
        } else {
            var flat = data.frames[index] || [];
            var small = data.radius[0], span = data.radius[1] - data.radius[0];
            for (var k = 0; k < flat.length; k += 3) {
                var cell = data.cells[flat[k]], n = flat[k + 1];
                var tip = n + (n === 1 ? " incident" : " incidents") + ", most often " +
                    data.typeNames[flat[k + 2]];
                drawn.push([cell[0], cell[1], small + span * Math.sqrt(n / data.largest),
                            data.colors[flat[k + 2]], tip]);
            }
        }
        frameCanvas.setCircles(drawn);
        if (map) {
            var box = map.getContainer();
            box.dataset.bwFrame = String(index);
            box.dataset.bwFrameLabel = data.labels[index];
            box.dataset.bwDrawn = String(drawn.length);
            map.bwState.playTime = data.times[index];
            map.fire("bwframe", {index: index, drawn: drawn.length});
        }
    }

    function onTimeload(e) { draw(data.times.indexOf(e.time)); }

    function labelButtons() {
        // Keyboard and screen readers: named buttons (Enter or Space), the date as text.
        var c = control, playing = player.isPlaying();
        if (!c._container) { return; }
        [[c._buttonBackward, "Step back one frame"], [c._buttonForward, "Step forward one frame"],
         [c._buttonPlayPause, playing ? "Pause" : "Play"]].forEach(function(pair) {
            if (!pair[0]) { return; }
            pair[0].setAttribute("role", "button");
            pair[0].setAttribute("aria-label", pair[1]);
            pair[0].title = pair[1];
        });
        if (c._displayDate) {
            c._displayDate.removeAttribute("href");
            c._displayDate.setAttribute("role", "status");
            c._displayDate.setAttribute("aria-live", "polite");
            c._displayDate.title = "Frame shown";
        }
    }

    function onKey(e) {
        if (e.key === " " && e.target.getAttribute("role") === "button") {
            e.preventDefault();
            e.target.click();
        }
    }

    group.on("add", function() {
        map = group._map;
        map.bwState = map.bwState || {overlays: {}};
        // The frame to show: the page's chosen one when it changed, else the frame the
        // analyst was on before this update (if it is still a frame), else the chosen one.
        var start = data.start;
        var kept = data.times.indexOf(map.bwState.playTime);
        if (map.bwState.playStart === data.times[data.start] && kept >= 0) { start = kept; }
        map.bwState.playStart = data.times[data.start];
        map.bwPlayback = group.bwPlayback;
        td.on("timeload", onTimeload);
        player.on("play stop", labelButtons);
        control.addTo(map);
        labelButtons();
        control.getContainer().addEventListener("keydown", onKey);
        td.setCurrentTimeIndex(start);  // fires timeload: draws the frame
    });
    group.on("remove", function() {
        player.stop();
        td.off("timeload", onTimeload);
        player.off("play stop", labelButtons);
        if (control._map) { control.remove(); }
        if (map && map.bwPlayback === group.bwPlayback) { delete map.bwPlayback; }
        map = null;
    });
    group.bwPlayback = {timeDimension: td, player: player, control: control, data: data};
    return group;
})();
{% endmacro %}
"""
)


class PlaybackLayer(Layer):
    """The selection played frame by frame, with its player control (bottom left).

    A switchable overlay: turning it off stops the player and removes the control. While on,
    the map container carries ``data-bw-frame``, ``data-bw-frame-label`` and
    ``data-bw-drawn`` (the frame shown and how many circles it drew), the map fires
    ``bwframe`` on each frame, and ``map.bwPlayback`` holds the time dimension, the player,
    the control and the frames (for tests and benchmarks).
    """

    _template = _PLAYBACK_TEMPLATE

    def __init__(self, playback: Playback) -> None:
        frames = playback.frames
        what = (
            "incidents" if frames.mode == "points" else f"incidents per {frames.cell_deg:g}° cell"
        )
        super().__init__(
            name=f"Playback by {frames.step}: {what}", overlay=True, control=True, show=True
        )
        self._name = "PlaybackLayer"
        self.outline = style.INCIDENT_OUTLINE
        self.opacity = (
            style.INCIDENT_FILL_OPACITY if frames.mode == "points" else style.CELL_FILL_OPACITY
        )
        self.data = browser_data(playback)
