"""Turn a source table (every cell text) into BorderWatch incidents, one mapper per layout.

The rules are those of ``docs/import-design.md``; the source layouts are described in the
project's data-source research note. Each mapper works column by column on the whole table
(values that repeat, such as dates, country names and citation lists, are converted once per
distinct value), so a 1,000,000-row ACLED export maps in seconds.

A mapper rejects a row, with the source column and a reason, when its date cannot be read
or is impossible, its coordinates are out of range or only half given, its id is missing,
repeated or mangled, or a code it needs (precision, event type, country) is unknown. The
remaining checks of the incident layout are made on the mapped rows by
:mod:`borderwatch.importers.contract`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch.importers import countries
from borderwatch.importers.base import (
    INCIDENT_COLUMNS,
    SOURCE_NAMES,
    MappedRows,
    Rejections,
    constant_tuples,
    first_non_empty,
    join_non_empty,
    map_unique,
    point_geometry,
    quoted,
    split_list,
    text_column,
)
from borderwatch.schemas import AUDIT_COLUMNS, INCIDENTS

# --- vocabularies -------------------------------------------------------------------------

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

UCDP_VIOLENCE_TYPES: dict[int, str] = {1: "battle", 2: "armed_assault", 3: "armed_assault"}
UCDP_VIOLENCE_NAMES: dict[int, str] = {
    1: "state-based conflict",
    2: "non-state conflict",
    3: "one-sided violence",
}
UCDP_WHERE_PRECISION: dict[int, int] = {1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 4, 7: 4}
UCDP_DATE_PRECISION: dict[int, str] = {
    1: "day",
    2: "approximate",
    3: "approximate",
    4: "month",
    5: "year",
}

#: GTD ``attacktype1_txt`` (casefolded) -> BorderWatch event type.
GTD_ATTACK_TYPES: dict[str, str] = {
    "bombing/explosion": "bombing",
    "armed assault": "armed_assault",
    "unarmed assault": "armed_assault",
    "facility/infrastructure attack": "armed_assault",
    "assassination": "assassination",
    "hostage taking (kidnapping)": "hostage_taking",
    "hostage taking (barricade incident)": "hostage_taking",
    "hijacking": "hostage_taking",
    "unknown": "other",
}
#: GTD ``specificity`` -> location precision; 5 (no location) has no coordinates at all.
GTD_SPECIFICITY: dict[int, int] = {1: 2, 2: 3, 3: 3, 4: 4}
GTD_NO_LOCATION = 5

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}(?:$|[T ])"
_WORD_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ ,-]*(\d{4})$")
_SCIENTIFIC = r"^\d+(?:\.\d+)?[eE][+-]?\d+$"
_FORMULA_QUOTE = r"^'(?=[=+\-@\t\r])"
_DATE_FORMS = "2013-01-16 or 16 January 2013"

# --- column helpers -----------------------------------------------------------------------


def _numbers(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _codes(text: pd.Series) -> pd.Series:
    """Whole-number codes (``"1"``, ``"1.0"``) as ``Int64``; anything else ``<NA>``."""
    numbers = _numbers(text)
    return numbers.where(numbers % 1 == 0).astype("Int64")


def _lookup(codes: pd.Series, table: dict[int, object]) -> pd.Series:
    """``table[code]`` per cell as an object column, ``None`` where the code is unknown."""
    keys = pd.Index(list(table), dtype="int64")
    values = np.array([*table.values(), None], dtype=object)
    known = codes.notna().to_numpy()
    positions = np.full(len(codes), -1, dtype="int64")
    positions[known] = keys.get_indexer(codes[known].to_numpy(dtype="int64"))
    return pd.Series(values[positions], index=codes.index, dtype=object)


def _whole_numbers(text: pd.Series, field: str, rejections: Rejections) -> pd.Series:
    """Counts such as fatalities: ``Int64``, empty = unknown; text or fractions rejected."""
    numbers = _numbers(text)
    not_number = (text != "") & numbers.isna()
    rejections.add(not_number, field, quoted(text[not_number]) + " is not a number")
    fractional = numbers.notna() & (numbers % 1 != 0)
    rejections.add(fractional, field, quoted(text[fractional]) + " is not a whole number")
    return numbers.where(~fractional).round().astype("Int64")


def _ids(text: pd.Series, field: str, rejections: Rejections) -> None:
    """Reject missing, spreadsheet-mangled and repeated ids (the first occurrence is kept)."""
    rejections.add(text == "", field, "the id is empty")
    mangled = text.str.match(_SCIENTIFIC)
    rejections.add(
        mangled,
        field,
        quoted(text[mangled]) + " is an id turned into a rounded number by a spreadsheet; "
        "export the file again without opening it in a spreadsheet, or format the column as text",
    )
    repeated = text.duplicated(keep="first") & (text != "")
    if repeated.any():
        firsts = text[~text.duplicated(keep="first")]
        first_row = pd.Series(firsts.index + 1, index=firsts.to_numpy())
        rows = first_row.reindex(text[repeated].to_numpy()).to_numpy()
        reasons = pd.Series(
            [f"the id is already used by row {row}" for row in rows],
            index=text.index[repeated.to_numpy()],
        )
        rejections.add(repeated, field, reasons)


def _numeric_id(text: pd.Series) -> pd.Series:
    """Numeric ids that a workbook stored as floats (``201301160001.0``) back to digits."""
    return text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def _parse_date_value(value: str) -> pd.Timestamp:
    match = _WORD_DATE.match(value)
    if not match:
        return pd.NaT
    day, month_name, year = match.groups()
    month = _MONTHS.get(month_name.casefold())
    if month is None:
        return pd.NaT
    try:
        return pd.Timestamp(year=int(year), month=month, day=int(day))
    except ValueError:
        return pd.NaT


def _dates(text: pd.Series) -> pd.Series:
    """Dates written ``2013-01-16`` (a time part is ignored) or ``16 January 2013``.

    Each distinct value is parsed once: a large export repeats its few thousand dates.
    """
    codes, unique_values = pd.factorize(text, use_na_sentinel=False)
    uniques = pd.Series(unique_values, dtype="str")
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[us]")
    iso = uniques.str.match(_ISO_DATE)
    if iso.any():
        stamps = pd.to_datetime(uniques[iso], format="ISO8601", errors="coerce", utc=True)
        parsed[iso] = stamps.dt.tz_localize(None).dt.floor("D").astype("datetime64[us]")
    rest = ~iso & (uniques != "")
    if rest.any():
        parsed[rest] = pd.to_datetime(uniques[rest].map(_parse_date_value), errors="coerce").astype(
            "datetime64[us]"
        )
    return pd.Series(parsed.to_numpy()[codes], index=text.index, dtype="datetime64[us]")


def _reject_dates(
    text: pd.Series, dates: pd.Series, field: str, rejections: Rejections, *, required: bool
) -> None:
    empty = text == ""
    if required:
        rejections.add(empty, field, "the date is empty")
    bad = ~empty & dates.isna()
    if not bad.any():
        return
    values = text[bad]
    looks_like_date = values.str.match(_ISO_DATE) | values.str.match(_WORD_DATE.pattern)
    reasons = (quoted(values) + " is not a real calendar date").where(
        looks_like_date, quoted(values) + f" is not a date in a known form ({_DATE_FORMS})"
    )
    rejections.add(bad, field, reasons)


def _days(count: pd.Series) -> pd.Series:
    return pd.to_timedelta(count.astype("float64"), unit="D")


def _spans(start: pd.Series, end: pd.Series, precision: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Widen ``start``/``end`` to whole months or years where the precision says so."""
    month = precision == "month"
    year = precision == "year"
    month_start = start - _days(start.dt.day - 1)
    month_end = end - _days(end.dt.day - 1) + _days(end.dt.days_in_month - 1)
    year_start = start - _days(start.dt.day_of_year - 1)
    year_end = end - _days(end.dt.day_of_year - 1) + _days(364 + end.dt.is_leap_year.astype(int))
    start = start.where(~month, month_start).where(~year, year_start)
    end = end.where(~month, month_end).where(~year, year_end)
    return start.astype("datetime64[us]"), end.astype("datetime64[us]")


