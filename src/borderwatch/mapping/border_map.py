"""Views of borders: one border (or all) with its zone, incidents, crossings and regimes."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from borderwatch.mapping.view import MapView, fit_bounds


def border_map_view(
    *,
    title: str,
    filter_description: str,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    incidents: pd.DataFrame,
    crossings: pd.DataFrame,
    regimes: gpd.GeoDataFrame,
    regime_year: int,
    country_names: Mapping[str, str],
    selected_pairs: tuple[str, ...] = (),
    links: pd.DataFrame | None = None,
    fit_to: gpd.GeoSeries | None = None,
) -> MapView:
    """The view of one or all border zones.

    Parameters
    ----------
    title, filter_description
        What the map shows and the filters behind it, in words.
    countries, borders, zones, incidents, crossings, links
        Display layers (simplified): the selected borders' zones, the incidents in them
        after the sidebar filters, the crossings on them, the links (or ``None``).
    regimes, regime_year
        Regime lines (:func:`borderwatch.cooperation.regime_lines`) and the year they are
        in force, named in the layer control.
    country_names
        ISO3 -> English name.
    selected_pairs
        The chosen border pairs, highlighted; empty means all borders.
    fit_to
        Geometries the view must show; by default the zones of the selected borders.

    Returns
    -------
    MapView
        With borders chosen: fitted to ``fit_to`` (or their zones) and their incidents.
        With all borders: fitted to the region. (Over 60 lines only by its docstring.)
    """
    if fit_to is None and selected_pairs:
        fit_to = zones.geometry
    bounds = fit_bounds(
        countries, geometries=fit_to, incidents=incidents if selected_pairs else None
    )
    return MapView(
        title=title,
        filter_description=filter_description,
        countries=countries,
        borders=borders,
        bounds=bounds,
        country_names=country_names,
        incidents=incidents,
        zones=zones,
        links=links,
        crossings=crossings,
        regimes=regimes,
        regime_year=regime_year,
        highlight_pairs=selected_pairs,
    )


def rivalry_map_view(
    *,
    title: str,
    filter_description: str,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    incidents: pd.DataFrame,
    crossings: pd.DataFrame,
    regimes: gpd.GeoDataFrame,
    regime_year: int,
    country_names: Mapping[str, str],
    pair: str,
) -> MapView:
    """The Algeria–Morocco border with its zone and Western Sahara in view.

    Parameters are those of :func:`border_map_view`; ``pair`` is the rivals' border
    (highlighted). The view fits the border's zone and Western Sahara (``ESH``).
    """
    western_sahara = countries.loc[countries["iso3"] == "ESH", "geometry"]
    return border_map_view(
        title=title,
        filter_description=filter_description,
        countries=countries,
        borders=borders,
        zones=zones,
        incidents=incidents,
        crossings=crossings,
        regimes=regimes,
        regime_year=regime_year,
        country_names=country_names,
        selected_pairs=(pair,),
        fit_to=pd.concat([zones.geometry, western_sahara]),
    )
