"""Which incidents an analyst is looking at: the filter and how it is applied."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from borderwatch.schemas import EVENT_TYPES


@dataclass(frozen=True)
class IncidentFilter:
    """A selection of incidents. Empty tuples mean "no restriction".

    Parameters
    ----------
    countries
        ISO3 codes of the countries where incidents happened.
    years
        Inclusive (first, last) year; an incident counts if any of its days falls in it.
    event_types
        Keys of :data:`borderwatch.schemas.EVENT_TYPES`.
    border_zone_km
        Keep only incidents within this many km of an international land border
        (needs the ``border_distance_km`` column); ``None`` keeps all.
    """

    countries: tuple[str, ...] = field(default=())
    years: tuple[int, int] | None = None
    event_types: tuple[str, ...] = field(default=())
    border_zone_km: float | None = None

    def describe(self, country_names: dict[str, str] | None = None) -> str:
        """One line saying what the filter keeps, for captions and empty states."""
        names = country_names or {}
        parts = [
            "countries: "
            + (", ".join(names.get(c, c) for c in self.countries) if self.countries else "all"),
            "years: " + (f"{self.years[0]}–{self.years[1]}" if self.years else "all"),
            "event types: "
            + (
                ", ".join(EVENT_TYPES.get(t, t) for t in self.event_types)
                if self.event_types
                else "all"
            ),
        ]
        if self.border_zone_km is not None:
            parts.append(f"within {self.border_zone_km:g} km of a border")
        return "; ".join(parts)


def year_span(incidents: pd.DataFrame) -> tuple[int, int]:
    """First and last year covered by the incidents."""
    return int(incidents["date_start"].dt.year.min()), int(incidents["date_end"].dt.year.max())


def filter_incidents(incidents: pd.DataFrame, selection: IncidentFilter) -> pd.DataFrame:
    """Rows of ``incidents`` that the selection keeps, in their original order."""
    keep = pd.Series(True, index=incidents.index)
    if selection.countries:
        keep &= incidents["country_iso3"].isin(selection.countries)
    if selection.years is not None:
        first, last = selection.years
        keep &= (incidents["date_end"].dt.year >= first) & (incidents["date_start"].dt.year <= last)
    if selection.event_types:
        keep &= incidents["event_type"].isin(selection.event_types)
    if selection.border_zone_km is not None:
        keep &= (incidents["border_distance_km"] <= selection.border_zone_km).fillna(False)
    return incidents[keep]
