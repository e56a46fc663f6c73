"""Column converters shared by the mappers: source text to typed incident columns.

Each works on a whole column at once; values that repeat (dates, country names, citation
lists) are converted once per distinct value, so a 1,000,000-row export maps in seconds.
A converter that finds a value it cannot use rejects the row through
:class:`~borderwatch.importers.base.Rejections`, naming the source column and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch.importers.base import (
    MappedRows,
    Rejections,
    constant_tuples,
    map_unique,
    point_geometry,
    quoted,
    text_column,
)
from borderwatch.importers.layouts import Layout
from borderwatch.schemas import IMPORTED_INCIDENTS, LATER_COLUMNS, incident_ids


class SourceTable:
    """A source table read through its declared layout.

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    layout
        Its layout; :meth:`text` refuses columns the layout does not declare, so what the
        mappers read and what :mod:`borderwatch.importers.layouts` documents cannot drift.
    """

    def __init__(self, raw: pd.DataFrame, layout: Layout) -> None:
        self.raw = raw.reset_index(drop=True)
        self.layout = layout

    @property
    def index(self) -> pd.Index:
        """Row positions, 0..n-1."""
        return self.raw.index

    def text(self, column: str) -> pd.Series:
        """A declared column as stripped text, ``""`` for empty cells or an absent column."""
        if column not in self.layout.columns:
            raise KeyError(f"{column!r} is not declared in the {self.layout.key} layout")
        return text_column(self.raw, column)


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
#: Dates a spreadsheet writes when it re-saves a CSV: ``9-May-20``, ``09-May-2020`` is fine.
_SHORT_YEAR_DATE = re.compile(r"^(\d{1,2})[ -/]([A-Za-z]+)\.?[ -/,]*(\d{2})$")
_SCIENTIFIC = r"^\d+(?:\.\d+)?[eE][+-]?\d+$"
_DATE_FORMS = "2013-01-16 or 16 January 2013"


def normalised_type(value: object) -> str:
    """``"Battle - No change of territory "`` -> ``"battle-no change of territory"``."""
    text = " ".join(str(value).split()).casefold()
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def as_numbers(text: pd.Series) -> pd.Series:
    """Text as floats, ``NaN`` where it is not a number."""
    return pd.to_numeric(text, errors="coerce").astype("float64")


#: Largest magnitude turned into an integer: beyond it floats lose whole numbers (and
#: ``Int64`` overflows at 9.2e18).
_LARGEST_WHOLE = 2.0**53


def as_codes(text: pd.Series) -> pd.Series:
    """Whole-number codes (``"1"``, ``"1.0"``) as ``Int64``; anything else ``<NA>``."""
    numbers = as_numbers(text)
    return numbers.where((numbers % 1 == 0) & (numbers.abs() < _LARGEST_WHOLE)).astype("Int64")


def lookup(codes: pd.Series, table: Mapping[int, object]) -> pd.Series:
    """``table[code]`` per cell as an object column, ``None`` where the code is unknown."""
    keys = pd.Index(list(table), dtype="int64")
    values = np.array([*table.values(), None], dtype=object)
    known = codes.notna().to_numpy()
    positions = np.full(len(codes), -1, dtype="int64")
    positions[known] = keys.get_indexer(codes[known].to_numpy(dtype="int64"))
    return pd.Series(values[positions], index=codes.index, dtype=object)


def as_whole_numbers(
    text: pd.Series,
    field: str,
    rejections: Rejections,
    *,
    maximum: float | None = None,
    what: str = "the largest value accepted",
) -> pd.Series:
    """Whole numbers: ``Int64``, empty = unknown; text, fractions, infinities and values above
    ``maximum`` (or too large to be held exactly) rejected."""
    numbers = as_numbers(text)
    not_number = (text != "") & numbers.isna()
    rejections.add(not_number, field, quoted(text[not_number]) + " is not a number")
    infinite = numbers.notna() & ~np.isfinite(numbers)
    rejections.add(infinite, field, quoted(text[infinite]) + " is not a finite number")
    numbers = numbers.where(~infinite)
    fractional = numbers.notna() & (numbers % 1 != 0)
    rejections.add(fractional, field, quoted(text[fractional]) + " is not a whole number")
    limit = _LARGEST_WHOLE if maximum is None else min(float(maximum), _LARGEST_WHOLE)
    too_large = numbers.notna() & ~fractional & (numbers.abs() > limit)
    rejections.add(
        too_large,
        field,
        quoted(text[too_large]) + f" is larger than {limit:,.0f}, {what}; correct the figure "
        "in the file",
    )
    return numbers.where(~fractional & ~too_large).round().astype("Int64")


def as_death_counts(text: pd.Series, field: str, rejections: Rejections) -> pd.Series:
    """Death tolls: whole numbers from 0 to ``max_event_deaths`` (:mod:`borderwatch.config`)."""
    from borderwatch.config import settings

    return as_whole_numbers(
        text,
        field,
        rejections,
        maximum=settings().max_event_deaths,
        what="the largest death toll accepted for one event (BORDERWATCH_MAX_EVENT_DEATHS)",
    )


def reject_bad_ids(text: pd.Series, field: str, rejections: Rejections) -> None:
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


def numeric_ids(text: pd.Series) -> pd.Series:
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


def as_dates(text: pd.Series) -> pd.Series:
    """Dates written ``2013-01-16`` (a time part is ignored) or ``16 January 2013``.

    Each distinct value is parsed once: a large export repeats its few thousand dates.
    """
    codes, unique_values = pd.factorize(text, use_na_sentinel=False)
    uniques = pd.Series(unique_values, dtype="str")
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[us]")
    iso = uniques.str.match(_ISO_DATE)
    if iso.any():
        # The day as written: a time and a time-zone offset after it never move the date
        # (2013-01-16T23:30-05:00 is the 16th where it happened, not the 17th in UTC).
        day = uniques[iso].str.extract(r"^(\d{4}-\d{1,2}-\d{1,2})", expand=False)
        stamps = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
        parsed[iso] = stamps.astype("datetime64[us]")
    rest = ~iso & (uniques != "")
    if rest.any():
        parsed[rest] = pd.to_datetime(uniques[rest].map(_parse_date_value), errors="coerce").astype(
            "datetime64[us]"
        )
    return pd.Series(parsed.to_numpy()[codes], index=text.index, dtype="datetime64[us]")


def with_two_digit_years(text: pd.Series, dates: pd.Series, years: pd.Series) -> pd.Series:
    """``dates`` with spreadsheet dates such as ``9-May-20`` read, where the row's four-digit
    ``years`` ends in the same two digits (``2020``); elsewhere they stay ``NaT``."""
    missing = dates.isna() & (text != "")
    if not missing.any():
        return dates
    parts = text[missing].str.extract(_SHORT_YEAR_DATE)
    found = parts[0].notna()
    if not found.any():
        return dates
    parts = parts[found]
    year = as_codes(years.reindex(parts.index).fillna(""))
    month = parts[1].str.casefold().map(_MONTHS)
    fits = year.notna() & month.notna() & (year % 100 == parts[2].astype("int64"))
    fits = fits.fillna(False).astype(bool)
    if not fits.any():
        return dates
    stamps = pd.to_datetime(
        pd.DataFrame(
            {
                "year": year[fits].astype("int64"),
                "month": month[fits].astype("int64"),
                "day": parts[0][fits].astype("int64"),
            }
        ),
        errors="coerce",
    ).astype("datetime64[us]")
    out = dates.copy()
    out[stamps.index] = stamps
    return out


def reject_bad_dates(
    text: pd.Series,
    dates: pd.Series,
    field: str,
    rejections: Rejections,
    *,
    required: bool,
    year_column: str | None = None,
) -> None:
    """Reject rows whose date text could not be read (and empty ones if ``required``).

    ``year_column`` names the layout's year column (for the message about two-digit years).
    """
    empty = text == ""
    if required:
        rejections.add(empty, field, "the date is empty")
    bad = ~empty & dates.isna()
    if not bad.any():
        return
    values = text[bad]
    short = values.str.match(_SHORT_YEAR_DATE)
    if short.any():
        fix = (
            "the date has a two-digit year (a spreadsheet re-saved the file?), "
            + (
                f"and the row's '{year_column}' does not settle it; "
                if year_column
                else "and this layout has no year column to settle it; "
            )
            + "format the date column as yyyy-mm-dd in the spreadsheet (Format Cells, Custom, "
            "yyyy-mm-dd) and save as CSV again, or export the file again from its source "
            "without opening it in a spreadsheet"
        )
        rejections.add(
            short[short].reindex(bad.index, fill_value=False),
            field,
            quoted(values[short]) + ": " + fix,
        )
        bad = bad & ~short.reindex(bad.index, fill_value=False)
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


def widen_to_precision(
    start: pd.Series, end: pd.Series, precision: pd.Series
) -> tuple[pd.Series, pd.Series]:
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


def coordinates(
    source: SourceTable, latitude: str, longitude: str, rejections: Rejections
) -> tuple[pd.Series, pd.Series]:
    """Checked coordinates (``NaN`` when absent); out of range or half given: rejected."""
    lat_text = source.text(latitude)
    lon_text = source.text(longitude)
    lat = as_numbers(lat_text)
    lon = as_numbers(lon_text)
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


def location_precision(
    codes_text: pd.Series,
    table: Mapping[int, int],
    placed: pd.Series,
    field: str,
    rejections: Rejections,
) -> pd.Series:
    """Location precision of placed rows (``<NA>`` for rows without coordinates)."""
    precision = lookup(as_codes(codes_text), table)
    unknown = placed & precision.isna()
    allowed = ", ".join(str(code) for code in table)
    rejections.add(
        unknown,
        field,
        quoted(codes_text[unknown]) + f" is not a location precision code ({allowed})",
    )
    return pd.to_numeric(precision.where(placed), errors="coerce").astype("Int64")


def reject_unknown_countries(
    iso3: pd.Series, shown: pd.Series, field: str, rejections: Rejections
) -> pd.Series:
    """``iso3``, rejecting the rows where no code was found (``shown`` is the source text)."""
    unknown = iso3 == ""
    rejections.add(
        unknown,
        field,
        quoted(shown[unknown]) + " is not a country name or code BorderWatch can match to an "
        "ISO3 code",
    )
    return iso3


def iso3_codes(values: pd.Series, function: Callable[[object], str]) -> pd.Series:
    """ISO3 codes by ``function`` (one of :mod:`~borderwatch.importers.countries`)."""
    return map_unique(values, function, dtype="str")


def _typed(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == "str":
        # Text columns never hold NaN: an empty cell is "".
        needs = series.dtype != "str" or series.hasnans
        return series.fillna("").astype("str") if needs else series
    return series if dtype == "object" else series.astype(dtype)


def assemble(columns: Mapping[str, object], rejections: Rejections) -> MappedRows:
    """The accepted rows in the imported-incident layout, and the rejection table.

    Parameters
    ----------
    columns
        A value for every column of :data:`~borderwatch.schemas.IMPORTED_INCIDENTS`: a
        Series over all source rows, a tuple (the same list in every row) or a scalar.
    rejections
        The rows rejected so far; they are left out.
    """
    keep = rejections.accepted
    everything = bool(keep.all())
    index = rejections.ids.index if everything else rejections.ids.index[keep]
    data: dict[str, pd.Series] = {}
    for name, dtype in IMPORTED_INCIDENTS.dtypes.items():
        # The curation audit's columns and the exported-from name: sources have nothing
        # for them (left empty).
        value = columns.get(name, "") if name in LATER_COLUMNS else columns[name]
        if isinstance(value, pd.Series):
            series = value if everything else value[keep]
        elif isinstance(value, tuple):
            series = constant_tuples(index, value)
        else:
            series = pd.Series(value, index=index)
        data[name] = _typed(series, dtype)
    frame = pd.DataFrame(data, index=index)
    geometry = point_geometry(frame["latitude"], frame["longitude"])
    incidents = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    return MappedRows(incidents=incidents, rejected=rejections.table())


def common_columns(dataset: str, source_dataset: str, ids: pd.Series) -> dict[str, object]:
    """Columns every source fills alike: ids (:func:`~borderwatch.schemas.incident_ids`),
    dataset, source, a reported location, no documented cross-border origin."""
    return {
        "incident_id": incident_ids(dataset, ids),
        "dataset": dataset,
        "source_dataset": source_dataset,
        "original_id": ids,
        "location_source": "reported",
        "origin_countries": (),
        "cross_border_note": "",
    }


def checked_key(dataset: str) -> str:
    """``dataset`` stripped; an empty key is a programming error (``ValueError``)."""
    key = dataset.strip()
    if not key:
        raise ValueError("dataset must be a non-empty key")
    return key


def or_default(values: pd.Series, default: str | pd.Series) -> pd.Series:
    """``values`` with its empty cells replaced by ``default`` (no copy when none is empty)."""
    empty = values == ""
    return values.where(~empty, default) if empty.any() else values


def blank(index: pd.Index) -> pd.Series:
    """An empty text column."""
    return pd.Series("", index=index, dtype="str")


def unknown_counts(index: pd.Index) -> pd.Series:
    """A count column that is unknown in every row."""
    return pd.Series(pd.NA, index=index, dtype="Int64")


def note_where(known: pd.Series, note: str) -> pd.Series:
    """``note`` where ``known`` is true, ``""`` elsewhere."""
    return pd.Series(note, index=known.index, dtype="str").where(known, "")


def count_text(numbers: pd.Series) -> pd.Series:
    """Whole numbers as text (``"3"``), ``""`` where unknown."""
    return numbers.astype("Int64").astype("str").where(numbers.notna(), "")
