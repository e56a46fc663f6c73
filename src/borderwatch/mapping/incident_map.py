"""The main incident map: countries, borders and incidents on one offline Leaflet map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from borderwatch.mapping import layers, style
from borderwatch.mapping.assets import STREAMLIT_STATIC_URL, use_local_assets
from borderwatch.mapping.legend import Attribution, Legend
from borderwatch.schemas import EVENT_TYPES

Basemap = Literal["offline", "openstreetmap"]

#: Leaflet needs a maxZoom when no tile layer sets one (MarkerCluster fails without it).
MAX_ZOOM = 12
MIN_ZOOM = 3

ATTRIBUTION = "Borders: Natural Earth (public domain) · Incidents: BorderWatch, cited per incident"

MAP_CSS = f"""
<style>
.leaflet-container {{ background: {style.SEA_COLOR}; font-family: sans-serif; }}
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
</style>
"""


def _fit_bounds(
    countries: gpd.GeoDataFrame, incidents: pd.DataFrame, focus_countries: tuple[str, ...]
) -> list[list[float]]:
    if focus_countries:
        area = countries[countries["iso3"].isin(focus_countries)]
    else:
        area = countries[countries["focus"]]
    minx, miny, maxx, maxy = area.total_bounds
    if not incidents.empty:
        minx = min(minx, incidents["longitude"].min())
        maxx = max(maxx, incidents["longitude"].max())
        miny = min(miny, incidents["latitude"].min())
        maxy = max(maxy, incidents["latitude"].max())
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def build_incident_map(
    *,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    incidents: pd.DataFrame,
    country_names: Mapping[str, str],
    focus_countries: tuple[str, ...] = (),
    basemap: Basemap = "offline",
    asset_base_url: str = STREAMLIT_STATIC_URL,
) -> folium.Map:
    """Build the incident map.

    Parameters
    ----------
    countries
        Country polygons to draw as the basemap (already simplified for display).
    borders
        Border lines from :func:`borderwatch.loading.load_borders`.
    incidents
        The incidents to draw (already filtered).
    country_names
        ISO3 -> English name, for popups.
    focus_countries
        Countries the analyst selected; the view fits them. Empty: the whole region.
    basemap
        ``"offline"`` draws only the bundled polygons. ``"openstreetmap"`` is the online
        opt-in: it adds OpenStreetMap tiles, fetched by the browser from the internet.
    asset_base_url
        Where the vendored Leaflet files are served.

    Returns
    -------
    folium.Map
        A map whose JS/CSS all come from ``asset_base_url``.
    """
    m = folium.Map(
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        control_scale=True,
        prefer_canvas=False,
    )
    m.options["maxZoom"] = MAX_ZOOM
    m.options["zoomSnap"] = 0.25  # fit the region tightly instead of a whole zoom level
    m.get_root().header.add_child(Element(MAP_CSS), name="borderwatch_css")
    if basemap == "openstreetmap":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False).add_to(m)
    layers.add_countries(m, countries)
    layers.add_borders(m, borders)
    layers.add_country_labels(m, countries)
    layers.add_incidents(m, incidents, country_names)
    present = [t for t in EVENT_TYPES if t in set(incidents["event_type"])]
    Legend(event_types=present).add_to(m)
    Attribution(ATTRIBUTION).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds(_fit_bounds(countries, incidents, focus_countries))
    return use_local_assets(m, base_url=asset_base_url)
