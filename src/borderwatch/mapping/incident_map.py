"""The incident map's view: countries, borders and the filtered incidents."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from borderwatch.mapping.view import Focus, MapView, fit_bounds


def incident_map_view(
    *,
    title: str,
    filter_description: str,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    incidents: pd.DataFrame,
    country_names: Mapping[str, str],
    focus_countries: tuple[str, ...] = (),
    zones: gpd.GeoDataFrame | None = None,
    links: pd.DataFrame | None = None,
    focus: Focus | None = None,
) -> MapView:
    """The view of the incident map.

    Parameters
    ----------
    title, filter_description
        What the map shows and the filters behind it, in words.
    countries, borders
        Display layers (already simplified for display).
    incidents
        The incidents to draw (already filtered); rows without coordinates are not drawn.
    country_names
        ISO3 -> English name, for popups.
    focus_countries
        Countries the analyst selected; the view fits them. Empty: the whole region.
    zones
        Border-zone polygons to draw under the incidents, or ``None``.
    links
        Cross-border links (:func:`borderwatch.links.cross_border_links`), or ``None``.
    focus
        An incident to centre on and open (:class:`~borderwatch.mapping.view.Focus`).

    Returns
    -------
    MapView
        Fitted to the chosen countries (or the region) and every placed incident.
    """
    return MapView(
        title=title,
        filter_description=filter_description,
        countries=countries,
        borders=borders,
        bounds=fit_bounds(countries, focus_countries=focus_countries, incidents=incidents),
        country_names=country_names,
        incidents=incidents,
        zones=zones,
        links=links,
        focus=focus,
    )
