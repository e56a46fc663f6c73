"""The source layouts BorderWatch imports, declared field by field.

Each :class:`Layout` lists the columns of one source (ACLED current and c.2017 exports,
UCDP GED, GTD, BorderWatch's own incident layout): which are required (they recognise the
layout, :func:`~borderwatch.importers.detect.detect_format`), which incident columns each
one feeds and how. These declarations are the single description of what the importers
accept: the mappers may read no column that is not declared here
(:class:`~borderwatch.importers.convert.SourceTable` refuses), a test checks that they read
every declared one, and ``docs/dataset-layouts.md`` is generated from them
(``make docs``, :mod:`scripts.build_docs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from borderwatch.schemas import AUDIT_COLUMNS, INCIDENTS


@dataclass(frozen=True)
class SourceField:
    """One column of a source layout.

    Attributes
    ----------
    column
        Its name in the source file (case matters).
    maps_to
        The incident columns it feeds (:data:`borderwatch.schemas.IMPORTED_INCIDENTS`).
    how
        How its value is used, in one line for the documentation.
    required
        Whether the layout is recognised only when the file has it.
    """

    column: str
    maps_to: tuple[str, ...]
    how: str
    required: bool = False


def required(column: str, maps_to: str, how: str) -> SourceField:
    """A column the layout must have; ``maps_to`` is space-separated incident columns."""
    return SourceField(column, tuple(maps_to.split()), how, required=True)


def optional(column: str, maps_to: str, how: str) -> SourceField:
    """A column used when present; ``maps_to`` is space-separated incident columns."""
    return SourceField(column, tuple(maps_to.split()), how, required=False)


@dataclass(frozen=True)
class Layout:
    """A known file layout.

    Attributes
    ----------
    key
        What :func:`~borderwatch.importers.detect.detect_format` returns.
    label
        How analysts know it.
    source_dataset
        The ``source_dataset`` its incidents get.
    distributed_as
        The file types the source publishes (any readable type is accepted).
    fields
        Its columns, required and optional, in the source's order.
    id_column
        The column holding the source's own id.
    """

    key: str
    label: str
    source_dataset: str
    distributed_as: str
    fields: tuple[SourceField, ...]
    id_column: str

    @property
    def required(self) -> tuple[str, ...]:
        """Columns that must all be present, in the source's order."""
        return tuple(f.column for f in self.fields if f.required)

    @property
    def columns(self) -> frozenset[str]:
        """Every column the mapper may read."""
        return frozenset(f.column for f in self.fields)


_EVENT_TYPES = (
    "Battles: battle; Explosions/Remote violence: bombing; Violence against civilians: "
    "armed_assault; Protests, Riots: unrest; Strategic developments: other"
)
_LEGACY_EVENT_TYPES = (
    "Battle-No change of territory, Battle-Government regains territory, Battle-Non-state "
    "actor overtakes territory: battle; Remote violence: bombing; Violence against "
    "civilians: armed_assault; Riots/Protests: unrest; Strategic development, Headquarters "
    "or base established, Non-violent transfer of territory: other; the text is the subtype"
)