def _coordinates(
    raw: pd.DataFrame,
    latitude: str,
    longitude: str,
    rejections: Rejections,
) -> tuple[pd.Series, pd.Series]:
    """Checked coordinates (``NaN`` when absent)."""
    lat_text = text_column(raw, latitude)
    lon_text = text_column(raw, longitude)
    lat = _numbers(lat_text)
    lon = _numbers(lon_text)
    for field, text, values, limit in (
        (latitude, lat_text, lat, 90),
        (longitude, lon_text, lon, 180),
    ):
        not_number = (text != "") & values.isna()
        rejections.add(not_number, field, quoted(text[not_number]) + " is not a number")
        out_of_range = ~(values.abs() <= limit) & values.notna()
        rejections.add(out_of_range, field, text[out_of_range] + f" is outside -{limit}..{limit}")
    lat_only = (lat_text != "") & (lon_text == "")
    lon_only = (lon_text != "") & (lat_text == "")
    rejections.add(lat_only, longitude, "only the latitude is given; the longitude is empty")
    rejections.add(lon_only, latitude, "only the longitude is given; the latitude is empty")
    return lat, lon


def _precision(
    codes_text: pd.Series,
    table: dict[int, int],
    placed: pd.Series,
    field: str,
    rejections: Rejections,
) -> pd.Series:
    """Location precision of placed rows (``<NA>`` for rows without coordinates)."""
    precision = _lookup(_codes(codes_text), table)
    unknown = placed & precision.isna()
    allowed = ", ".join(str(code) for code in table)
    rejections.add(
        unknown,
        field,
        quoted(codes_text[unknown]) + f" is not a location precision code ({allowed})",
    )
    return pd.to_numeric(precision.where(placed), errors="coerce").astype("Int64")


