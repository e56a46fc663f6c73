"""The Borders page's selection: one border or all, its zone, and what lies in it."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from borderwatch.app.prepared import PreparedData
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
    regimes = _on(border_regimes(prepared.geodata.cooperation, regime_year), "border_pair", pairs)
    return BorderSelection(
        filtered=filtered,
        inside=filtered[in_zone(filtered, width_km, list(pairs) or None)],
        possibly_inside=_on(maybe, "nearest_border", pairs),
        by_year=_on(zone_counts_by_year(filtered, width_km), "pair", pairs),
        crossings=_on(prepared.geodata.crossings, "border_pair", pairs),
        regimes=regimes,
        regime_lines=regime_lines(regimes, prepared.display_borders, prepared.geodata.barriers),
    )