def _acled_fields(upper: bool) -> tuple[SourceField, ...]:
    """ACLED's columns; the c.2017 exports name them in upper case and lack a few."""

    def name(text: str) -> str:
        return text.upper() if upper else text

    fields = (
        required(name("event_id_cnty"), "original_id incident_id", "the event's id, as text"),
        required(
            name("event_date"),
            "date_start date_end",
            "ISO or '16 January 2013'; a spreadsheet's '9-May-20' is read with the year column",
        ),
        optional(name("year"), "date_start date_end", "resolves a two-digit year in the date"),
        required(
            name("time_precision"),
            "date_precision date_start date_end",
            "1 day, 2 approximate, 3 month (start and end widened to the whole month)",
        ),
        required(
            name("event_type"),
            "event_type event_subtype name",
            _LEGACY_EVENT_TYPES if upper else _EVENT_TYPES,
        ),
        None
        if upper
        else required(
            "sub_event_type",
            "event_type event_subtype name",
            "Air/drone strike: air_strike; Abduction/forced disappearance: hostage_taking; "
            "else the event type decides; the subtype text is kept",
        ),
        required(name("actor1"), "perpetrator", "as given"),
        optional(
            "ALLY_ACTOR_1" if upper else "assoc_actor_1", "perpetrator", "added as '(with …)'"
        ),
        required(name("country"), "country_iso3 place_name", "name, when no code is given"),
        None if upper else optional("iso3", "country_iso3", "ISO3 code (exports before 2023)"),
        None if upper else optional("iso", "country_iso3", "ISO 3166 numeric code"),
        optional("GWNO", "country_iso3", "Gleditsch–Ward number, after the name")
        if upper
        else None,
        optional(name("admin1"), "place_name", "when location and admin2/3 are empty"),
        optional(name("admin2"), "place_name", "when location and admin3 are empty"),
        optional(name("admin3"), "place_name", "when location is empty"),
        required(name("location"), "place_name name", "the named place"),
        required(name("latitude"), "latitude", "WGS84; empty: not placed"),
        required(name("longitude"), "longitude", "WGS84; empty: not placed"),
        required(name("geo_precision"), "location_precision", "1: 2, 2: 3, 3: 4"),
        required(name("source"), "sources", "split at ';' (else 'ACLED')"),
        required(name("notes"), "summary", "as given"),
        required(name("fatalities"), "fatalities_best fatalities_note", "whole number"),
    )
    return tuple(f for f in fields if f is not None)


ACLED = Layout(
    "acled",
    "ACLED export (lower-case column names)",
    "ACLED",
    "CSV",
    _acled_fields(upper=False),
    "event_id_cnty",
)

ACLED_LEGACY = Layout(
    "acled_legacy",
    "ACLED export of c.2017 (upper-case column names)",
    "ACLED",
    "CSV",
    _acled_fields(upper=True),
    "EVENT_ID_CNTY",
)

UCDP_GED = Layout(
    "ucdp_ged",
    "UCDP Georeferenced Event Dataset (GED)",
    "UCDP GED",
    "CSV",
    (
        required("id", "original_id incident_id", "the event's id, as text"),
        required(
            "type_of_violence",
            "event_type event_subtype",
            "1 battle, 2 and 3 armed_assault; the UCDP category is the subtype",
        ),
        optional("conflict_name", "name", "when dyad_name is empty"),
        required("dyad_name", "name", "with the place"),
        required("side_a", "perpetrator fatalities_note", "as given"),
        optional("side_b", "fatalities_note", "in the deaths by party"),
        required("where_prec", "location_precision", "1-3 kept, 4-7: 4 (region only)"),
        optional("where_coordinates", "place_name", "the named place"),
        optional("where_description", "summary", "after the headline, as 'Location: …'"),
        optional("adm_1", "place_name", "when where_coordinates and adm_2 are empty"),
        optional("adm_2", "place_name", "when where_coordinates is empty"),
        required("latitude", "latitude", "WGS84; empty: not placed"),
        required("longitude", "longitude", "WGS84; empty: not placed"),
        required(
            "country", "country_iso3 place_name", "name (a former name in brackets is dropped)"
        ),
        optional("country_id", "country_iso3", "Gleditsch–Ward number, when the name is unknown"),
        optional("event_clarity", "unverified", "2: noted as aggregated or unclear"),
        required(
            "date_prec",
            "date_precision date_start date_end",
            "1 day, 2-3 approximate, 4 month, 5 year (widened to the whole month or year)",
        ),
        required("date_start", "date_start", "ISO date ('9-May-20' read with the year column)"),
        required("date_end", "date_end", "ISO date; empty: date_start"),
        optional("year", "date_start date_end", "resolves a two-digit year in the dates"),
        optional("deaths_a", "fatalities_note", "deaths by party, when all three are given"),
        optional("deaths_b", "fatalities_note", "deaths by party"),
        optional("deaths_civilians", "fatalities_note", "deaths by party"),
        optional("deaths_unknown", "fatalities_note", "deaths by party"),
        required("best", "fatalities_best", "whole number"),
        required("high", "fatalities_high", "whole number"),
        required("low", "fatalities_low", "whole number"),
        optional("source_article", "sources", "the citation (else source_office)"),
        optional("source_office", "sources", "with source_date, when source_article is empty"),
        optional("source_date", "sources", "with source_office"),
        optional("source_headline", "summary", "as given"),
    ),
    "id",
)

