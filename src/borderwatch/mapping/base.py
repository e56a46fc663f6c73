"""The frame every BorderWatch Leaflet map starts from: no tiles unless asked, the map CSS."""

from __future__ import annotations

from typing import Literal

import folium
from branca.element import Element, Figure, MacroElement, Template
from folium.elements import JSCSSMixin

from borderwatch.mapping import style
from borderwatch.mapping.controls import KeyboardAndFocus
from borderwatch.mapping.playback_layer import PLAYBACK_CSS

Basemap = Literal["offline", "openstreetmap"]
BASEMAPS: tuple[Basemap, ...] = ("offline", "openstreetmap")

#: Leaflet needs a maxZoom when no tile layer sets one (MarkerCluster fails without it).
MAX_ZOOM = 12
MIN_ZOOM = 3

MAP_CSS = f"""
<style>
div.leaflet-container {{ background: {style.SEA_COLOR}; font-family: sans-serif; }}
.bw-legend {{ background: rgba(255,255,255,0.93); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 11px; line-height: 1.3;
  max-height: 60vh; overflow-y: auto; }}
.bw-legend b {{ display: block; margin-top: 4px; }}
.bw-legend summary {{ cursor: pointer; font-weight: 600; }}
.bw-legend-row {{ display: flex; align-items: center; gap: 6px; }}
.bw-dot {{ width: 12px; height: 12px; border-radius: 50%; border: 1px solid #333;
  display: inline-block; }}
.bw-size {{ width: 8px; height: 8px; border-radius: 50%; border: 1px solid #333;
  background: #ccc; display: inline-block; }}
.bw-line {{ width: 22px; border-top: 2.5px solid; display: inline-block; }}
.bw-dashed {{ border-top-style: dashed; }}
.bw-dotted {{ border-top-style: dotted; }}
.bw-link-head {{ background: none; border: none; }}
.bw-arrow {{ width: 0; height: 0; margin: 1px 0 0 0; border-top: 6px solid transparent;
  border-bottom: 6px solid transparent; border-left: 14px solid; transform-origin: 7px 6px; }}
.bw-crossing-icon {{ background: none; border: none; }}
.bw-crossing-marker {{ width: 11px; height: 11px; transform: rotate(45deg);
  border: 1.5px solid #fff; box-shadow: 0 0 0 1px #1f4e79; margin: 1px; }}
.bw-crossing {{ width: 10px; height: 10px; transform: rotate(45deg); border: 1px solid #fff;
  display: inline-block; outline: 1px solid #1f4e79; }}
.bw-area {{ width: 16px; height: 11px; border: 1px dashed #b9ad95; display: inline-block; }}
.bw-legend-sizes {{ display: flex; align-items: center; gap: 7px; }}
.bw-size-item {{ display: inline-flex; align-items: center; gap: 2px; }}
.bw-cluster {{ background: rgba(60, 60, 60, 0.25); border-radius: 50%; }}
.bw-cluster div {{ background: rgba(255, 255, 255, 0.92); border: 2px solid #444;
  border-radius: 50%; width: calc(100% - 8px); height: calc(100% - 8px); margin: 4px;
  display: flex; align-items: center; justify-content: center; box-sizing: border-box; }}
.bw-cluster span {{ font: 600 12px sans-serif; color: #222; }}
.bw-cluster-swatch {{ display: inline-flex; width: 16px; height: 16px; border-radius: 50%;
  border: 2px solid #444; font-size: 9px; font-weight: 600; align-items: center;
  justify-content: center; box-sizing: border-box; }}
.bw-label {{ font-size: 11px; font-weight: 600; color: #5a4d38; text-align: center;
  white-space: nowrap; text-shadow: 0 0 3px #fff; pointer-events: none; }}
.bw-label-disputed {{ font-style: italic; color: #8a6d1f; }}
.bw-popup {{ font: 12px/1.35 sans-serif; }}
.bw-popup h4 {{ margin: 0 0 4px; font-size: 13px; }}
.bw-popup p {{ margin: 4px 0; }}
.bw-popup-table {{ font-size: 12px; }}
.bw-popup-table th {{ text-align: left; vertical-align: top; padding-right: 6px;
  white-space: nowrap; color: #444; }}
.bw-popup ul {{ margin: 2px 0 0 16px; padding: 0; }}
.bw-unverified {{ background: #fff3cd; padding: 2px 4px; }}
.bw-id {{ color: #777; font-size: 10px; text-align: right; }}
.bw-tooltip-title {{ font-weight: 600; }}
.bw-count {{ font: 600 11px sans-serif; color: #111; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }}
.leaflet-popup-content {{ overflow-wrap: anywhere; }}
.leaflet-control-layers-expanded {{ max-width: min(320px, 70vw); }}
.leaflet-control-layers label {{ white-space: normal; }}
.bw-legend {{ max-width: min(260px, 60vw); }}
.leaflet-container:focus-visible {{ outline: 3px solid #1f4e79; outline-offset: -3px; }}
{PLAYBACK_CSS}
@media (max-width: 600px) {{
  .leaflet-control-attribution {{ max-width: calc(100vw - 130px); font-size: 9px;
    line-height: 1.2; white-space: normal; }}
  .leaflet-popup-content {{ margin: 10px 12px; }}
}}
</style>
"""


class Plugins(JSCSSMixin, MacroElement):
    """Load the Leaflet plugins the data layers may use (clusters, heat map, playback) with
    the base map: an in-place update can add layers, not scripts."""

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "Plugins"
        self.default_js = [
            ("markerclusterjs", "markercluster.js"),
            ("leaflet-heat.js", "leaflet-heat.js"),
            # Leaflet.TimeDimension reads nezasa's period parser when it loads.
            ("iso8601.js", "iso8601.js"),
            ("leaflet.timedimension.js", "leaflet.timedimension.min.js"),
        ]
        self.default_css = [
            ("markerclustercss", "MarkerCluster.css"),
            ("markerclusterdefaultcss", "MarkerCluster.Default.css"),
        ]


def new_map(*, basemap: str = "offline", label: str = "Map") -> folium.Map:
    """An empty map with no tile server, unless the analyst opted in to online tiles.

    Parameters
    ----------
    basemap
        ``"offline"`` draws only the bundled polygons. ``"openstreetmap"`` is the online
        opt-in: it adds OpenStreetMap tiles, fetched by the browser from the internet.

    Raises
    ------
    ValueError
        For any other ``basemap``.

    The map is focusable for its keys, without the page scrolling on the first click
    (:class:`~borderwatch.mapping.controls.KeyboardAndFocus`); ``label`` names it for
    screen readers.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; allowed: {', '.join(BASEMAPS)}")
    m = folium.Map(tiles=None, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM, control_scale=True)
    m.options["maxZoom"] = MAX_ZOOM
    m.options["zoomSnap"] = 0.25  # fit the region tightly instead of a whole zoom level
    root = m.get_root()
    assert isinstance(root, Figure)  # a folium.Map's root is always its Figure
    root.header.add_child(Element(MAP_CSS), name="borderwatch_css")
    if basemap == "openstreetmap":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False).add_to(m)
    KeyboardAndFocus(label).add_to(m)
    Plugins().add_to(m)
    return m
