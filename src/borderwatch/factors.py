"""The three regional factors behind the failure of a region-wide security structure
(El-Katiri, 2016): fluid security in Libya and Tunisia, uneven military capabilities, and
the Algeria–Morocco rivalry."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from borderwatch.border_stats import in_zone
from borderwatch.fatalities import tally
from borderwatch.schemas import CAPABILITY_INDICATORS

#: The two states whose fluid situation the first factor is about.
FLUID_STATES = ("LBY", "TUN")
#: The rivals of the third factor.
RIVALS = ("DZA", "MAR")


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
    grouped["border_share"] = (grouped["in_border_zone"] / grouped["incidents"]).round(3)
    return grouped.sort_values(["country_iso3", "year"]).reset_index(drop=True)


def format_figure(low: float, high: float, indicator: str) -> str:
    """'10.654', '1.3–4.8', '35,800' or 'unknown' (never zero for a missing figure)."""
    if pd.isna(low) or pd.isna(high):
        return "unknown"

    def one(value: float) -> str:
        if indicator == "military_expenditure_usd_bn":
            return f"{value:,.3f}".rstrip("0").rstrip(".")
        return f"{value:,.0f}"

    first, last = one(low), one(high)
    return first if first == last else f"{first}–{last}"


def capability_table(capabilities: pd.DataFrame, country_names: Mapping[str, str]) -> pd.DataFrame:
    """Capability figures for display: value (or 'unknown'), year, source, verification."""
    return pd.DataFrame(
        {
            "Country": capabilities["country_iso3"].map(lambda c: country_names.get(c, c)),
            "Indicator": capabilities["indicator"].map(CAPABILITY_INDICATORS),
            "Year": capabilities["year"],
            "Value": [
                format_figure(low, high, indicator)
                for low, high, indicator in zip(
                    capabilities["value_low"],
                    capabilities["value_high"],
                    capabilities["indicator"],
                    strict=True,
                )
            ],
            "Verified": capabilities["verified"],
            "Source": capabilities["source"],
            "Note": capabilities["note"],
        }
    ).reset_index(drop=True)


def rivalry_arrangements(arrangements: pd.DataFrame) -> pd.DataFrame:
    """Arrangements with both rivals among the parties, and closures of their border."""
    both = arrangements["parties"].map(lambda parties: set(RIVALS) <= set(parties))
    return arrangements[both].sort_values("date_start")