GTD = Layout(
    "gtd",
    "Global Terrorism Database (GTD)",
    "GTD",
    "CSV or XLSX",
    (
        required("eventid", "original_id incident_id", "12 digits kept as text"),
        required("iyear", "date_start date_end", "four-digit year"),
        required("imonth", "date_start date_end date_precision", "0: only the year is known"),
        required("iday", "date_start date_end date_precision", "0: only the month is known"),
        optional(
            "approxdate",
            "date_precision unverified",
            "non-empty: approximate (quoted in unverified)",
        ),
        optional("doubtterr", "unverified", "1: noted as doubtful terrorism"),
        required("country_txt", "country_iso3 place_name", "country name"),
        optional("provstate", "place_name", "when city is empty or 'Unknown'"),
        optional("city", "place_name name", "the named place ('Unknown': empty)"),
        optional("vicinity", "place_name", "1: '(vicinity)' added to the city"),
        required("latitude", "latitude", "WGS84; empty: not placed"),
        required("longitude", "longitude", "WGS84; empty: not placed"),
        required(
            "specificity",
            "location_precision latitude longitude",
            "1: 2, 2-3: 3, 4: 4, 5: not placed (coordinates dropped)",
        ),
        optional("summary", "summary", "as given"),
        required(
            "attacktype1_txt",
            "event_type event_subtype name",
            "Bombing/Explosion: bombing; Armed/Unarmed Assault, Facility/Infrastructure "
            "Attack: armed_assault; Assassination; Hostage Taking, Hijacking: "
            "hostage_taking; Unknown: other",
        ),
        optional("gname", "perpetrator", "as given"),
        required("nkill", "fatalities_best fatalities_note", "whole number (all deaths)"),
        optional("nwound", "other_casualties", "'N wounded'"),
        optional("nhostkid", "other_casualties", "'N taken hostage or kidnapped'"),
        optional("scite1", "sources", "citation"),
        optional("scite2", "sources", "citation"),
        optional("scite3", "sources", "citation (none at all: 'GTD')"),
    ),
    "eventid",
)


def _borderwatch_fields() -> tuple[SourceField, ...]:
    own = tuple(
        (optional if column.name in AUDIT_COLUMNS else required)(
            column.name, column.name, "as in geodata/incidents.csv"
        )
        for column in INCIDENTS.columns
        if column.name != "incident_id"
    )
    return (
        required("incident_id", "original_id incident_id", "the original id (else original_id)"),
        *own,
        optional("original_id", "original_id incident_id", "kept (a re-exported import)"),
        optional("source_dataset", "source_dataset", "kept if known, else BorderWatch"),
        optional(
            "dataset_name",
            "origin_dataset_name",
            "the name of the dataset the row was exported from, kept",
        ),
    )


BORDERWATCH = Layout(
    "borderwatch_csv",
    "BorderWatch incident layout (CSV or GeoJSON export)",
    "BorderWatch",
    "CSV (or its ZIP), GeoJSON or GeoPackage, as BorderWatch exports them",
    _borderwatch_fields(),
    "incident_id",
)

#: Every layout, in the order :func:`~borderwatch.importers.detect.detect_format` tries them.
LAYOUTS: tuple[Layout, ...] = (ACLED, ACLED_LEGACY, UCDP_GED, GTD, BORDERWATCH)

LAYOUTS_BY_KEY: dict[str, Layout] = {layout.key: layout for layout in LAYOUTS}
