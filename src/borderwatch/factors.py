"""The three regional factors behind the failure of a region-wide security structure
(El-Katiri, 2016): fluid security in Libya and Tunisia, uneven military capabilities, and
the Algeria–Morocco rivalry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from borderwatch.border_stats import in_zone
from borderwatch.citations import VERIFICATION_STATUSES
from borderwatch.fatalities import tally
from borderwatch.schemas import CAPABILITY_INDICATORS, EXPENDITURE_INDICATOR

#: The two states whose fluid situation the first factor is about.
FLUID_STATES = ("LBY", "TUN")
#: The rivals of the third factor.
RIVALS = ("DZA", "MAR")
#: The years the capability series covers (issue 12: 2011 to the latest SIPRI release).
CAPABILITY_YEARS: tuple[int, ...] = tuple(range(2011, 2025))
#: What a series cell shows when no sourced figure is known: never zero, never blank.
UNKNOWN = "unknown"
#: Marks after a figure in a series cell, by verification status ("two sources": none).
VERIFICATION_MARKS = {"two sources": "", "single source": " *", "disputed": " †"}


def security_by_country_year(incidents: pd.DataFrame, width_km: float) -> pd.DataFrame:
    """Per country and start year: incidents, deaths (range), and the share in border zones.

    ``incidents`` needs the border-distance columns; incidents without coordinates count in
    the totals but not in the border share (their distance is unknown).
    """
    grouped = tally(
        incidents,
        {"country_iso3": incidents["country_iso3"], "year": incidents["date_start"].dt.year},
        in_border_zone=in_zone(incidents, width_km).astype(int),
    )
    return with_border_share(grouped)


def with_border_share(grouped: pd.DataFrame) -> pd.DataFrame:
    """Counts per country and year (incidents, ``in_border_zone``, however counted: in
    memory or in the team database) with ``border_share``, ordered by country and year."""
    grouped = grouped.copy()
    grouped["border_share"] = (grouped["in_border_zone"] / grouped["incidents"]).round(3)
    return grouped.sort_values(["country_iso3", "year"]).reset_index(drop=True)


def format_figure(low: float, high: float, indicator: str) -> str:
    """'10.654', '1.3–4.8', '35,800' or 'unknown' (never zero for a missing figure)."""
    if pd.isna(low) or pd.isna(high):
        return UNKNOWN

    def one(value: float) -> str:
        if indicator == EXPENDITURE_INDICATOR:
            # Four decimals: figures quoted in US$ millions (0.8355 bn) keep every digit.
            return f"{value:,.4f}".rstrip("0").rstrip(".")
        return f"{value:,.0f}"

    first, last = one(low), one(high)
    return first if first == last else f"{first}–{last}"


def _figures(capabilities: pd.DataFrame) -> list[str]:
    return [
        format_figure(low, high, indicator)
        for low, high, indicator in zip(
            capabilities["value_low"],
            capabilities["value_high"],
            capabilities["indicator"],
            strict=True,
        )
    ]


def capability_table(capabilities: pd.DataFrame, country_names: Mapping[str, str]) -> pd.DataFrame:
    """Capability figures for display, one per row: value (or 'unknown'), the release it
    comes from, its price basis, verification status, source and note."""
    return pd.DataFrame(
        {
            "Country": capabilities["country_iso3"].map(lambda c: country_names.get(c, c)),
            "Indicator": capabilities["indicator"].map(CAPABILITY_INDICATORS),
            "Year": capabilities["year"],
            "Value": _figures(capabilities),
            "Release": capabilities["release"].replace("", "—"),
            "Price basis": capabilities["price_basis"].replace("", "—"),
            "Verification": capabilities["verification"],
            "Verified": capabilities["verified"],
            "Source": capabilities["source"],
            "Note": capabilities["note"],
        }
    ).reset_index(drop=True)


def capability_states(countries: pd.DataFrame) -> list[str]:
    """ISO3 codes of the focus countries whose capabilities are tracked, in file order:
    every focus state; Western Sahara, a disputed territory, has no armed forces to count."""
    states = countries[countries["focus"] & ~countries["disputed"]]
    return list(states["iso3"])


def capability_series(
    capabilities: pd.DataFrame,
    *,
    indicator: str,
    states: Sequence[str],
    country_names: Mapping[str, str],
    years: Sequence[int] = CAPABILITY_YEARS,
) -> pd.DataFrame:
    """One indicator as a year × country grid of display text.

    Every cell is the sourced figure (a range where sources disagree) followed by its
    verification mark (:data:`VERIFICATION_MARKS`), or :data:`UNKNOWN` where no figure is
    known: a missing row and a row with empty values read the same. The index is the year,
    the columns the country names in the order of ``states``.
    """
    rows = capabilities[
        (capabilities["indicator"] == indicator)
        & capabilities["country_iso3"].isin(states)
        & capabilities["year"].isin(years)
    ]
    text = [
        figure if figure == UNKNOWN else figure + VERIFICATION_MARKS.get(status, "")
        for figure, status in zip(_figures(rows), rows["verification"], strict=True)
    ]
    known = pd.Series(text, index=pd.MultiIndex.from_arrays([rows["year"], rows["country_iso3"]]))
    grid = pd.DataFrame(UNKNOWN, index=pd.Index(list(years), name="Year"), columns=list(states))
    for (year, state), cell in known.items():
        grid.loc[year, state] = cell
    return grid.rename(columns=lambda c: country_names.get(c, c))


def capability_coverage(
    capabilities: pd.DataFrame, states: Sequence[str], years: Sequence[int] = CAPABILITY_YEARS
) -> pd.DataFrame:
    """Per indicator, how many (country, year) cells of the series hold a sourced figure,
    by verification status, and how many are unknown."""
    in_scope = capabilities[
        capabilities["country_iso3"].isin(states)
        & capabilities["year"].isin(years)
        & capabilities["value_low"].notna()
    ]
    cells = len(states) * len(years)
    rows = []
    for indicator, label in CAPABILITY_INDICATORS.items():
        counts = in_scope.loc[in_scope["indicator"] == indicator, "verification"].value_counts()
        filled = {status: int(counts.get(status, 0)) for status in VERIFICATION_STATUSES}
        rows.append(
            {"Indicator": label, "Cells": cells}
            | {status.capitalize(): n for status, n in filled.items()}
            | {"Unknown": cells - sum(filled.values())}
        )
    return pd.DataFrame(rows)


def rivalry_arrangements(arrangements: pd.DataFrame) -> pd.DataFrame:
    """Arrangements with both rivals among the parties, and closures of their border."""
    both = arrangements["parties"].map(lambda parties: set(RIVALS) <= set(parties))
    return arrangements[both].sort_values("date_start")
