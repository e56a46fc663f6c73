"""Layouts of the curated datasets and the vocabularies they use.

The prose version of these layouts, for people editing the CSV files, is
``docs/dataset-layouts.md``; the two must agree (a unit test checks the column lists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

ColumnKind = Literal["str", "int", "float", "date", "iso3_list", "citations"]


@dataclass(frozen=True)
class Column:
    """One column of a tabular dataset.

    Parameters
    ----------
    name
        Header name in the file.
    kind
        How the cell is parsed: text, integer, float, ISO date, ``;``-separated ISO3 codes
        or `` | ``-separated citations.
    required
        Whether an empty cell is an error.
    allowed
        For text columns with a closed vocabulary, the accepted values.
    minimum, maximum
        Inclusive bounds for numeric columns.
    """

    name: str
    kind: ColumnKind = "str"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Rule:
    """A check across columns, run on the typed table.

    Parameters
    ----------
    field
        The column the message points at.
    message
        What is wrong when the rule is broken.
    violated
        Returns a boolean Series, True on the rows that break the rule.
    """

    field: str
    message: str
    violated: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSchema:
    """A named, ordered list of columns and the rules that tie them together."""

    name: str
    columns: tuple[Column, ...]
    #: Columns whose values identify a row; duplicates are an error.
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


#: Event types of the incident layer, with the label shown to analysts.
EVENT_TYPES: dict[str, str] = {
    "armed_assault": "Armed assault",
    "bombing": "Bombing",
    "ambush": "Ambush",
    "hostage_taking": "Kidnapping / hostage-taking",
    "assassination": "Assassination",
    "air_strike": "Air strike",
    "seizure": "Arms seizure / interdiction",
    "unrest": "Riot / unrest",
    "battle": "Battle",
    "other": "Other / strategic development",
}

#: Location precision codes; the expected error is what an analyst should assume.
LOCATION_PRECISION: dict[int, str] = {
    1: "the site itself (~1 km)",
    2: "centroid of the named town, commune or massif (5–30 km)",
    3: "nearest town or province capital, not the site (tens of km)",
    4: "only a region or stretch of border is known (50 km or more)",
}

#: Error to assume for each precision code, in km, when deciding whether an incident could
#: lie in a border zone (upper ends of the ranges above; 100 km for "region only").
LOCATION_ERROR_KM: dict[int, float] = {1: 1.0, 2: 30.0, 3: 50.0, 4: 100.0}

LOCATION_SOURCES: dict[str, str] = {
    "reported": "coordinate from the cited source",
    "geocoded": "named place geocoded by BorderWatch",
}

DATE_PRECISIONS: dict[str, str] = {
    "day": "exact day",
    "month": "only the month is known",
    "approximate": "date inferred from reporting",
    "year": "only the year is known",
}

ARRANGEMENT_KINDS: dict[str, str] = {
    "border_security": "Border security",
    "intelligence_sharing": "Intelligence sharing",
    "joint_operations": "Joint operations",
    "training": "Training",
    "political": "Political",
    "border_closure": "Border closure",
}

ARRANGEMENT_SCOPES = ("bilateral", "multilateral", "unilateral")
END_STATUSES = ("ongoing", "ended", "unknown")
START_PRECISIONS = ("day", "month", "year")

#: Verification status of a curated row: how many independent sources confirm it.
VERIFICATION_STATUSES = ("two sources", "single source", "disputed")

#: What was compared against the sources (the ``checked`` column, ``;``-separated).
CHECKED_FIELDS = ("date", "place", "toll", "perpetrator", "origin", "type")

#: Incident columns filled by the curation audit only: imported datasets leave them empty
#: and files exported before the audit may lack them.
AUDIT_COLUMNS = ("verification", "checked")


def _not_checked_list(value: object) -> bool:
    """True if ``value`` is given but is not a ``;``-separated list from ``CHECKED_FIELDS``."""
    if not isinstance(value, str) or not value.strip():
        return False
    parts = [p.strip() for p in value.split(";")]
    return not all(p in CHECKED_FIELDS for p in parts)


DATES_IN_ORDER = Rule("date_end", "is before date_start", lambda t: t["date_end"] < t["date_start"])


def _not_above(lower: str, upper: str) -> Rule:
    """``lower`` may not exceed ``upper`` where both are given (a range of figures)."""
    return Rule(lower, f"is larger than {upper}", lambda t: t[lower] > t[upper])


INCIDENTS = TableSchema(
    name="incidents",
    key=("incident_id",),
    columns=(
        Column("incident_id", required=True),
        Column("name", required=True),
        Column("date_start", "date", required=True),
        Column("date_end", "date", required=True),
        Column("date_precision", required=True, allowed=tuple(DATE_PRECISIONS)),
        Column("country_iso3", required=True),
        Column("place_name", required=True),
        Column("latitude", "float", required=True, minimum=-90, maximum=90),
        Column("longitude", "float", required=True, minimum=-180, maximum=180),
        Column("location_precision", "int", required=True, minimum=1, maximum=4),
        Column("location_source", required=True, allowed=tuple(LOCATION_SOURCES)),
        Column("event_type", required=True, allowed=tuple(EVENT_TYPES)),
        Column("event_subtype"),
        Column("perpetrator"),
        Column("fatalities_low", "int", minimum=0),
        Column("fatalities_best", "int", minimum=0),
        Column("fatalities_high", "int", minimum=0),
        Column("fatalities_note"),
        Column("other_casualties"),
        Column("origin_countries", "iso3_list"),
        Column("cross_border_note"),
        Column("summary", required=True),
        Column("sources", "citations", required=True),
        # Curation audit (issue 12); optional so that imported datasets still fit the layout.
        Column("verification", allowed=VERIFICATION_STATUSES),
        Column("checked"),
        Column("unverified"),
    ),
    rules=(
        DATES_IN_ORDER,
        Rule(
            "checked",
            "must be a ';'-separated list of: " + ", ".join(CHECKED_FIELDS),
            lambda t: t["checked"].map(_not_checked_list),
        ),
        _not_above("fatalities_low", "fatalities_best"),
        _not_above("fatalities_best", "fatalities_high"),
        _not_above("fatalities_low", "fatalities_high"),
        Rule(
            "location_precision",
            "a geocoded place cannot have precision 1 (the site itself)",
            lambda t: (t["location_source"] == "geocoded") & (t["location_precision"] < 2),
        ),
    ),
)

COOPERATION = TableSchema(
    name="cooperation",
    key=("arrangement_id",),
    columns=(
        Column("arrangement_id", required=True),
        Column("name", required=True),
        Column("scope", required=True, allowed=ARRANGEMENT_SCOPES),
        Column("kind", required=True, allowed=tuple(ARRANGEMENT_KINDS)),
        Column("parties", "iso3_list", required=True),
        Column("members_note"),
        Column("border_pair"),
        Column("date_start", "date", required=True),
        Column("date_start_precision", required=True, allowed=START_PRECISIONS),
        Column("date_end", "date"),
        Column("end_status", required=True, allowed=END_STATUSES),
        Column("description", required=True),
        Column("sources", "citations", required=True),
        Column("unverified"),
    ),
    rules=(
        DATES_IN_ORDER,
        Rule(
            "date_end",
            "end_status is 'ended' but no date_end is given",
            lambda t: (t["end_status"] == "ended") & t["date_end"].isna(),
        ),
    ),
)

CROSSING_KINDS = ("road", "rail", "other")

CROSSINGS = TableSchema(
    name="crossings",
    key=("crossing_id",),
    columns=(
        Column("crossing_id", required=True),
        Column("name", required=True),
        Column("border_pair", required=True),
        Column("latitude", "float", required=True, minimum=-90, maximum=90),
        Column("longitude", "float", required=True, minimum=-180, maximum=180),
        Column("location_precision", "int", required=True, minimum=1, maximum=4),
        Column("location_source", required=True, allowed=tuple(LOCATION_SOURCES)),
        Column("kind", required=True, allowed=CROSSING_KINDS),
        Column("status_note"),
        Column("sources", "citations", required=True),
        Column("unverified"),
    ),
)

#: Capability indicators, with the label and unit shown to analysts.
CAPABILITY_INDICATORS: dict[str, str] = {
    "military_expenditure_usd_bn": "Military expenditure (US$ bn)",
    "active_personnel": "Active military personnel",
}

CAPABILITIES = TableSchema(
    name="capabilities",
    key=("country_iso3", "indicator", "year"),
    columns=(
        Column("country_iso3", required=True),
        Column("indicator", required=True, allowed=tuple(CAPABILITY_INDICATORS)),
        Column("year", "int", required=True, minimum=1950, maximum=2100),
        Column("value_low", "float", minimum=0),
        Column("value_high", "float", minimum=0),
        Column("source"),
        Column("note"),
        Column("verified", required=True, allowed=("yes", "unverified")),
    ),
    rules=(
        _not_above("value_low", "value_high"),
        Rule(
            "value_high",
            "value_low and value_high must both be given or both be empty (unknown)",
            lambda t: t["value_low"].isna() != t["value_high"].isna(),
        ),
        Rule(
            "source",
            "a figure needs its source (leave the values empty when none is known)",
            lambda t: t["value_low"].notna() & (t["source"] == ""),
        ),
    ),
)

#: Properties every feature of ``geodata/barriers.geojson`` carries.
BARRIER_PROPERTIES = (
    "barrier_id",
    "arrangement_id",
    "border_pair",
    "from_crossing",
    "to_crossing",
    "geometry_note",
)

#: Properties every feature of ``geodata/countries.geojson`` carries.
COUNTRY_PROPERTIES = (
    "iso3",
    "name_en",
    "name_fr",
    "name_ar",
    "focus",
    "disputed",
    "status_note",
)

#: Properties every feature of ``geodata/borders.geojson`` carries.
BORDER_PROPERTIES = (
    "pair",
    "iso3_a",
    "iso3_b",
    "name",
    "length_km",
    "disputed",
)