def _country(iso3: pd.Series, shown: pd.Series, field: str, rejections: Rejections) -> pd.Series:
    unknown = iso3 == ""
    rejections.add(
        unknown,
        field,
        quoted(shown[unknown]) + " is not a country name or code BorderWatch can match to an "
        "ISO3 code",
    )
    return iso3


def _iso3(values: pd.Series, function: Callable[[object], str]) -> pd.Series:
    return map_unique(values, function, dtype="str")


def _assemble(columns: dict[str, object], rejections: Rejections) -> MappedRows:
    """The accepted rows in the imported-incident layout, and the rejection table."""
    keep = rejections.accepted
    everything = bool(keep.all())
    index = rejections.ids.index if everything else rejections.ids.index[keep]
    kinds = {column.name: column.kind for column in INCIDENTS.columns}
    data: dict[str, pd.Series] = {}
    for name in INCIDENT_COLUMNS:
        value = columns.get(name, "") if name in AUDIT_COLUMNS else columns[name]
        kind = kinds.get(name, "str")
        if isinstance(value, pd.Series):
            series = value if everything else value[keep]
        elif isinstance(value, tuple):
            series = constant_tuples(index, value)
        else:
            series = pd.Series(value, index=index)
        if kind == "date":
            series = series.astype("datetime64[us]")
        elif kind == "float":
            series = series.astype("float64")
        elif kind == "int":
            series = series.astype("Int64")
        elif kind == "str" and (series.dtype != "str" or series.hasnans):
            series = series.fillna("").astype("str")
        data[name] = series
    frame = pd.DataFrame(data, index=index)
    geometry = point_geometry(frame["latitude"], frame["longitude"])
    incidents = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    return MappedRows(incidents=incidents, rejected=rejections.table())


def _common(dataset: str, source_dataset: str, ids: pd.Series) -> dict[str, object]:
    return {
        "incident_id": dataset + ":" + ids,
        "dataset": dataset,
        "source_dataset": source_dataset,
        "original_id": ids,
        "location_source": "reported",
        "origin_countries": (),
        "cross_border_note": "",
    }


def _check_dataset(dataset: str) -> str:
    key = dataset.strip()
    if not key:
        raise ValueError("dataset must be a non-empty key")
    return key


def _or_default(values: pd.Series, default: str | pd.Series) -> pd.Series:
    """``values`` with its empty cells replaced by ``default`` (no copy when none is empty)."""
    empty = values == ""
    return values.where(~empty, default) if empty.any() else values


def _blank(index: pd.Index) -> pd.Series:
    return pd.Series("", index=index, dtype="str")


def _unknown_counts(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="Int64")


def _note_where(known: pd.Series, note: str) -> pd.Series:
    return pd.Series(note, index=known.index, dtype="str").where(known, "")


def _count_text(numbers: pd.Series) -> pd.Series:
    """Whole numbers as text (``"3"``), ``""`` where unknown."""
    return numbers.astype("Int64").astype("str").where(numbers.notna(), "")


