"""Incidents and deaths in border zones, per border pair and year."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from borderwatch.fatalities import incident_bounds, tally
from borderwatch.schemas import LOCATION_ERROR_KM


def in_zone(incidents: pd.DataFrame, width_km: float, pairs: list[str] | None = None) -> pd.Series:
    """True for incidents within ``width_km`` of a border (of one of ``pairs`` if given).

    Needs the columns added by :func:`borderwatch.proximity.add_border_distance`.
    """
    inside = incidents["border_distance_km"] <= width_km
    if pairs:
        inside &= incidents["nearest_border"].isin(pairs)
    return inside.fillna(False).astype(bool)


def possibly_in_zone(incidents: pd.DataFrame, width_km: float) -> pd.Series:
    """True where the zone is within reach given the incident's location precision."""
    error = incidents["location_precision"].map(LOCATION_ERROR_KM).astype("float64")
    return (incidents["border_distance_km"] - error <= width_km).fillna(False).astype(bool)


def zone_counts_by_year(incidents: pd.DataFrame, width_km: float) -> pd.DataFrame:
    """Per border pair and year (of the start date): incidents and deaths in the zone, and
    ``unknown_tolls``, the incidents with no reported toll (deaths are empty, not 0, where
    every toll is unknown)."""
    inside = incidents[in_zone(incidents, width_km)]
    unknown = incident_bounds(inside)[1].isna().astype("int64")
    return tally(
        inside,
        {"pair": inside["nearest_border"], "year": inside["date_start"].dt.year},
        unknown_tolls=unknown,
    )


def zone_ranking(
    incidents: pd.DataFrame, width_km: float, border_names: Mapping[str, str]
) -> pd.DataFrame:
    """Border pairs ranked by incidents in their zone, with deaths as a range (empty where
    every toll is unknown, never 0) and the incidents whose toll is unknown."""
    return ranking_from_counts(zone_counts_by_year(incidents, width_km), border_names)


def ranking_from_counts(by_year: pd.DataFrame, border_names: Mapping[str, str]) -> pd.DataFrame:
    """:func:`zone_ranking` from the counts per pair and year (:func:`zone_counts_by_year`'
    columns, however counted: in memory or in the team database)."""
    totals = (
        by_year.groupby("pair", as_index=False)
        .agg(
            incidents=("incidents", "sum"),
            deaths_low=("deaths_low", _known_sum),
            deaths_best=("deaths_best", _known_sum),
            deaths_high=("deaths_high", _known_sum),
            unknown_tolls=("unknown_tolls", "sum"),
            first_year=("year", "min"),
            last_year=("year", "max"),
        )
        .sort_values(["incidents", "deaths_best"], ascending=False)
        .reset_index(drop=True)
    )
    totals.insert(1, "border", totals["pair"].map(lambda p: border_names.get(p, p)))
    return totals


def border_lengths_table(lengths: pd.DataFrame, pairs: tuple[str, ...] = ()) -> pd.DataFrame:
    """Measured and published border lengths side by side, with why they differ.

    Parameters
    ----------
    lengths
        ``geodata/border_lengths.csv`` as loaded.
    pairs
        Only these border pairs; empty means all.
    """
    chosen = lengths[lengths["pair"].isin(pairs)] if pairs else lengths

    def published(low: float, high: float) -> str:
        return f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"

    return pd.DataFrame(
        {
            "Border": chosen["name"],
            "Measured on the map (km)": chosen["measured_km"].round().astype(int),
            "Published (km)": [
                published(low, high)
                for low, high in zip(
                    chosen["published_km_low"], chosen["published_km_high"], strict=True
                )
            ],
            "Why they differ": chosen["note"],
            "Verification": chosen["verification"],
            "Sources": chosen["sources"].map(" | ".join),
        }
    ).reset_index(drop=True)


def _known_sum(values: pd.Series) -> object:
    """The sum of the known figures; missing when none is known."""
    return values.sum(min_count=1)
