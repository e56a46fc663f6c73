"""Layouts of the curated datasets, the incident-table contract, and their vocabularies.

Each table is declared once here, as a :class:`TableSchema`: its columns with their kind
(and so their pandas dtype once typed), whether they may be empty, their vocabularies and
ranges, and the rules across columns. :mod:`borderwatch.validation` checks tables against
these declarations, for the curated files and for imported data alike.

The incident table has three declared stages, each the one before plus columns:

- :data:`INCIDENTS`: a curated file, ``geodata/incidents.csv``.
- :data:`IMPORTED_INCIDENTS`: what an import gives and the store keeps (coordinates may be
  missing; ``dataset``, ``source_dataset``, ``original_id`` added; ``incident_id`` made by
  :func:`incident_ids`).
- :data:`SHOWN_INCIDENTS`: curated and imported incidents combined, the same event reported
  by several datasets merged (``also_reported_as`` added); what the pages work on.

The prose version of the curated layouts, for people editing the CSV files, is
``docs/dataset-layouts.md``; the two must agree (a unit test checks the column lists).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from borderwatch.citations import CHECKED_ITEMS, VERIFICATION_STATUSES, parse_checked

ColumnKind = Literal["str", "iso3", "int", "float", "date", "iso3_list", "citations", "text_list"]

#: The pandas dtype of each kind of column once typed: what every consumer may rely on.
#: List kinds hold tuples of strings (never lists) in an object column.
KIND_DTYPES: dict[str, str] = {
    "str": "str",
    "iso3": "str",
    "int": "Int64",
    "float": "float64",
    "date": "datetime64[us]",
    "iso3_list": "object",
    "citations": "object",
    "text_list": "object",
}


@dataclass(frozen=True)
class Column:
    """One column of a tabular dataset.

    Parameters
    ----------
    name
        Header name in the file.
    kind
        What the cell holds: text, an ISO3 country code, an integer, a float, an ISO date,
        ``;``-separated ISO3 codes, `` | ``-separated citations, or a list of texts (only
        made by BorderWatch, never read from a file). Fixes the dtype (:data:`KIND_DTYPES`).
    required
        Whether an empty cell is an error (a required column is never null; an empty list
        counts as empty).
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

    @property
    def dtype(self) -> str:
        """The pandas dtype of the column once typed."""
        return KIND_DTYPES[self.kind]


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
        """The column names, in order."""
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        """Column name -> pandas dtype of the typed table."""
        return {c.name: c.dtype for c in self.columns}

    def column(self, name: str) -> Column:
        """The column called ``name`` (``KeyError`` if there is none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def empty(self) -> pd.DataFrame:
        """A table with these columns, typed, and no rows."""
        return pd.DataFrame({c.name: pd.Series([], dtype=c.dtype) for c in self.columns})

    def extended(
        self,
        name: str,
        *,
        columns: Iterable[Column] = (),
        rules: Iterable[Rule] = (),
        optional: Iterable[str] = (),
        replaced: Iterable[Column] = (),
        dropped: Iterable[Rule] = (),
    ) -> TableSchema:
        """This layout plus ``columns`` and ``rules``, with the ``optional`` columns no longer
        required, the ``replaced`` columns (matched by name) swapped in and the ``dropped``
        rules left out."""
        left_out = set(map(id, dropped))
        relaxed = set(optional)
        swapped = {c.name: c for c in replaced}
        own = tuple(
            swapped.get(c.name, replace(c, required=c.required and c.name not in relaxed))
            for c in self.columns
        )
        return TableSchema(
            name=name,
            columns=(*own, *columns),
            key=self.key,
            rules=(*(r for r in self.rules if id(r) not in left_out), *rules),
        )


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

#: Incident columns filled by the curation audit only: imported datasets leave them empty
#: and files exported before the audit may lack them.
AUDIT_COLUMNS = ("verification", "checked")


DATES_IN_ORDER = Rule("date_end", "is before date_start", lambda t: t["date_end"] < t["date_start"])


def _checked_outside_vocabulary(table: pd.DataFrame) -> pd.Series:
    # Judged once per distinct value: a million imported rows hold a handful of them.
    codes, uniques = pd.factorize(table["checked"], use_na_sentinel=False)
    outside = [
        isinstance(s, str) and any(i not in CHECKED_ITEMS for i in parse_checked(s))
        for s in uniques
    ]
    return pd.Series(np.asarray(outside, dtype=bool)[codes], index=table.index, dtype=bool)


#: The two curation columns every curated table has right after its sources (see
#: ``geodata/README.md``): how well the row is verified, and what was checked.
VERIFICATION_COLUMNS = (
    Column("verification", required=True, allowed=VERIFICATION_STATUSES),
    Column("checked", required=True),
)
CHECKED_VOCABULARY = Rule(
    "checked",
    f"lists something other than: {', '.join(CHECKED_ITEMS)} (separated by ';')",
    _checked_outside_vocabulary,
)


def _not_above(lower: str, upper: str) -> Rule:
    """``lower`` may not exceed ``upper`` where both are given (a range of figures)."""
    return Rule(lower, f"is larger than {upper}", lambda t: t[lower] > t[upper])


#: Curated figures are a range, low <= best <= high. Imported rows may break this (UCDP GED
#: publishes some rows so): they are kept as the source gives them, and flagged.
FATALITIES_IN_ORDER = (
    _not_above("fatalities_low", "fatalities_best"),
    _not_above("fatalities_best", "fatalities_high"),
    _not_above("fatalities_low", "fatalities_high"),
)

INCIDENTS = TableSchema(
    name="incidents",
    key=("incident_id",),
    columns=(
        Column("incident_id", required=True),
        Column("name", required=True),
        Column("date_start", "date", required=True),
        Column("date_end", "date", required=True),
        Column("date_precision", required=True, allowed=tuple(DATE_PRECISIONS)),
        Column("country_iso3", "iso3", required=True),
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
        CHECKED_VOCABULARY,
        *FATALITIES_IN_ORDER,
        Rule(
            "location_precision",
            "a geocoded place cannot have precision 1 (the site itself)",
            lambda t: (t["location_source"] == "geocoded") & (t["location_precision"] < 2),
        ),
    ),
)

#: ``source_dataset`` of imported incidents: one per family of importable layouts.
SOURCE_DATASETS: tuple[str, ...] = ("ACLED", "UCDP GED", "GTD", "BorderWatch")
#: ``dataset`` and ``source_dataset`` of curated incidents once combined with imported ones.
CURATED_DATASET, CURATED_SOURCE = "curated", "BorderWatch curated"
#: Columns added to the imported layout after datasets were first stored: empty when a
#: stored dataset or a mapper lacks them.
LATER_COLUMNS = (*AUDIT_COLUMNS, "origin_dataset_name")


def shown_dataset_names(
    dataset: pd.Series, origin: pd.Series | None, names: dict[str, str]
) -> pd.Series:
    """The dataset name shown for each row: the analyst's name of its stored dataset
    (``names``: key -> name; the key itself when unknown, ``CURATED_SOURCE`` for curated
    rows), and for a row re-imported from an export, the name it was exported under first:
    ``"ACLED Libya (via Briefing export)"``."""
    keys = dataset.astype("str")
    known = {CURATED_DATASET: CURATED_SOURCE, **names}
    codes, uniques = pd.factorize(keys)
    own = pd.Series(
        pd.array([known.get(k, k) for k in uniques], dtype="str")[codes]
        if len(keys)
        else pd.array([], dtype="str"),
        index=dataset.index,
        dtype="str",
    )
    if origin is None:
        return own
    first = origin.astype("str").fillna("")
    via = (first != "") & (first != own)
    if not via.any():
        return own
    return own.where(~via, first + " (via " + own + ")")


def incident_ids(dataset: str | pd.Series, original_ids: pd.Series) -> pd.Series:
    """Ids of imported incidents, ``"<dataset key>:<original id>"``; made nowhere else.

    The importer labels its rows with the key it is given, the store labels them again with
    the key it gives the dataset (:meth:`borderwatch.store.DatasetStore.save`); both call this.
    """
    return dataset + ":" + original_ids.astype("str")


def _placed(table: pd.DataFrame) -> pd.Series:
    return table["latitude"].notna() & table["longitude"].notna()


IMPORTED_INCIDENTS = INCIDENTS.extended(
    "imported incidents",
    # Sources place some events only by country or not at all: kept, shown as "not placed".
    optional=("latitude", "longitude", "location_precision"),
    # Estimates out of order in the source are kept as given and flagged by the importer.
    dropped=FATALITIES_IN_ORDER,
    columns=(
        Column("dataset", required=True),
        Column("source_dataset", required=True, allowed=SOURCE_DATASETS),
        Column("original_id", required=True),
        # A row imported from a BorderWatch export: the name of the dataset the export says
        # it came from (empty for rows read from their source's own file).
        Column("origin_dataset_name"),
    ),
    rules=(
        Rule(
            "location_precision",
            "is empty but required for an incident with coordinates",
            lambda t: _placed(t) & t["location_precision"].isna(),
        ),
        Rule(
            "latitude",
            "latitude and longitude must both be given or both be empty",
            lambda t: t["latitude"].isna() != t["longitude"].isna(),
        ),
        Rule(
            "incident_id",
            "is not '<dataset>:<original_id>'",
            lambda t: (
                (t["dataset"] != CURATED_DATASET)
                & (t["incident_id"] != incident_ids(t["dataset"], t["original_id"]))
            ),
        ),
    ),
)

SHOWN_INCIDENTS = IMPORTED_INCIDENTS.extended(
    "incidents shown",
    replaced=(Column("source_dataset", required=True, allowed=(*SOURCE_DATASETS, CURATED_SOURCE)),),
    columns=(
        # Ids of the other reports of the same incident merged into this row (empty if none).
        Column("also_reported_as", "text_list"),
        # Why they were merged ("gtd-1:9: same day, 2.1 km apart, both bombing, deaths 8
        # vs 8"; one item per merged report), empty if nothing was merged.
        Column("merge_reason"),
        # The name the analyst gave the dataset (curated rows: CURATED_SOURCE), see
        # :func:`shown_dataset_names`.
        Column("dataset_name", required=True),
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
        *VERIFICATION_COLUMNS,
        Column("unverified"),
    ),
    rules=(
        DATES_IN_ORDER,
        CHECKED_VOCABULARY,
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
        #: ISO3 of the side of the border the point stands for (the town or post it is).
        Column("point_country", required=True),
        Column("location_precision", "int", required=True, minimum=1, maximum=4),
        Column("location_source", required=True, allowed=tuple(LOCATION_SOURCES)),
        Column("kind", required=True, allowed=CROSSING_KINDS),
        Column("status_note"),
        Column("sources", "citations", required=True),
        *VERIFICATION_COLUMNS,
        Column("unverified"),
    ),
    rules=(
        CHECKED_VOCABULARY,
        Rule(
            "point_country",
            "must be one of the two countries of border_pair",
            lambda t: pd.Series(
                [
                    c not in p.split("-")
                    for c, p in zip(t["point_country"], t["border_pair"], strict=True)
                ],
                index=t.index,
                dtype=bool,
            ),
        ),
    ),
)

#: Capability indicators, with the label and unit shown to analysts.
CAPABILITY_INDICATORS: dict[str, str] = {
    "military_expenditure_usd_bn": "Military expenditure (US$ bn)",
    "active_personnel": "Active military personnel",
}
#: The money indicator: the only one whose figures have a price basis.
EXPENDITURE_INDICATOR = "military_expenditure_usd_bn"
#: Price bases of expenditure figures. SIPRI publishes current and constant US$ side by side
#: and the outlets quoting it often do not say which: then the basis is "not stated"; a range
#: whose figures have different bases is "mixed" (the note says which is which).
PRICE_BASES = ("current US$", "constant 2015 US$", "not stated", "mixed")

CAPABILITIES = TableSchema(
    name="capabilities",
    key=("country_iso3", "indicator", "year"),
    columns=(
        Column("country_iso3", required=True),
        Column("indicator", required=True, allowed=tuple(CAPABILITY_INDICATORS)),
        Column("year", "int", required=True, minimum=1950, maximum=2100),
        Column("value_low", "float", minimum=0),
        Column("value_high", "float", minimum=0),
        Column("release"),
        Column("price_basis", allowed=PRICE_BASES),
        Column("source"),
        *VERIFICATION_COLUMNS,
        Column("note"),
        Column("verified", required=True, allowed=("yes", "unverified")),
    ),
    rules=(
        CHECKED_VOCABULARY,
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
        Rule(
            "release",
            "a figure needs the release or edition it comes from (SIPRI revises past years)",
            lambda t: t["value_low"].notna() & (t["release"] == ""),
        ),
        Rule(
            "price_basis",
            "an expenditure figure needs its price basis ('not stated' when the source "
            "does not say); personnel figures have none",
            lambda t: (
                t["value_low"].notna()
                & ((t["indicator"] == EXPENDITURE_INDICATOR) == (t["price_basis"] == ""))
            ),
        ),
    ),
)

#: Published lengths of the focus borders beside the length measured on the committed line
#: (``geodata/border_lengths.csv``; ``measured_km`` is refreshed by ``make geodata``).
BORDER_LENGTHS = TableSchema(
    name="border_lengths",
    key=("pair",),
    columns=(
        Column("pair", required=True),
        Column("name", required=True),
        Column("measured_km", "float", required=True, minimum=0),
        Column("published_km_low", "float", required=True, minimum=0),
        Column("published_km_high", "float", required=True, minimum=0),
        Column("sources", "citations", required=True),
        *VERIFICATION_COLUMNS,
        Column("note", required=True),
    ),
    rules=(CHECKED_VOCABULARY, _not_above("published_km_low", "published_km_high")),
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