# --- ACLED ----------------------------------------------------------------------------------

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

    event_id: str
    date: str
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


_ACLED = _AcledColumns(
    event_id="event_id_cnty",
    date="event_date",
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

_ACLED_LEGACY = _AcledColumns(
    event_id="EVENT_ID_CNTY",
    date="EVENT_DATE",
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


def _normalised_type(value: object) -> str:
    """``"Battle - No change of territory "`` -> ``"battle-no change of territory"``."""
    text = " ".join(str(value).split()).casefold()
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def _optional_iso3(raw: pd.DataFrame, column: str | None, function) -> pd.Series:
    if column is None:
        return _blank(raw.index)
    return _iso3(text_column(raw, column), function)


def _map_acled_layout(raw: pd.DataFrame, dataset: str, c: _AcledColumns) -> MappedRows:
    dataset = _check_dataset(dataset)
    raw = raw.reset_index(drop=True)
    index = raw.index
    ids = text_column(raw, c.event_id)
    rejections = Rejections(ids)
    _ids(ids, c.event_id, rejections)

    date_text = text_column(raw, c.date)
    day = _dates(date_text)
    _reject_dates(date_text, day, c.date, rejections, required=True)
    time_text = text_column(raw, c.time_precision)
    date_precision = _lookup(_codes(time_text), ACLED_TIME_PRECISION)
    unknown_time = date_precision.isna()
    rejections.add(
        unknown_time,
        c.time_precision,
        quoted(time_text[unknown_time]) + " is not a time precision code (1, 2 or 3)",
    )
    date_start, date_end = _spans(day, day, date_precision)

    latitude, longitude = _coordinates(raw, c.latitude, c.longitude, rejections)
    placed = latitude.notna() & longitude.notna()
    location_precision = _precision(
        text_column(raw, c.geo_precision), ACLED_GEO_PRECISION, placed, c.geo_precision, rejections
    )

    type_text = text_column(raw, c.event_type)
    sub_text = text_column(raw, c.sub_event_type) if c.sub_event_type else _blank(index)
    event_type = map_unique(type_text, lambda v: ACLED_EVENT_TYPES.get(_normalised_type(v)))
    override = map_unique(sub_text, lambda v: ACLED_SUB_EVENT_TYPES.get(_normalised_type(v)))
    event_type = override.where(override.notna() & event_type.notna(), event_type)
    unknown_type = event_type.isna()
    rejections.add(
        unknown_type,
        c.event_type,
        quoted(type_text[unknown_type])
        + f" is not an ACLED event type ({', '.join(ACLED_EVENT_TYPE_NAMES)})",
    )

    country_text = text_column(raw, c.country)
    iso3 = first_non_empty(
        _optional_iso3(raw, c.iso3, countries.iso3_code),
        _optional_iso3(raw, c.iso_numeric, countries.iso3_from_numeric),
        _iso3(country_text, countries.iso3_from_name),
        _optional_iso3(raw, c.gwno, countries.iso3_from_gleditsch_ward),
    )
    iso3 = _country(iso3, country_text, c.country, rejections)

    fatalities = _whole_numbers(text_column(raw, c.fatalities), c.fatalities, rejections)

    admin1, admin2, admin3 = (text_column(raw, name) for name in c.admin)
    place = first_non_empty(text_column(raw, c.location), admin3, admin2, admin1, country_text)
    subtype = first_non_empty(sub_text, type_text)
    name = _or_default(join_non_empty(", ", subtype, place), "ACLED event " + ids)
    actor = text_column(raw, c.actor1)
    assoc = text_column(raw, c.assoc_actor1)
    perpetrator = (actor + " (with " + assoc + ")").where((assoc != "") & (actor != ""), actor)
    notes = text_column(raw, c.notes)
    sources = map_unique(
        text_column(raw, c.source), lambda value: split_list(str(value), ";", ("ACLED",))
    )

    columns = _common(dataset, "ACLED", ids) | {
        "name": name,
        "date_start": date_start,
        "date_end": date_end,
        "date_precision": date_precision,
        "country_iso3": iso3,
        "place_name": place,
        "latitude": latitude,
        "longitude": longitude,
        "location_precision": location_precision,
        "event_type": event_type,
        "event_subtype": subtype,
        "perpetrator": perpetrator,
        "fatalities_low": _unknown_counts(index),
        "fatalities_best": fatalities,
        "fatalities_high": _unknown_counts(index),
        "fatalities_note": _note_where(fatalities.notna(), "ACLED 'fatalities' field"),
        "other_casualties": "",
        "summary": _or_default(notes, "No description in the ACLED record."),
        "sources": sources,
        "unverified": "",
    }
    return _assemble(columns, rejections)


def map_acled(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map an ACLED export (lower-case columns, current or pre-March-2023 layout).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are stored under (``incident_id`` prefix).

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
    return _map_acled_layout(raw, dataset, _ACLED)


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
        Key of the dataset the incidents are stored under.

    Returns
    -------
    MappedRows
        Accepted incidents and rejected rows.
    """
    return _map_acled_layout(raw, dataset, _ACLED_LEGACY)


# --- UCDP GED -------------------------------------------------------------------------------


def map_ucdp_ged(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a UCDP Georeferenced Event Dataset table (49 columns).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are stored under.

    Returns
    -------
    MappedRows
        ``type_of_violence`` 1 -> battle, 2 and 3 -> armed_assault (the UCDP category is the
        ``event_subtype``); ``where_prec`` 1-3 -> 1-3, 4-7 -> 4; ``date_prec`` 1 -> day,
        2-3 -> approximate, 4 -> month, 5 -> year (start and end widened to whole months or
        years); ``low``/``best``/``high`` -> fatalities, with the deaths per side in the
        note; ``side_a`` -> ``perpetrator``; ``where_coordinates`` (else ``adm_2``,
        ``adm_1``, ``country``) -> ``place_name``; ``source_headline`` and
        ``where_description`` -> ``summary``; ``source_article`` -> ``sources``.
    """
    dataset = _check_dataset(dataset)
    raw = raw.reset_index(drop=True)
    index = raw.index
    ids = _numeric_id(text_column(raw, "id"))
    rejections = Rejections(ids)
    _ids(ids, "id", rejections)

    start_text = text_column(raw, "date_start")
    end_text = text_column(raw, "date_end")
    start = _dates(start_text)
    end = _dates(end_text)
    _reject_dates(start_text, start, "date_start", rejections, required=True)
    _reject_dates(end_text, end, "date_end", rejections, required=False)
    end = end.where(end_text != "", start)
    prec_text = text_column(raw, "date_prec")
    date_precision = _lookup(_codes(prec_text), UCDP_DATE_PRECISION)
    unknown = date_precision.isna()
    rejections.add(
        unknown, "date_prec", quoted(prec_text[unknown]) + " is not a date precision code (1-5)"
    )
    date_start, date_end = _spans(start, end, date_precision)

    latitude, longitude = _coordinates(raw, "latitude", "longitude", rejections)
    placed = latitude.notna() & longitude.notna()
    location_precision = _precision(
        text_column(raw, "where_prec"), UCDP_WHERE_PRECISION, placed, "where_prec", rejections
    )

    violence_text = text_column(raw, "type_of_violence")
    violence = _codes(violence_text)
    event_type = _lookup(violence, UCDP_VIOLENCE_TYPES)
    subtype = _lookup(violence, UCDP_VIOLENCE_NAMES)
    unknown = event_type.isna()
    rejections.add(
        unknown,
        "type_of_violence",
        quoted(violence_text[unknown]) + " is not a UCDP type of violence (1, 2 or 3)",
    )

    country_text = text_column(raw, "country")
    iso3 = first_non_empty(
        _iso3(country_text, countries.iso3_from_name),
        _iso3(text_column(raw, "country_id"), countries.iso3_from_gleditsch_ward),
    )
    iso3 = _country(iso3, country_text, "country", rejections)

    low = _whole_numbers(text_column(raw, "low"), "low", rejections)
    best = _whole_numbers(text_column(raw, "best"), "best", rejections)
    high = _whole_numbers(text_column(raw, "high"), "high", rejections)
    side_a = text_column(raw, "side_a")
    side_b = text_column(raw, "side_b")
    by_party = [text_column(raw, name) for name in ("deaths_a", "deaths_b", "deaths_civilians")]
    unknown_deaths = text_column(raw, "deaths_unknown")
    parties_known = (by_party[0] != "") & (by_party[1] != "") & (by_party[2] != "")
    breakdown = (
        "; deaths by party: "
        + first_non_empty(side_a, pd.Series("side A", index=index, dtype="str"))
        + " "
        + by_party[0]
        + ", "
        + first_non_empty(side_b, pd.Series("side B", index=index, dtype="str"))
        + " "
        + by_party[1]
        + ", civilians "
        + by_party[2]
        + (", unknown " + unknown_deaths).where(unknown_deaths != "", "")
    ).where(parties_known, "")
    any_figure = low.notna() | best.notna() | high.notna()
    note = (
        _note_where(any_figure, "UCDP GED low, best and high estimates") + breakdown
    ).str.removeprefix("; ")

    place = first_non_empty(
        text_column(raw, "where_coordinates"),
        text_column(raw, "adm_2"),
        text_column(raw, "adm_1"),
        country_text,
    )
    dyad = first_non_empty(text_column(raw, "dyad_name"), text_column(raw, "conflict_name"))
    name = join_non_empty(", ", dyad, place)
    name = name.where(name != "", "UCDP GED event " + ids)
    where = text_column(raw, "where_description")
    summary = join_non_empty(
        ". ",
        text_column(raw, "source_headline"),
        ("Location: " + where).where(where != "", ""),
    )
    summary = summary.where(summary != "", "No description in the UCDP GED record.")
    article = text_column(raw, "source_article")
    office = join_non_empty(
        " ", text_column(raw, "source_office"), "(" + text_column(raw, "source_date") + ")"
    ).str.replace(r"\s*\(\)$", "", regex=True)
    sources = map_unique(
        first_non_empty(article, office),
        lambda value: (str(value),) if str(value) else ("UCDP GED",),
    )
    unclear = _codes(text_column(raw, "event_clarity")) == 2
    unverified = _note_where(
        unclear.fillna(False).astype(bool),
        "UCDP event clarity 2: the event is aggregated or unclearly reported",
    )

    columns = _common(dataset, "UCDP GED", ids) | {
        "name": name,
        "date_start": date_start,
        "date_end": date_end,
        "date_precision": date_precision,
        "country_iso3": iso3,
        "place_name": place,
        "latitude": latitude,
        "longitude": longitude,
        "location_precision": location_precision,
        "event_type": event_type,
        "event_subtype": subtype,
        "perpetrator": side_a,
        "fatalities_low": low,
        "fatalities_best": best,
        "fatalities_high": high,
        "fatalities_note": note,
        "other_casualties": "",
        "summary": summary,
        "sources": sources,
        "unverified": unverified,
    }
    return _assemble(columns, rejections)


# --- GTD --------------------------------------------------------------------------------------


def _gtd_dates(raw: pd.DataFrame, rejections: Rejections) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``iyear``/``imonth``/``iday`` (0 = unknown) -> start, end and date precision."""
    texts = {name: text_column(raw, name) for name in ("iyear", "imonth", "iday")}
    year = _codes(texts["iyear"])
    month = _codes(texts["imonth"])
    day = _codes(texts["iday"])
    bad_year = ~year.between(1000, 9999).fillna(False).astype(bool)
    bad_month = ~month.between(0, 12).fillna(False).astype(bool)
    bad_day = ~day.between(0, 31).fillna(False).astype(bool)
    for field, bad, allowed in (
        ("iyear", bad_year, "a four-digit year"),
        ("imonth", bad_month, "0 (unknown) or 1-12"),
        ("iday", bad_day, "0 (unknown) or 1-31"),
    ):
        rejections.add(bad, field, quoted(texts[field][bad]) + f" is not {allowed}")
    in_range = ~(bad_year | bad_month | bad_day)
    month_known = in_range & (month > 0).fillna(False).astype(bool)
    day_known = month_known & (day > 0).fillna(False).astype(bool)
    parts = pd.DataFrame(
        {
            "year": year.where(in_range, 2000).astype("int64"),
            "month": month.where(month_known, 1).astype("int64"),
            "day": day.where(day_known, 1).astype("int64"),
        }
    )
    stamp = pd.to_datetime(parts, errors="coerce").astype("datetime64[us]")
    impossible = in_range & stamp.isna()
    shown = texts["iyear"] + "-" + texts["imonth"] + "-" + texts["iday"]
    rejections.add(
        impossible,
        "iday",
        quoted(shown[impossible]) + " (iyear-imonth-iday) is not a real calendar date",
    )
    approximate = text_column(raw, "approxdate") != ""
    precision = pd.Series("day", index=raw.index, dtype="str")
    precision = precision.where(~approximate, "approximate")
    precision = precision.where(~(day == 0).fillna(False).astype(bool), "month")
    precision = precision.where(~(month == 0).fillna(False).astype(bool), "year")
    stamp = stamp.where(in_range)
    start, end = _spans(stamp, stamp, precision)
    return start, end, precision


def _gtd_known(text: pd.Series) -> pd.Series:
    """GTD writes ``Unknown`` for an unknown place; treat it as empty."""
    return text.where(text.str.casefold() != "unknown", "")


def map_gtd(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a Global Terrorism Database table (CSV or the .xlsx workbook).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are stored under.

    Returns
    -------
    MappedRows
        ``eventid`` kept as text; ``iyear``/``imonth``/``iday`` -> dates, ``iday`` 0 ->
        month precision (whole month), ``imonth`` 0 -> year precision (whole year), a
        non-empty ``approxdate`` -> approximate (and quoted in ``unverified``);
        ``specificity`` 1 -> 2, 2-3 -> 3, 4 -> 4, 5 -> no coordinates; ``attacktype1_txt``
        -> event type and ``event_subtype``; ``nkill`` -> ``fatalities_best``; ``nwound``
        and ``nhostkid`` -> ``other_casualties``; ``gname`` -> ``perpetrator``; ``city``
        (else ``provstate``, else ``country_txt``; "(vicinity)" added when ``vicinity`` is
        1) -> ``place_name``; ``summary``; ``scite1``-``scite3`` -> ``sources``.
    """
    dataset = _check_dataset(dataset)
    raw = raw.reset_index(drop=True)
    index = raw.index
    ids = _numeric_id(text_column(raw, "eventid"))
    rejections = Rejections(ids)
    _ids(ids, "eventid", rejections)

    date_start, date_end, date_precision = _gtd_dates(raw, rejections)

    latitude, longitude = _coordinates(raw, "latitude", "longitude", rejections)
    specificity_text = text_column(raw, "specificity")
    no_location = (_codes(specificity_text) == GTD_NO_LOCATION).fillna(False).astype(bool)
    latitude = latitude.where(~no_location)
    longitude = longitude.where(~no_location)
    placed = latitude.notna() & longitude.notna()
    location_precision = _precision(
        specificity_text, GTD_SPECIFICITY, placed, "specificity", rejections
    )

    attack = text_column(raw, "attacktype1_txt")
    event_type = map_unique(attack, lambda v: GTD_ATTACK_TYPES.get(_normalised_type(v)))
    unknown = event_type.isna()
    rejections.add(
        unknown, "attacktype1_txt", quoted(attack[unknown]) + " is not a GTD attack type"
    )

    country_text = text_column(raw, "country_txt")
    iso3 = _country(
        _iso3(country_text, countries.iso3_from_name), country_text, "country_txt", rejections
    )

    killed = _whole_numbers(text_column(raw, "nkill"), "nkill", rejections)
    wounded = _numbers(text_column(raw, "nwound"))
    hostages = _numbers(text_column(raw, "nhostkid"))
    wounded = wounded.where((wounded >= 0) & (wounded % 1 == 0))
    hostages = hostages.where((hostages > 0) & (hostages % 1 == 0))
    other = join_non_empty(
        "; ",
        (_count_text(wounded) + " wounded").where(wounded.notna(), ""),
        (_count_text(hostages) + " taken hostage or kidnapped").where(hostages.notna(), ""),
    )

    city = _gtd_known(text_column(raw, "city"))
    place = first_non_empty(city, _gtd_known(text_column(raw, "provstate")), country_text)
    vicinity = (_codes(text_column(raw, "vicinity")) == 1).fillna(False).astype(bool)
    place = (place + " (vicinity)").where(vicinity & (city != ""), place)
    name = join_non_empty(", ", attack, place)
    summary = text_column(raw, "summary")
    citations = (
        text_column(raw, "scite1")
        + "\x1f"
        + text_column(raw, "scite2")
        + "\x1f"
        + text_column(raw, "scite3")
    )
    sources = map_unique(citations, lambda value: split_list(str(value), "\x1f", ("GTD",)))
    approxdate = text_column(raw, "approxdate")
    doubt = (_codes(text_column(raw, "doubtterr")) == 1).fillna(False).astype(bool)
    unverified = join_non_empty(
        "; ",
        ("approximate date in GTD: " + approxdate).where(approxdate != "", ""),
        _note_where(doubt, "GTD doubts that this was terrorism (doubtterr = 1)"),
    )

    columns = _common(dataset, "GTD", ids) | {
        "name": name.where(name != "", "GTD event " + ids),
        "date_start": date_start,
        "date_end": date_end,
        "date_precision": date_precision,
        "country_iso3": iso3,
        "place_name": place,
        "latitude": latitude,
        "longitude": longitude,
        "location_precision": location_precision,
        "event_type": event_type,
        "event_subtype": attack,
        "perpetrator": text_column(raw, "gname"),
        "fatalities_low": _unknown_counts(index),
        "fatalities_best": killed,
        "fatalities_high": _unknown_counts(index),
        "fatalities_note": _note_where(
            killed.notna(), "GTD 'nkill': all deaths, including perpetrators"
        ),
        "other_casualties": other,
        "summary": summary.where(summary != "", "No summary in the GTD record."),
        "sources": sources,
        "unverified": unverified,
    }
    return _assemble(columns, rejections)


# --- BorderWatch ----------------------------------------------------------------------------


def map_borderwatch(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a table in BorderWatch's own incident layout (a CSV or GeoJSON export).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are stored under.

    Returns
    -------
    MappedRows
        Columns taken as they are, with list cells split (``;`` for ``origin_countries``,
        `` | `` for ``sources``) and the quote that BorderWatch's CSV export puts before
        cells starting with ``= + - @`` removed. The original id is the file's
        ``original_id`` when it has one (a re-exported import), else ``incident_id``;
        ``source_dataset`` likewise, else ``BorderWatch``. ``location_source`` is kept.
    """
    dataset = _check_dataset(dataset)
    raw = raw.reset_index(drop=True)

    def text(name: str) -> pd.Series:
        values = text_column(raw, name)
        if values.str.startswith("'").any():
            values = values.str.replace(_FORMULA_QUOTE, "", regex=True)
        return values

    incident_id = text("incident_id")
    ids = first_non_empty(text("original_id"), incident_id)
    rejections = Rejections(ids)
    _ids(ids, "incident_id", rejections)

    start_text = text("date_start")
    end_text = text("date_end")
    date_start = _dates(start_text)
    date_end = _dates(end_text)
    _reject_dates(start_text, date_start, "date_start", rejections, required=True)
    _reject_dates(end_text, date_end, "date_end", rejections, required=True)

    latitude, longitude = _coordinates(raw, "latitude", "longitude", rejections)
    placed = latitude.notna() & longitude.notna()
    precision_text = text("location_precision")
    location_precision = _whole_numbers(precision_text, "location_precision", rejections)
    location_precision = location_precision.where(placed)

    counts = {
        name: _whole_numbers(text(name), name, rejections)
        for name in ("fatalities_low", "fatalities_best", "fatalities_high")
    }
    source_dataset = text("source_dataset")
    source_dataset = source_dataset.where(source_dataset.isin(SOURCE_NAMES), "BorderWatch")

    columns = _common(dataset, "BorderWatch", ids) | {
        column.name: text(column.name)
        for column in INCIDENTS.columns
        if column.kind == "str" and column.name != "incident_id"
    }
    columns |= counts | {
        "date_start": date_start,
        "date_end": date_end,
        "latitude": latitude,
        "longitude": longitude,
        "location_precision": location_precision,
        "origin_countries": map_unique(
            text("origin_countries"), lambda value: split_list(str(value), ";")
        ),
        "sources": map_unique(
            text("sources"), lambda value: split_list(str(value), "|", ("BorderWatch",))
        ),
        "source_dataset": source_dataset,
    }
    return _assemble(columns, rejections)


#: Layout key (see :func:`~borderwatch.importers.detect.detect_format`) -> mapper.
MAPPERS: dict[str, Callable[..., MappedRows]] = {
    "acled": map_acled,
    "acled_legacy": map_acled_legacy,
    "ucdp_ged": map_ucdp_ged,
    "gtd": map_gtd,
    "borderwatch_csv": map_borderwatch,
}
