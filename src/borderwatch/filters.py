"""Which incidents an analyst is looking at: the filter and how it is applied."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from borderwatch.config import settings
from borderwatch.fatalities import bound_arrays
from borderwatch.schemas import CURATED_DATASET, EVENT_TYPES
from borderwatch.search import normalise

#: The ``verification`` value the "two sources only" filter keeps.
TWO_SOURCES = "two sources"


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
    dates
        Inclusive (first, last) day; an incident counts if any of its days falls in it.
    actor
        Text the perpetrator must contain (case- and accent-insensitive); empty keeps all.
    min_deaths
        Keep incidents whose best death estimate is at least this; ``None`` keeps all.
    unknown_deaths
        Whether incidents with no reported toll are kept (they are never counted as zero,
        so never pass or fail ``min_deaths`` by a figure).
    precisions
        Location precision codes (1–4) to keep; incidents with no coordinates have none and
        are dropped when this is set.
    datasets
        ``dataset`` keys to keep (``"curated"`` and each imported dataset's key).
    two_sources_only
        Keep only rows whose ``verification`` is ``"two sources"``; rows without a
        verification status never pass.
    border_pairs
        Keep only incidents whose nearest border is one of these pairs (``"DZA-LBY"``);
        with ``border_zone_km``, the incidents in those borders' zones. Set by pages that
        look at chosen borders, not by the sidebar.
    """

    countries: tuple[str, ...] = field(default=())
    years: tuple[int, int] | None = None
    event_types: tuple[str, ...] = field(default=())
    border_zone_km: float | None = None
    dates: tuple[datetime.date, datetime.date] | None = None
    actor: str = ""
    min_deaths: int | None = None
    unknown_deaths: bool = True
    precisions: tuple[int, ...] = field(default=())
    datasets: tuple[str, ...] = field(default=())
    two_sources_only: bool = False
    border_pairs: tuple[str, ...] = field(default=())

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
        if self.border_pairs:
            parts.append("nearest border: " + ", ".join(self.border_pairs))
        if self.dates is not None:
            parts.append(f"dates: {self.dates[0]:%Y-%m-%d} to {self.dates[1]:%Y-%m-%d}")
        if self.actor.strip():
            parts.append(f"perpetrator contains “{self.actor.strip()}”")
        if self.min_deaths is not None:
            unknown = "unknown tolls included" if self.unknown_deaths else "unknown excluded"
            parts.append(f"at least {self.min_deaths} death(s), {unknown}")
        elif not self.unknown_deaths:
            parts.append("unknown tolls excluded")
        if self.precisions:
            parts.append("location precision: " + ", ".join(str(p) for p in self.precisions))
        if self.datasets:
            parts.append("datasets: " + ", ".join(dataset_label(d) for d in self.datasets))
        if self.two_sources_only:
            parts.append("verified by two sources only")
        return "; ".join(parts)


def dataset_label(key: str) -> str:
    """How a ``dataset`` key is named to analysts."""
    return "Curated (BorderWatch)" if key == CURATED_DATASET else key


def year_span(incidents: pd.DataFrame) -> tuple[int, int]:
    """First and last year covered by the incidents."""
    return int(incidents["date_start"].dt.year.min()), int(incidents["date_end"].dt.year.max())


#: What a map of many incidents reads (grid cells, counters, bounds, legend, playback,
#: focus): a selection of a million rows copies these few columns before the map is drawn
#: (:func:`rows_to_draw`), not every text column.
MAP_COLUMNS = (
    *("incident_id", "name", "date_start", "date_end", "country_iso3", "latitude"),
    *("longitude", "event_type", "fatalities_low", "fatalities_best", "fatalities_high"),
    "location_precision",
)


