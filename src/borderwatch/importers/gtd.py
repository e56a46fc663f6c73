"""Global Terrorism Database (GTD) tables, CSV or the .xlsx workbook, as incidents.

The columns read are declared in :data:`~borderwatch.importers.layouts.GTD`; the rules are
those of ``docs/import-design.md``.
"""

from __future__ import annotations

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
    as_death_counts,
    as_numbers,
    assemble,
    checked_key,
    common_columns,
    coordinates,
    count_text,
    iso3_codes,
    location_precision,
    normalised_type,
    note_where,
    numeric_ids,
    reject_bad_ids,
    reject_unknown_countries,
    unknown_counts,
    widen_to_precision,
)
from borderwatch.importers.layouts import GTD

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


def _flag(codes: pd.Series, value: int) -> pd.Series:
    return (codes == value).fillna(False).astype(bool)


def _date_parts(source: SourceTable, rejections: Rejections) -> tuple[pd.Series, ...]:
    """``iyear``, ``imonth``, ``iday`` as codes, rejecting values out of their ranges."""
    parts = []
    for field, low, high, allowed in (
        ("iyear", 1000, 9999, "a four-digit year"),
        ("imonth", 0, 12, "0 (unknown) or 1-12"),
        ("iday", 0, 31, "0 (unknown) or 1-31"),
    ):
        text = source.text(field)
        codes = as_codes(text)
        bad = ~codes.between(low, high).fillna(False).astype(bool)
        rejections.add(bad, field, quoted(text[bad]) + f" is not {allowed}")
        parts.append(codes.where(~bad))
    return tuple(parts)


def _dates(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    """``iyear``/``imonth``/``iday`` (0 = unknown) -> start, end and date precision."""
    year, month, day = _date_parts(source, rejections)
    in_range = year.notna() & month.notna() & day.notna()
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
    shown = source.text("iyear") + "-" + source.text("imonth") + "-" + source.text("iday")
    impossible = in_range & stamp.isna()
    rejections.add(
        impossible,
        "iday",
        quoted(shown[impossible]) + " (iyear-imonth-iday) is not a real calendar date",
    )
    precision = pd.Series("day", index=source.index, dtype="str")
    precision = precision.where(source.text("approxdate") == "", "approximate")
    precision = precision.where(~_flag(day, 0), "month").where(~_flag(month, 0), "year")
    start, end = widen_to_precision(stamp.where(in_range), stamp.where(in_range), precision)
    return {"date_start": start, "date_end": end, "date_precision": precision}


def _known(text: pd.Series) -> pd.Series:
    """GTD writes ``Unknown`` for an unknown place; treat it as empty."""
    return text.where(text.str.casefold() != "unknown", "")


def _location(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    """Coordinates (none for specificity 5) and the location precision."""
    latitude, longitude = coordinates(source, "latitude", "longitude", rejections)
    specificity = source.text("specificity")
    unplaced = _flag(as_codes(specificity), GTD_NO_LOCATION)
    latitude, longitude = latitude.where(~unplaced), longitude.where(~unplaced)
    placed = latitude.notna() & longitude.notna()
    precision = location_precision(specificity, GTD_SPECIFICITY, placed, "specificity", rejections)
    return {"latitude": latitude, "longitude": longitude, "location_precision": precision}


def _event_type(source: SourceTable, rejections: Rejections) -> pd.Series:
    attack = source.text("attacktype1_txt")
    event_type = map_unique(attack, lambda v: GTD_ATTACK_TYPES.get(normalised_type(v)))
    unknown = event_type.isna()
    rejections.add(
        unknown, "attacktype1_txt", quoted(attack[unknown]) + " is not a GTD attack type"
    )
    return event_type


def _casualties(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    killed = as_death_counts(source.text("nkill"), "nkill", rejections)
    wounded = as_numbers(source.text("nwound"))
    hostages = as_numbers(source.text("nhostkid"))
    wounded = wounded.where((wounded >= 0) & (wounded % 1 == 0) & (wounded < 2.0**53))
    hostages = hostages.where((hostages > 0) & (hostages % 1 == 0) & (hostages < 2.0**53))
    other = join_non_empty(
        "; ",
        (count_text(wounded) + " wounded").where(wounded.notna(), ""),
        (count_text(hostages) + " taken hostage or kidnapped").where(hostages.notna(), ""),
    )
    return {
        "fatalities_low": unknown_counts(source.index),
        "fatalities_best": killed,
        "fatalities_high": unknown_counts(source.index),
        "fatalities_note": note_where(
            killed.notna(), "GTD 'nkill': all deaths, including perpetrators"
        ),
        "other_casualties": other,
    }


def _texts(source: SourceTable, ids: pd.Series) -> dict[str, pd.Series]:
    """Name, place, subtype, perpetrator, summary, sources and the unverified note."""
    city = _known(source.text("city"))
    place = first_non_empty(city, _known(source.text("provstate")), source.text("country_txt"))
    vicinity = _flag(as_codes(source.text("vicinity")), 1)
    place = (place + " (vicinity)").where(vicinity & (city != ""), place)
    attack = source.text("attacktype1_txt")
    name = join_non_empty(", ", attack, place)
    summary = source.text("summary")
    citations = (
        source.text("scite1") + "\x1f" + source.text("scite2") + "\x1f" + source.text("scite3")
    )
    approxdate = source.text("approxdate")
    doubt = _flag(as_codes(source.text("doubtterr")), 1)
    return {
        "name": name.where(name != "", "GTD event " + ids),
        "place_name": place,
        "event_subtype": attack,
        "perpetrator": source.text("gname"),
        "summary": summary.where(summary != "", "No summary in the GTD record."),
        "sources": map_unique(citations, lambda value: split_list(str(value), "\x1f", ("GTD",))),
        "unverified": join_non_empty(
            "; ",
            ("approximate date in GTD: " + approxdate).where(approxdate != "", ""),
            note_where(doubt, "GTD doubts that this was terrorism (doubtterr = 1)"),
        ),
    }


def map_gtd(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a Global Terrorism Database table (CSV or the .xlsx workbook).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are labelled with.

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
    dataset = checked_key(dataset)
    source = SourceTable(raw, GTD)
    ids = numeric_ids(source.text("eventid"))
    rejections = Rejections(ids)
    # Checks run in the order of the row's fields, which is the order its reasons are listed.
    reject_bad_ids(ids, "eventid", rejections)
    columns = common_columns(dataset, "GTD", ids) | _dates(source, rejections)
    columns |= _location(source, rejections)
    columns["event_type"] = _event_type(source, rejections)
    country_text = source.text("country_txt")
    columns["country_iso3"] = reject_unknown_countries(
        iso3_codes(country_text, countries.iso3_from_name), country_text, "country_txt", rejections
    )
    columns |= _casualties(source, rejections) | _texts(source, ids)
    return assemble(columns, rejections)
