"""ACLED exports (current lower-case and c.2017 upper-case layouts) as incidents.

The columns read are declared in :data:`~borderwatch.importers.layouts.ACLED` and
:data:`~borderwatch.importers.layouts.ACLED_LEGACY`; the rules are those of
``docs/import-design.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from borderwatch.importers import countries
from borderwatch.importers.base import (
    MappedRows,
    Rejections,
    first_non_empty,
    join_non_empty,
    map_unique,
    quoted,
    split_list,
)
from borderwatch.importers.convert import (
    SourceTable,
    as_codes,
    as_dates,
    as_death_counts,
    assemble,
    blank,
    checked_key,
    common_columns,
    coordinates,
    iso3_codes,
    location_precision,
    lookup,
    normalised_type,
    note_where,
    or_default,
    reject_bad_dates,
    reject_bad_ids,
    reject_unknown_countries,
    unknown_counts,
    widen_to_precision,
    with_two_digit_years,
)
from borderwatch.importers.layouts import ACLED, ACLED_LEGACY, Layout

#: ACLED event types (current and c.2017 names, casefolded) -> BorderWatch event type.
ACLED_EVENT_TYPES: dict[str, str] = {
    "battles": "battle",
    "explosions/remote violence": "bombing",
    "violence against civilians": "armed_assault",
    "protests": "unrest",
    "riots": "unrest",
    "strategic developments": "other",
    # c.2017 exports
    "battle-no change of territory": "battle",
    "battle-government regains territory": "battle",
    "battle-non-state actor overtakes territory": "battle",
    "remote violence": "bombing",
    "riots/protests": "unrest",
    "strategic development": "other",
    "headquarters or base established": "other",
    "non-violent transfer of territory": "other",
}

#: ACLED sub-event types (casefolded) that override the event type's mapping.
ACLED_SUB_EVENT_TYPES: dict[str, str] = {
    "air/drone strike": "air_strike",
    "abduction/forced disappearance": "hostage_taking",
}

ACLED_TIME_PRECISION: dict[int, str] = {1: "day", 2: "approximate", 3: "month"}
ACLED_GEO_PRECISION: dict[int, int] = {1: 2, 2: 3, 3: 4}

#: The event types of current ACLED exports, for messages.
ACLED_EVENT_TYPE_NAMES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)


@dataclass(frozen=True)
class _AcledColumns:
    """Where each field sits in one of ACLED's layouts (``None``: the layout has none)."""

    layout: Layout
    event_id: str
    date: str
    year: str
    time_precision: str
    event_type: str
    sub_event_type: str | None
    actor1: str
    assoc_actor1: str
    country: str
    iso_numeric: str | None
    iso3: str | None
    gwno: str | None
    admin: tuple[str, str, str]
    location: str
    latitude: str
    longitude: str
    geo_precision: str
    source: str
    notes: str
    fatalities: str


_CURRENT = _AcledColumns(
    layout=ACLED,
    event_id="event_id_cnty",
    date="event_date",
    year="year",
    time_precision="time_precision",
    event_type="event_type",
    sub_event_type="sub_event_type",
    actor1="actor1",
    assoc_actor1="assoc_actor_1",
    country="country",
    iso_numeric="iso",
    iso3="iso3",
    gwno=None,
    admin=("admin1", "admin2", "admin3"),
    location="location",
    latitude="latitude",
    longitude="longitude",
    geo_precision="geo_precision",
    source="source",
    notes="notes",
    fatalities="fatalities",
)

_LEGACY = _AcledColumns(
    layout=ACLED_LEGACY,
    event_id="EVENT_ID_CNTY",
    date="EVENT_DATE",
    year="YEAR",
    time_precision="TIME_PRECISION",
    event_type="EVENT_TYPE",
    sub_event_type=None,
    actor1="ACTOR1",
    assoc_actor1="ALLY_ACTOR_1",
    country="COUNTRY",
    iso_numeric=None,
    iso3=None,
    gwno="GWNO",
    admin=("ADMIN1", "ADMIN2", "ADMIN3"),
    location="LOCATION",
    latitude="LATITUDE",
    longitude="LONGITUDE",
    geo_precision="GEO_PRECISION",
    source="SOURCE",
    notes="NOTES",
    fatalities="FATALITIES",
)


def _optional_text(source: SourceTable, column: str | None) -> pd.Series:
    return source.text(column) if column else blank(source.index)


def _dates(source: SourceTable, c: _AcledColumns, rejections: Rejections) -> dict[str, pd.Series]:
    date_text = source.text(c.date)
    day = with_two_digit_years(date_text, as_dates(date_text), source.text(c.year))
    reject_bad_dates(date_text, day, c.date, rejections, required=True, year_column=c.year)
    time_text = source.text(c.time_precision)
    precision = lookup(as_codes(time_text), ACLED_TIME_PRECISION)
    unknown = precision.isna()
    rejections.add(
        unknown,
        c.time_precision,
        quoted(time_text[unknown]) + " is not a time precision code (1, 2 or 3)",
    )
    start, end = widen_to_precision(day, day, precision)
    return {"date_start": start, "date_end": end, "date_precision": precision}