def filter_incidents(
    incidents: pd.DataFrame, selection: IncidentFilter, *, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rows of ``incidents`` that the selection keeps, in their original order (and index);
    with ``columns``, only those columns."""
    keep = _kept(incidents, selection)
    source = incidents if columns is None else incidents[list(columns)]
    if bool(keep.all()):
        return source  # nothing left out: no copy of a possibly million-row table
    return source[keep]


def rows_to_draw(
    incidents: pd.DataFrame, selection: IncidentFilter, *, max_points: int | None = None
) -> pd.DataFrame:
    """The selection as its map needs it: every column when at most ``max_points`` (the
    configured ``max_individual_points``) of its incidents are placed — each is drawn, with
    its popup — else only :data:`MAP_COLUMNS`, which grid cells count. A page copies the
    full rows of a large selection (:func:`full_rows`) after its map is drawn, so the map
    does not wait for a million rows of text."""
    if max_points is None:
        max_points = settings().max_individual_points
    narrow = filter_incidents(incidents, selection, columns=MAP_COLUMNS)
    placed = narrow["latitude"].notna() & narrow["longitude"].notna()
    if int(placed.sum()) > max_points:
        return narrow
    return full_rows(incidents, narrow)


def full_rows(incidents: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Every column of ``incidents`` for ``rows``, a selection (possibly narrow) of them."""
    if rows.columns.equals(incidents.columns):
        return rows
    if rows.index.equals(incidents.index):
        return incidents
    return incidents.iloc[incidents.index.get_indexer(rows.index)]


def _kept(incidents: pd.DataFrame, selection: IncidentFilter) -> pd.Series:
    """True on the rows the selection keeps."""
    keep = pd.Series(True, index=incidents.index)
    if selection.countries:
        keep &= incidents["country_iso3"].isin(selection.countries)
    if selection.years is not None:
        first, last = selection.years
        # Compared as dates (the years' first days), not by extracting each row's year.
        keep &= (incidents["date_end"] >= pd.Timestamp(first, 1, 1)) & (
            incidents["date_start"] < pd.Timestamp(last + 1, 1, 1)
        )
    if selection.event_types:
        keep &= incidents["event_type"].isin(selection.event_types)
    if selection.border_zone_km is not None:
        keep &= (incidents["border_distance_km"] <= selection.border_zone_km).fillna(False)
    if selection.border_pairs:
        keep &= incidents["nearest_border"].isin(selection.border_pairs).fillna(False)
    if selection.dates is not None:
        first_day = pd.Timestamp(selection.dates[0])
        after_last = pd.Timestamp(selection.dates[1]) + pd.Timedelta(days=1)
        keep &= (incidents["date_end"] >= first_day) & (incidents["date_start"] < after_last)
    if selection.actor.strip():
        keep &= _text_contains(incidents, "perpetrator", selection.actor)
    if selection.min_deaths is not None or not selection.unknown_deaths:
        _, best, _ = bound_arrays(incidents)
        unknown = np.isnan(best)
        enough = ~unknown & (np.nan_to_num(best) >= (selection.min_deaths or 0))
        keep &= enough | (unknown & selection.unknown_deaths)
    if selection.precisions:
        keep &= incidents["location_precision"].isin(selection.precisions).fillna(False)
    if selection.datasets:
        keep &= _column(incidents, "dataset", CURATED_DATASET).isin(selection.datasets)
    if selection.two_sources_only:
        keep &= _column(incidents, "verification", "") == TWO_SOURCES
    return keep


def _column(incidents: pd.DataFrame, name: str, default: str) -> pd.Series:
    """A text column, or ``default`` on every row when the table has no such column."""
    if name in incidents:
        return incidents[name]
    return pd.Series(default, index=incidents.index, dtype=object)


def _text_contains(incidents: pd.DataFrame, column: str, text: str) -> pd.Series:
    """Rows whose ``column`` contains ``text``, ignoring case and accents. Each distinct
    value is folded once (a million rows hold far fewer distinct actors)."""
    wanted = normalise(text)
    values = _column(incidents, column, "")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hit = np.array([wanted in normalise(str(u)) for u in uniques] + [False], dtype=bool)
    return pd.Series(hit[codes], index=incidents.index)
