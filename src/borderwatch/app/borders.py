"""The Borders page's selection: one border or all, its zone, and what lies in it."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from borderwatch.app.prepared import DataSettings, PreparedData
from borderwatch.app.selection import (
    IncidentMapAnswers,
    database_selection,
    incident_map_answers,
    select,
)
from borderwatch.border_stats import in_zone, possibly_in_zone, zone_counts_by_year
from borderwatch.cooperation import border_regimes, regime_lines
from borderwatch.filters import IncidentFilter, filter_incidents


@dataclass(frozen=True)
class BorderSelection:
    """What the Borders page shows for a choice of borders, zone width and year.

    Attributes
    ----------
    filtered
        Incidents kept by the sidebar filters (its "only within the zone" switch aside:
        here the zone is the subject).
    inside
        Those within the zone of the chosen borders.
    possibly_inside
        Those outside the zone that could be inside given their location precision.
    by_year
        Incidents and deaths per border pair and year in the zone.
    crossings
        Crossing points on the chosen borders.
    regimes
        Closures and barriers in force in the chosen year on the chosen borders.
    regime_lines
        The same, as lines to draw.
    """

    filtered: pd.DataFrame
    inside: pd.DataFrame
    possibly_inside: pd.DataFrame
    by_year: pd.DataFrame
    crossings: gpd.GeoDataFrame
    regimes: pd.DataFrame
    regime_lines: gpd.GeoDataFrame


def _on(table: pd.DataFrame, column: str, pairs: tuple[str, ...]) -> pd.DataFrame:
    return table[table[column].isin(pairs)] if pairs else table


@dataclass(frozen=True)
class BorderLayers:
    """The curated layers of the chosen borders: crossings, and the closures and barriers
    in force in the chosen year (as a table and as lines to draw)."""

    crossings: gpd.GeoDataFrame
    regimes: pd.DataFrame
    regime_lines: gpd.GeoDataFrame


def border_layers(
    prepared: PreparedData, *, pairs: tuple[str, ...], regime_year: int
) -> BorderLayers:
    """The crossings and regimes of ``pairs`` (empty: every border) in ``regime_year``."""
    regimes = _on(border_regimes(prepared.geodata.cooperation, regime_year), "border_pair", pairs)
    return BorderLayers(
        crossings=_on(prepared.geodata.crossings, "border_pair", pairs),
        regimes=regimes,
        regime_lines=regime_lines(regimes, prepared.display_borders, prepared.geodata.barriers),
    )


def select_border(
    prepared: PreparedData,
    selection: IncidentFilter,
    *,
    width_km: float,
    pairs: tuple[str, ...],
    regime_year: int,
) -> BorderSelection:
    """The incidents, crossings and regimes of ``pairs`` (empty: every border)."""
    filtered = filter_incidents(prepared.incidents, replace(selection, border_zone_km=None))
    inside_zone = in_zone(filtered, width_km)
    maybe = filtered[possibly_in_zone(filtered, width_km) & ~inside_zone]
    layers = border_layers(prepared, pairs=pairs, regime_year=regime_year)
    return BorderSelection(
        filtered=filtered,
        inside=filtered[in_zone(filtered, width_km, list(pairs) or None)],
        possibly_inside=_on(maybe, "nearest_border", pairs),
        by_year=_on(zone_counts_by_year(filtered, width_km), "pair", pairs),
        crossings=layers.crossings,
        regimes=layers.regimes,
        regime_lines=layers.regime_lines,
    )


def zone_selection(
    selection: IncidentFilter, *, width_km: float, pairs: tuple[str, ...]
) -> IncidentFilter:
    """The sidebar's selection narrowed to the zone of ``pairs`` (every border when
    empty): what the Borders page counts, maps and lists."""
    return replace(selection, border_zone_km=float(width_km), border_pairs=tuple(pairs))


@dataclass(frozen=True)
class DatabaseBorderZone:
    """What the Borders page shows of a zone in team mode, counted in the database.

    Attributes
    ----------
    selection
        The zone's incidents as a filter (:func:`zone_selection`).
    answers
        The Incident map's answers about the incidents in the zone (counters, extent, map
        rows or grid cells, the newest rows for the table).
    by_year
        Incidents and deaths per border pair and year in the zone, every border (the
        chosen ones' rows chart; all of them rank).
    possibly_inside
        How many incidents lie outside the zone but could be inside given their location
        precision, and the ids of the newest few.
    """

    selection: IncidentFilter
    answers: IncidentMapAnswers
    by_year: pd.DataFrame
    possibly_inside: tuple[int, list[str]]

    def chosen_by_year(self, pairs: tuple[str, ...]) -> pd.DataFrame:
        """The per-year counts of ``pairs`` (every border when empty)."""
        return _on(self.by_year, "pair", pairs).reset_index(drop=True)


#: Ids of incidents possibly in the zone that the page lists by name.
POSSIBLY_INSIDE_LISTED = 5


def database_border_zone(
    prepared: PreparedData,
    selection: IncidentFilter,
    *,
    width_km: float,
    pairs: tuple[str, ...],
    data_settings: DataSettings,
    max_points: int,
    table_limit: int,
) -> DatabaseBorderZone:
    """The zone of ``pairs`` (every border when empty) for the sidebar's ``selection``
    (its "only within the zone" switch aside: here the zone is the subject), counted in
    the team database ``data_settings`` names."""
    unzoned = replace(selection, border_zone_km=None)
    zone = zone_selection(selection, width_km=width_km, pairs=pairs)
    every_border = database_selection(prepared, unzoned, data_settings)
    on_borders = database_selection(
        prepared, replace(unzoned, border_pairs=tuple(pairs)), data_settings
    )
    assert every_border is not None and on_borders is not None  # team mode only
    return DatabaseBorderZone(
        selection=zone,
        answers=incident_map_answers(
            select(prepared, zone, data_settings),
            prepared.display_countries,
            max_points=max_points,
            table_limit=table_limit,
        ),
        by_year=every_border.zone_counts_by_year(width_km),
        possibly_inside=on_borders.possibly_in_zone(width_km, limit=POSSIBLY_INSIDE_LISTED),
    )
