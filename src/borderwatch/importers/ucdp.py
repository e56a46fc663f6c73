"""UCDP Georeferenced Event Dataset (GED) tables as incidents.

The columns read are declared in :data:`~borderwatch.importers.layouts.UCDP_GED`; the rules
are those of ``docs/import-design.md``.
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
)
from borderwatch.importers.convert import (
    SourceTable,
    as_codes,
    as_dates,
    as_death_counts,
    assemble,
    checked_key,
    common_columns,
    coordinates,
    iso3_codes,
    location_precision,
    lookup,
    note_where,
    numeric_ids,
    reject_bad_dates,
    reject_bad_ids,
    reject_unknown_countries,
    widen_to_precision,
    with_two_digit_years,
)
from borderwatch.importers.layouts import UCDP_GED

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


def _dates(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    start_text = source.text("date_start")
    end_text = source.text("date_end")
    year = source.text("year")
    start = with_two_digit_years(start_text, as_dates(start_text), year)
    end = with_two_digit_years(end_text, as_dates(end_text), year)
    reject_bad_dates(start_text, start, "date_start", rejections, required=True, year_column="year")
    reject_bad_dates(end_text, end, "date_end", rejections, required=False, year_column="year")
    end = end.where(end_text != "", start)
    prec_text = source.text("date_prec")
    precision = lookup(as_codes(prec_text), UCDP_DATE_PRECISION)
    unknown = precision.isna()
    rejections.add(
        unknown, "date_prec", quoted(prec_text[unknown]) + " is not a date precision code (1-5)"
    )
    start, end = widen_to_precision(start, end, precision)
    return {"date_start": start, "date_end": end, "date_precision": precision}


def _event_type(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    violence_text = source.text("type_of_violence")
    violence = as_codes(violence_text)
    event_type = lookup(violence, UCDP_VIOLENCE_TYPES)
    unknown = event_type.isna()
    rejections.add(
        unknown,
        "type_of_violence",
        quoted(violence_text[unknown]) + " is not a UCDP type of violence (1, 2 or 3)",
    )
    return {"event_type": event_type, "event_subtype": lookup(violence, UCDP_VIOLENCE_NAMES)}


def _country(source: SourceTable, rejections: Rejections) -> pd.Series:
    country_text = source.text("country")
    iso3 = first_non_empty(
        iso3_codes(country_text, countries.iso3_from_name),
        iso3_codes(source.text("country_id"), countries.iso3_from_gleditsch_ward),
    )
    return reject_unknown_countries(iso3, country_text, "country", rejections)


def _deaths_by_party(source: SourceTable) -> pd.Series:
    """``"; deaths by party: A 3, B 1, civilians 0"`` where all three figures are given."""
    index = source.index
    side_a = first_non_empty(source.text("side_a"), pd.Series("side A", index=index, dtype="str"))
    side_b = first_non_empty(source.text("side_b"), pd.Series("side B", index=index, dtype="str"))
    by_party = [source.text(name) for name in ("deaths_a", "deaths_b", "deaths_civilians")]
    unknown = source.text("deaths_unknown")
    known = (by_party[0] != "") & (by_party[1] != "") & (by_party[2] != "")
    text = (
        "; deaths by party: "
        + side_a
        + " "
        + by_party[0]
        + ", "
        + side_b
        + " "
        + by_party[1]
        + ", civilians "
        + by_party[2]
        + (", unknown " + unknown).where(unknown != "", "")
    )
    return text.where(known, "")


def _fatalities(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    low = as_death_counts(source.text("low"), "low", rejections)
    best = as_death_counts(source.text("best"), "best", rejections)
    high = as_death_counts(source.text("high"), "high", rejections)
    any_figure = low.notna() | best.notna() | high.notna()
    note = note_where(any_figure, "UCDP GED low, best and high estimates")
    return {
        "fatalities_low": low,
        "fatalities_best": best,
        "fatalities_high": high,
        "fatalities_note": (note + _deaths_by_party(source)).str.removeprefix("; "),
    }


def _sources(source: SourceTable) -> pd.Series:
    office = join_non_empty(
        " ", source.text("source_office"), "(" + source.text("source_date") + ")"
    ).str.replace(r"\s*\(\)$", "", regex=True)
    return map_unique(
        first_non_empty(source.text("source_article"), office),
        lambda value: (str(value),) if str(value) else ("UCDP GED",),
    )


def _texts(source: SourceTable, ids: pd.Series) -> dict[str, pd.Series]:
    """Name, place, perpetrator, summary, sources and the unverified note."""
    place = first_non_empty(
        source.text("where_coordinates"),
        source.text("adm_2"),
        source.text("adm_1"),
        source.text("country"),
    )
    dyad = first_non_empty(source.text("dyad_name"), source.text("conflict_name"))
    name = join_non_empty(", ", dyad, place)
    where = source.text("where_description")
    summary = join_non_empty(
        ". ", source.text("source_headline"), ("Location: " + where).where(where != "", "")
    )
    unclear = (as_codes(source.text("event_clarity")) == 2).fillna(False).astype(bool)
    return {
        "name": name.where(name != "", "UCDP GED event " + ids),
        "place_name": place,
        "perpetrator": source.text("side_a"),
        "summary": summary.where(summary != "", "No description in the UCDP GED record."),
        "sources": _sources(source),
        "unverified": note_where(
            unclear, "UCDP event clarity 2: the event is aggregated or unclearly reported"
        ),
    }


def map_ucdp_ged(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a UCDP Georeferenced Event Dataset table (49 columns).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are labelled with.

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
    dataset = checked_key(dataset)
    source = SourceTable(raw, UCDP_GED)
    ids = numeric_ids(source.text("id"))
    rejections = Rejections(ids)
    # Checks run in the order of the row's fields, which is the order its reasons are listed.
    reject_bad_ids(ids, "id", rejections)
    columns = common_columns(dataset, "UCDP GED", ids) | _dates(source, rejections)
    latitude, longitude = coordinates(source, "latitude", "longitude", rejections)
    placed = latitude.notna() & longitude.notna()
    columns["location_precision"] = location_precision(
        source.text("where_prec"), UCDP_WHERE_PRECISION, placed, "where_prec", rejections
    )
    columns |= _event_type(source, rejections)
    columns["country_iso3"] = _country(source, rejections)
    columns |= _fatalities(source, rejections) | _texts(source, ids)
    columns |= {"latitude": latitude, "longitude": longitude, "other_casualties": ""}
    return assemble(columns, rejections)