def _event_type(source: SourceTable, c: _AcledColumns, rejections: Rejections) -> pd.Series:
    type_text = source.text(c.event_type)
    sub_text = _optional_text(source, c.sub_event_type)
    event_type = map_unique(type_text, lambda v: ACLED_EVENT_TYPES.get(normalised_type(v)))
    override = map_unique(sub_text, lambda v: ACLED_SUB_EVENT_TYPES.get(normalised_type(v)))
    event_type = override.where(override.notna() & event_type.notna(), event_type)
    unknown = event_type.isna()
    rejections.add(
        unknown,
        c.event_type,
        quoted(type_text[unknown])
        + f" is not an ACLED event type ({', '.join(ACLED_EVENT_TYPE_NAMES)})",
    )
    return event_type


def _country(source: SourceTable, c: _AcledColumns, rejections: Rejections) -> pd.Series:
    """The first code found: ``iso3`` (old exports), numeric ``iso``, name, ``GWNO``."""

    def codes(column: str | None, function) -> pd.Series:
        return iso3_codes(source.text(column), function) if column else blank(source.index)

    iso3 = first_non_empty(
        codes(c.iso3, countries.iso3_code),
        codes(c.iso_numeric, countries.iso3_from_numeric),
        codes(c.country, countries.iso3_from_name),
        codes(c.gwno, countries.iso3_from_gleditsch_ward),
    )
    return reject_unknown_countries(iso3, source.text(c.country), c.country, rejections)


def _texts(source: SourceTable, c: _AcledColumns, ids: pd.Series) -> dict[str, pd.Series]:
    """Name, place, subtype, perpetrator, summary and sources."""
    admin1, admin2, admin3 = (source.text(name) for name in c.admin)
    place = first_non_empty(source.text(c.location), admin3, admin2, admin1, source.text(c.country))
    subtype = first_non_empty(_optional_text(source, c.sub_event_type), source.text(c.event_type))
    actor = source.text(c.actor1)
    assoc = source.text(c.assoc_actor1)
    return {
        "name": or_default(join_non_empty(", ", subtype, place), "ACLED event " + ids),
        "place_name": place,
        "event_subtype": subtype,
        "perpetrator": (actor + " (with " + assoc + ")").where(
            (assoc != "") & (actor != ""), actor
        ),
        "summary": or_default(source.text(c.notes), "No description in the ACLED record."),
        "sources": map_unique(
            source.text(c.source), lambda value: split_list(str(value), ";", ("ACLED",))
        ),
    }


def _map_layout(raw: pd.DataFrame, dataset: str, c: _AcledColumns) -> MappedRows:
    dataset = checked_key(dataset)
    source = SourceTable(raw, c.layout)
    ids = source.text(c.event_id)
    rejections = Rejections(ids)
    # Checks run in the order of the row's fields, which is the order its reasons are listed.
    reject_bad_ids(ids, c.event_id, rejections)
    columns = common_columns(dataset, "ACLED", ids) | _dates(source, c, rejections)
    latitude, longitude = coordinates(source, c.latitude, c.longitude, rejections)
    placed = latitude.notna() & longitude.notna()
    columns["location_precision"] = location_precision(
        source.text(c.geo_precision), ACLED_GEO_PRECISION, placed, c.geo_precision, rejections
    )
    columns["event_type"] = _event_type(source, c, rejections)
    columns["country_iso3"] = _country(source, c, rejections)
    fatalities = as_death_counts(source.text(c.fatalities), c.fatalities, rejections)
    columns |= _texts(source, c, ids) | {
        "latitude": latitude,
        "longitude": longitude,
        "fatalities_low": unknown_counts(source.index),
        "fatalities_best": fatalities,
        "fatalities_high": unknown_counts(source.index),
        "fatalities_note": note_where(fatalities.notna(), "ACLED 'fatalities' field"),
        "other_casualties": "",
        "unverified": "",
    }
    return assemble(columns, rejections)


def map_acled(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map an ACLED export (lower-case columns, current or pre-March-2023 layout).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are labelled with (``incident_id`` prefix).

    Returns
    -------
    MappedRows
        Accepted incidents and rejected rows. ``event_date`` may be ISO or
        ``16 January 2013``; ``time_precision`` 1/2/3 -> day/approximate/month (the month
        spelled out from its first to its last day); ``geo_precision`` 1/2/3 -> location
        precision 2/3/4; ``fatalities`` -> ``fatalities_best``; ``iso3`` (old exports), else
        the numeric ``iso``, else the ``country`` name -> ``country_iso3``; ``source`` split
        at ``;`` -> ``sources``; ``notes`` -> ``summary``; ``actor1`` (with
        ``assoc_actor_1``) -> ``perpetrator``; ``sub_event_type`` -> ``event_subtype``.
    """
    return _map_layout(raw, dataset, _CURRENT)


def map_acled_legacy(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a c.2017 ACLED export (upper-case columns such as ``EVENT_ID_CNTY``, ``GWNO``).

    As :func:`map_acled`, with the event types of that time (``Battle-No change of
    territory`` -> battle, ``Remote violence`` -> bombing, ``Riots/Protests`` -> unrest,
    ``Strategic development``, ``Headquarters or base established`` and ``Non-violent
    transfer of territory`` -> other), ``EVENT_TYPE`` -> ``event_subtype`` and the country
    from ``COUNTRY`` or else the Gleditsch–Ward ``GWNO``.

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are labelled with.

    Returns
    -------
    MappedRows
        Accepted incidents and rejected rows.
    """
    return _map_layout(raw, dataset, _LEGACY)
