"""Cooperation arrangements: which are in force, who takes part, border regimes, and
incidents before and after an arrangement started."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from borderwatch.border_stats import zone_counts_by_year
from borderwatch.fatalities import FatalityRange, sum_fatalities


def in_force(arrangements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Arrangements in force at some point in ``year``.

    Started on or before the year's end, and either ongoing, of unknown end (assumed still
    in force: the data says when that is unverified), or ended no earlier than the year's
    start.
    """
    started = arrangements["date_start"].dt.year <= year
    ended_before = arrangements["date_end"].notna() & (arrangements["date_end"].dt.year < year)
    return arrangements[started & ~ended_before]


def border_regimes(arrangements: pd.DataFrame, year: int) -> pd.DataFrame:
    """Closures and unilateral border measures tied to one border, in force in ``year``."""
    current = in_force(arrangements, year)
    is_regime = (current["kind"] == "border_closure") | (
        (current["scope"] == "unilateral") & (current["kind"] == "border_security")
    )
    return current[is_regime & (current["border_pair"] != "")]


def regime_lines(
    regimes: pd.DataFrame, borders: gpd.GeoDataFrame, barriers: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Lines to draw for border regimes.

    A barrier with a line in ``barriers`` (matched on ``arrangement_id``) is drawn there; any
    other regime (closures) along its whole border line.
    """
    border_lines = borders.set_index("pair")["geometry"]
    barrier_lines = barriers.set_index("arrangement_id")
    geometries, notes = [], []
    for regime in regimes.itertuples():
        if regime.arrangement_id in barrier_lines.index:
            geometries.append(barrier_lines.loc[regime.arrangement_id, "geometry"])
            notes.append(barrier_lines.loc[regime.arrangement_id, "geometry_note"])
        else:
            geometries.append(border_lines.get(regime.border_pair))
            notes.append("")
    out = gpd.GeoDataFrame(regimes.copy(), geometry=geometries, crs="EPSG:4326")
    out["geometry_note"] = notes
    return out[out.geometry.notna()]


def involving(
    arrangements: pd.DataFrame,
    *,
    countries: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Arrangements with any of ``countries`` among their parties and of one of ``kinds``.

    Empty tuples mean no restriction.
    """
    keep = pd.Series(True, index=arrangements.index)
    if countries:
        wanted = set(countries)
        keep &= arrangements["parties"].map(lambda parties: bool(wanted & set(parties)))
    if kinds:
        keep &= arrangements["kind"].isin(kinds)
    return arrangements[keep]


def with_year(name: str, start: pd.Timestamp) -> str:
    """``name (YYYY)`` of the start year, unless the name already says that year."""
    return name if f"{start:%Y}" in name else f"{name} ({start:%Y})"


def participation_matrix(
    arrangements: pd.DataFrame, countries: list[str], country_names: Mapping[str, str]
) -> pd.DataFrame:
    """Arrangement × country table: True where the country is a known party.

    A last row counts each country's arrangements, so gaps in coverage stand out.
    """
    rows = {
        with_year(str(a.name), a.date_start): [c in a.parties for c in countries]
        for a in arrangements.sort_values("date_start").itertuples()
    }
    matrix = pd.DataFrame.from_dict(
        rows, orient="index", columns=[country_names.get(c, c) for c in countries]
    )
    matrix.index.name = "Arrangement"
    return matrix


def comparison_periods(
    start: pd.Timestamp, window_years: int
) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """The ``window_years`` before and after ``start``: period -> (first day, day after
    the last), starts compared as ``first <= date_start < after``."""
    window = pd.DateOffset(years=window_years)
    return {"before": (start - window, start), "after": (start, start + window)}


def period_counts(
    periods: dict[str, tuple[pd.Timestamp, pd.Timestamp]],
    counted: dict[str, tuple[int, FatalityRange]],
) -> pd.DataFrame:
    """The :func:`windowed_counts` table from each period's incidents and deaths (however
    counted: in memory or in the team database)."""
    rows = []
    for period, (begin, end) in periods.items():
        incidents, deaths = counted[period]
        rows.append(
            {
                "period": period,
                "from": begin.date(),
                "to": (end - pd.Timedelta(days=1)).date(),
                "incidents": incidents,
                "deaths_low": deaths.low,
                "deaths_best": deaths.best,
                "deaths_high": deaths.high,
                "unknown_tolls": deaths.unknown,
            }
        )
    return pd.DataFrame(rows)


def windowed_counts(
    incidents: pd.DataFrame,
    *,
    start: pd.Timestamp,
    window_years: int,
) -> pd.DataFrame:
    """Incidents and deaths in the ``window_years`` before and after ``start``.

    ``incidents`` should already be limited to the border zone of interest. Returns one
    row per period ("before", "after") with counts and deaths as low / best / high.
    Descriptive only: nothing here says an arrangement changed anything.
    """
    periods = comparison_periods(start, window_years)
    counted = {}
    for period, (begin, end) in periods.items():
        chosen = incidents[(incidents["date_start"] >= begin) & (incidents["date_start"] < end)]
        counted[period] = (len(chosen), sum_fatalities(chosen))
    return period_counts(periods, counted)


#: Years before and after an arrangement's start that the comparison opens with.
DEFAULT_WINDOW_YEARS = 3


def default_arrangement(
    arrangements: pd.DataFrame, covered: tuple[int, int], window_years: int
) -> str:
    """The arrangement to open the before/after comparison on: the first one tied to a
    border whose window the incident data fully covers (else the earliest)."""
    ordered = arrangements.sort_values("date_start")
    fits = (ordered["border_pair"] != "") & ordered["date_start"].dt.year.between(
        covered[0] + window_years, covered[1] - window_years
    )
    chosen = ordered[fits] if fits.any() else ordered
    return str(chosen["arrangement_id"].iloc[0])


@dataclass(frozen=True)
class BeforeAfter:
    """Incidents in one border zone around an arrangement's start.

    Attributes
    ----------
    by_year
        One row per year of the window (``year``, ``incidents``, deaths …, ``pair``);
        years without incidents count 0, years outside the data's coverage too (see
        ``outside_coverage``).
    periods
        The :func:`windowed_counts` table: before and after, with deaths as ranges.
    years
        First and last year of the window.
    outside_coverage
        Part of the window lies outside the years the incident data covers: counts there
        are unknown, not zero.
    """

    by_year: pd.DataFrame
    periods: pd.DataFrame
    years: tuple[int, int]
    outside_coverage: bool


def before_after(
    zone_incidents: pd.DataFrame,
    *,
    pair: str,
    width_km: float,
    start: pd.Timestamp,
    window_years: int,
    covered: tuple[int, int],
) -> BeforeAfter:
    """Per-year and before/after counts of ``zone_incidents`` around ``start``.

    ``zone_incidents`` should already be limited to the ``pair`` zone of ``width_km``
    (see :func:`borderwatch.border_stats.in_zone`). Descriptive only.
    """
    return before_after_from_counts(
        zone_counts_by_year(zone_incidents, width_km),
        windowed_counts(zone_incidents, start=start, window_years=window_years),
        pair=pair,
        start=start,
        window_years=window_years,
        covered=covered,
    )


def before_after_from_counts(
    by_year: pd.DataFrame,
    periods: pd.DataFrame,
    *,
    pair: str,
    start: pd.Timestamp,
    window_years: int,
    covered: tuple[int, int],
) -> BeforeAfter:
    """:func:`before_after` from the zone's counts per year
    (:func:`borderwatch.border_stats.zone_counts_by_year`' columns, this pair only) and the
    :func:`windowed_counts` table, however counted (in memory or in the team database)."""
    years = range(start.year - window_years, start.year + window_years + 1)
    every_year = (
        by_year.set_index("year")
        .reindex(years)
        .rename_axis("year")
        .reset_index()
        .fillna({"incidents": 0})
        .assign(pair=pair)
    )
    return BeforeAfter(
        by_year=every_year,
        periods=periods,
        years=(years[0], years[-1]),
        outside_coverage=years[0] < covered[0] or years[-1] > covered[1],
    )


def arrangement_dates(arrangements: pd.DataFrame, *, kind: str, unit: str) -> pd.DataFrame:
    """The start and known end dates of the arrangements that concern one unit, as marks
    for a time axis.

    A country (``kind="country"``, ``unit`` its ISO3) is concerned by every arrangement it
    is a party to; a border zone (``kind="zone"``, ``unit`` its pair ``"DZA-TUN"``) by the
    arrangements tied to that border and the bilateral ones between its two states.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``event`` (``"start"`` or ``"end"``), ``name``, ``arrangement_id``; one
        row per start and one per known end (an arrangement still in force, or whose end is
        not known, has no end mark), in date order.
    """
    if kind == "country":
        concerned = arrangements["parties"].map(lambda parties: unit in set(parties))
    else:
        states = set(unit.split("-"))
        concerned = (arrangements["border_pair"] == unit) | (
            (arrangements["scope"] == "bilateral")
            & arrangements["parties"].map(lambda parties: set(parties) == states)
        )
    chosen = arrangements[concerned.astype(bool)]
    starts = pd.DataFrame(
        {"date": chosen["date_start"], "event": "start", "name": chosen["name"]}
    ).assign(arrangement_id=chosen["arrangement_id"])
    ended = chosen[chosen["date_end"].notna()]
    ends = pd.DataFrame({"date": ended["date_end"], "event": "end", "name": ended["name"]}).assign(
        arrangement_id=ended["arrangement_id"]
    )
    marks = pd.concat([starts, ends], ignore_index=True)
    return marks.sort_values(["date", "event"], kind="stable").reset_index(drop=True)
