"""Import analysts' event files (ACLED, UCDP GED, GTD, BorderWatch exports) as incidents.

The app makes one call, :func:`import_file`: it checks the size, reads the file
(:func:`~borderwatch.importers.reading.read_table`), recognises its layout
(:func:`~borderwatch.importers.detect.detect_format`, from the columns declared in
:mod:`~borderwatch.importers.layouts`), maps it (:mod:`~borderwatch.importers.mappers`: one
module per source) and holds the mapped rows to the imported-incident contract,
:data:`borderwatch.schemas.IMPORTED_INCIDENTS` (:mod:`~borderwatch.importers.contract`).
Rows that cannot be imported are never dropped silently: each comes back in
:attr:`ImportResult.rejected` with its row number and the reason, and
:meth:`ImportResult.rejected_report_csv` gives them to the analyst with their original
values. A file that cannot be imported at all raises an :class:`ImportRefusedError` whose
message is meant for the analyst.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import PurePath

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch.importers.base import (
    INCIDENT_COLUMNS,
    FileTooLargeError,
    ImportFormatError,
    ImportRefusedError,
    MappedRows,
    concat_rejections,
)
from borderwatch.importers.contract import check_incidents
from borderwatch.importers.detect import LAYOUTS_BY_KEY, detect_format
from borderwatch.importers.mappers import (
    MAPPERS,
    map_acled,
    map_acled_legacy,
    map_borderwatch,
    map_gtd,
    map_ucdp_ged,
)
from borderwatch.importers.plausibility import check_dates, check_places, empty_flags
from borderwatch.importers.reading import (
    CsvChunks,
    SheetChoiceError,
    read_csv_chunks,
    read_table,
)
from borderwatch.importers.result import FORMULA_PREFIXES, ImportResult

_LOG = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMULA_PREFIXES",
    "INCIDENT_COLUMNS",
    "FileTooLargeError",
    "ImportFormatError",
    "ImportRefusedError",
    "ImportResult",
    "MappedRows",
    "SheetChoiceError",
    "check_file_size",
    "detect_format",
    "import_file",
    "map_acled",
    "map_acled_legacy",
    "map_borderwatch",
    "map_gtd",
    "map_ucdp_ged",
    "read_table",
]

#: Largest file :func:`import_file` accepts by default (500 MiB, ``config.max_import_mb``).
DEFAULT_MAX_BYTES = 500 * 2**20


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:,.1f} MiB"
    if count >= 2**10:
        return f"{count / 2**10:,.1f} KiB"
    return f"{count} bytes"


def _display_name(file_name: str) -> str:
    return PurePath(file_name.replace("\\", "/")).name or "the file"


def check_file_size(size: int, *, file_name: str, max_bytes: int) -> None:
    """Refuse a file of ``size`` bytes when it is larger than ``max_bytes``.

    Raises
    ------
    FileTooLargeError
        Naming the file, both sizes, and what to do instead.
    """
    if size > max_bytes:
        raise FileTooLargeError(
            f"{_display_name(file_name)} is {_size(size)} ({size:,} bytes), more than the "
            f"import limit of {_size(max_bytes)} ({max_bytes:,} bytes). Export a smaller "
            "selection (for example one country or a few years at a time) and import the parts."
        )


def _truncated_row(raw: pd.DataFrame, layout: str) -> pd.DataFrame:
    if not raw.attrs.get("truncated_last_row"):
        return concat_rejections([])
    id_column = LAYOUTS_BY_KEY[layout].id_column
    return pd.DataFrame(
        {
            "row": [len(raw)],
            "original_id": [str(raw[id_column].iloc[-1]).strip()],
            "field": ["(row)"],
            "reason": [
                "the file ends in the middle of this row, which has fewer fields than the "
                "header: the file looks truncated; download or export it again"
            ],
        }
    )


def _reader_rejections(raw: pd.DataFrame, layout: str) -> pd.DataFrame:
    """Rows the reader found broken (short rows, swallowed lines, undecodable bytes)."""
    problems = raw.attrs.get("row_problems") or []
    if not problems:
        return concat_rejections([])
    id_column = LAYOUTS_BY_KEY[layout].id_column
    ids = raw[id_column] if id_column in raw.columns else pd.Series("", index=raw.index)
    positions = [position for position, _, _ in problems]
    return concat_rejections(
        [
            pd.DataFrame(
                {
                    "row": [position + 1 for position in positions],
                    "original_id": [str(ids.iloc[p]).strip() for p in positions],
                    "field": [field for _, field, _ in problems],
                    "reason": [reason for _, _, reason in problems],
                }
            )
        ]
    )


def import_file(
    data: bytes,
    *,
    file_name: str,
    dataset: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    countries: gpd.GeoDataFrame | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Read, recognise, map and check an event file supplied by an analyst.

    Parameters
    ----------
    data
        The file's bytes, as uploaded.
    file_name
        Its name; the extension chooses the reader (``.csv``, ``.xlsx``, ``.geojson``,
        ``.json``, ``.zip`` holding one CSV).
    dataset
        Key of the dataset the incidents are labelled with (``dataset`` column, and
        ``incident_id`` = :func:`borderwatch.schemas.incident_ids`); the store labels them
        again with the key it gives the dataset.
    max_bytes
        Largest file accepted (default 500 MiB).
    countries
        Country polygons (``iso3``, geometry) to check that each point lies in the country
        its row names (:mod:`~borderwatch.importers.plausibility`); ``None`` skips that
        check.
    sheet
        For a workbook with several sheets holding data: the sheet to read
        (:class:`~borderwatch.importers.reading.SheetChoiceError` says which there are).

    Returns
    -------
    ImportResult
        Accepted incidents, rejected rows with reasons, flagged rows, and what was read.
        Every data row read is either accepted or rejected.

    Raises
    ------
    FileTooLargeError
        The file (or the CSV inside a ZIP) is larger than ``max_bytes``.
    ImportFormatError
        The file cannot be imported at all: empty, unreadable, not what its extension
        says, no data rows, or columns of no known layout. The message says what to do.
        Anything unforeseen while importing ends in one too (logged with its traceback).
    """
    key = dataset.strip()
    if not key:
        raise ImportFormatError(
            "The dataset has no name. Enter a name under 'Dataset name' and import again."
        )
    name = _display_name(file_name)
    check_file_size(len(data), file_name=file_name, max_bytes=max_bytes)
    try:
        return _import(data, file_name, key, max_bytes, countries, sheet)
    except ImportRefusedError:
        raise
    except Exception as exc:  # the last line of defence: never a traceback on a page
        raise _unforeseen(name, exc) from exc


def _unforeseen(name: str, exc: Exception) -> ImportFormatError:
    """The message for a failure no check foresaw (logged with its traceback)."""
    if isinstance(exc, MemoryError):
        return ImportFormatError(
            f"{name} needs more memory to import than this server has. Import it in parts "
            "(for example one country or a few years at a time)."
        )
    _LOG.exception("unexpected failure importing %s", name)
    return ImportFormatError(
        f"{name} could not be imported: BorderWatch met a problem it does not recognise "
        f"({type(exc).__name__}: {str(exc)[:200]}). Nothing was stored. Check that the "
        "file is an unmodified export of its source, and report the problem with the file "
        "if it persists (the details are in the server log)."
    )


#: CSV files are read, mapped and checked this many rows at a time, so that a large file is
#: never held whole as text (a 1,000,000-row ACLED export imports in well under 2 GB).
#: 0 reads every file whole (tests compare the two ways).
CHUNK_ROWS = 100_000


def _import(
    data: bytes,
    file_name: str,
    key: str,
    max_bytes: int,
    countries: gpd.GeoDataFrame | None,
    sheet: str | None,
) -> ImportResult:
    chunks = (
        read_csv_chunks(data, file_name=file_name, max_bytes=max_bytes, chunk_rows=CHUNK_ROWS)
        if CHUNK_ROWS > 0
        else None
    )
    if chunks is not None:
        result = _import_chunks(chunks, data, file_name, key, countries)
        if result is not None:
            return result
        # The csv pass and pandas disagree about the rows: read the file whole.
    raw = read_table(data, file_name=file_name, max_bytes=max_bytes, sheet=sheet)
    if len(raw) == 0:
        raise ImportFormatError(f"{_display_name(file_name)} has a header but no data rows.")
    layout = detect_format(list(raw.columns))
    incidents, rejected, flags = _map_and_check(raw, layout, key, countries)
    return ImportResult(
        format=layout,
        encoding=raw.attrs.get("encoding"),
        rows_read=len(raw),
        incidents=incidents,
        rejected=rejected,
        dataset=key,
        file_name=_display_name(file_name),
        rejected_source=_rejected_source(raw, rejected),
        flags=flags,
        sheet=raw.attrs.get("sheet"),
        source_sha256=hashlib.sha256(data).hexdigest(),
    )


def _import_chunks(
    chunks: CsvChunks,
    data: bytes,
    file_name: str,
    key: str,
    countries: gpd.GeoDataFrame | None,
) -> ImportResult | None:
    """Import a CSV file chunk by chunk: each chunk is mapped and checked on its own, its
    row numbers made absolute, and the typed results concatenated. Ids repeated across
    chunks are rejected as within one. ``None`` when the rows cannot be placed (see
    :attr:`CsvChunks.records`)."""
    layout = detect_format(chunks.columns)
    id_field = LAYOUTS_BY_KEY[layout].id_column
    incidents_parts: list[gpd.GeoDataFrame] = []
    rejected_parts: list[pd.DataFrame] = []
    flag_parts: list[pd.DataFrame] = []
    source_parts: list[pd.DataFrame] = []
    seen = pd.Series([], dtype="int64")  # first row (1-based) of each id met so far
    rows = 0
    for chunk in chunks:
        offset = chunk.attrs["offset"]
        mapped = _map_and_check_rows(chunk, layout, key, countries)
        (incidents, rejected, flags, _), seen = _reject_ids_seen_before(
            mapped, len(chunk), offset, seen, id_field
        )
        source = _rejected_source(chunk, rejected)
        source.index = source.index + offset
        for table in (rejected, flags):
            table["row"] += offset
        incidents_parts.append(incidents)
        rejected_parts.append(rejected)
        flag_parts.append(flags)
        source_parts.append(source)
        rows += len(chunk)
        del chunk
    if chunks.records is not None and chunks.records != rows:
        return None
    if rows == 0:
        raise ImportFormatError(f"{_display_name(file_name)} has a header but no data rows.")
    incidents = gpd.GeoDataFrame(
        pd.concat(incidents_parts, ignore_index=True), geometry="geometry", crs="EPSG:4326"
    )
    incidents.attrs = {}
    flag_parts = [f for f in flag_parts if len(f)]
    flags = pd.concat(flag_parts, ignore_index=True) if flag_parts else empty_flags()
    rejected_source = pd.concat(source_parts)
    rejected_source.attrs = {}
    return ImportResult(
        format=layout,
        encoding=chunks.encoding,
        rows_read=rows,
        incidents=incidents,
        rejected=concat_rejections(rejected_parts),
        dataset=key,
        file_name=_display_name(file_name),
        rejected_source=rejected_source,
        flags=flags,
        sheet=None,
        source_sha256=hashlib.sha256(data).hexdigest(),
    )


def _reject_ids_seen_before(
    mapped: tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame, np.ndarray],
    n_rows: int,
    offset: int,
    seen: pd.Series,
    id_field: str,
) -> tuple[tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame, np.ndarray], pd.Series]:
    """One chunk's mapped rows with the ids met in earlier chunks rejected as repeats, and
    ``seen`` (first 1-based row of each id) extended with this chunk's new ids."""
    incidents, rejected, flags, accepted = mapped
    ids = np.full(n_rows, "", dtype=object)
    ids[accepted - 1] = incidents["original_id"].astype("str").to_numpy(dtype=object)
    ids[rejected["row"].to_numpy() - 1] = rejected["original_id"].to_numpy(dtype=object)
    earlier = seen.reindex(ids).to_numpy(dtype="float64", na_value=np.nan)
    repeated = ~np.isnan(earlier) & (ids != "")
    if repeated.any():
        mapped = _reject_repeats(
            incidents, rejected, flags, accepted, ids, earlier, repeated, id_field
        )
    firsts = pd.Series(np.arange(len(ids)) + offset + 1, index=ids)
    firsts = firsts[(ids != "") & ~repeated]
    firsts = firsts[~firsts.index.duplicated(keep="first")]
    return mapped, (pd.concat([seen, firsts]) if len(seen) else firsts)


def _reject_repeats(
    incidents: gpd.GeoDataFrame,
    rejected: pd.DataFrame,
    flags: pd.DataFrame,
    accepted: np.ndarray,
    ids: np.ndarray,
    earlier: np.ndarray,
    repeated: np.ndarray,
    id_field: str,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Rows of a chunk whose id an earlier chunk already used: rejected as the mapper
    rejects a repeat within one table (naming the first row), their other results dropped."""
    rows = np.flatnonzero(repeated) + 1
    reasons = [f"the id is already used by row {int(first)}" for first in earlier[repeated]]
    # A repeat the mapper found within the chunk names a row of this chunk: replaced.
    within = (
        rejected["row"].isin(rows)
        & (rejected["field"] == id_field)
        & rejected["reason"].str.startswith("the id is already used by row")
    )
    repeats = pd.DataFrame(
        {"row": rows, "original_id": ids[repeated], "field": id_field, "reason": reasons}
    )
    rejected = concat_rejections([repeats, rejected[~within]])
    keep = ~np.isin(accepted, rows)
    incidents = incidents[keep].reset_index(drop=True)
    flags = flags[~flags["row"].isin(rows)].reset_index(drop=True)
    return incidents, rejected, flags, accepted[keep]


def _flag_places(
    incidents: gpd.GeoDataFrame, countries: gpd.GeoDataFrame | None
) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Swapped coordinates (rejected) and points outside their country (flagged)."""
    check = check_places(incidents, countries)
    ids = incidents["original_id"].astype("str").to_numpy()
    rows = np.asarray(incidents.index, dtype="int64") + 1
    lat = incidents["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = incidents["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    swapped = check.swapped
    rejected = pd.DataFrame(
        {
            "row": rows[swapped],
            "original_id": ids[swapped],
            "field": "latitude",
            "reason": [
                f"latitude {a:g} and longitude {o:g} look swapped: as given the point lies "
                f"outside {c}, swapped it lies inside; swap the two columns in the file"
                for a, o, c in zip(
                    lat[swapped],
                    lon[swapped],
                    incidents["country_iso3"].to_numpy()[swapped],
                    strict=True,
                )
            ],
        }
    )
    far = np.nan_to_num(check.outside_km, nan=-1.0) > check.tolerance_km
    notes = [
        f"the reported point lies {km:,.0f} km outside {c}, the country the row names, "
        f"more than the {tol:,.0f} km its location precision allows"
        for km, tol, c in zip(
            check.outside_km[far],
            check.tolerance_km[far],
            incidents["country_iso3"].to_numpy()[far],
            strict=True,
        )
    ]
    flags = pd.DataFrame(
        {"row": rows[far], "original_id": ids[far], "field": "latitude", "note": notes}
    )
    if far.any():
        unverified = incidents["unverified"].to_numpy(dtype=object).copy()
        unverified[far] = [
            f"{old}; {note}" if old else note
            for old, note in zip(unverified[far], notes, strict=True)
        ]
        incidents["unverified"] = pd.Series(unverified, index=incidents.index, dtype="str")
    return ~swapped, rejected, flags


def _flag_estimates(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Death estimates out of order in the source (low > best, best > high): kept as given,
    noted in ``fatalities_note`` and flagged."""
    low, best, high = (incidents[f"fatalities_{k}"] for k in ("low", "best", "high"))
    disorder = (low.gt(best) | best.gt(high) | low.gt(high)).fillna(False).to_numpy(dtype=bool)
    if not disorder.any():
        return empty_flags()
    shown = [
        f"the source's estimates are out of order (low {lo}, best {mid}, high {hi}); "
        "kept as the source gives them"
        for lo, mid, hi in zip(
            low.astype("str")[disorder],
            best.astype("str")[disorder],
            high.astype("str")[disorder],
            strict=True,
        )
    ]
    notes = incidents["fatalities_note"].to_numpy(dtype=object).copy()
    notes[disorder] = [
        f"{old}; {note}" if old else note for old, note in zip(notes[disorder], shown, strict=True)
    ]
    incidents["fatalities_note"] = pd.Series(notes, index=incidents.index, dtype="str")
    return pd.DataFrame(
        {
            "row": np.asarray(incidents.index, dtype="int64")[disorder] + 1,
            "original_id": incidents["original_id"].astype("str").to_numpy()[disorder],
            "field": "fatalities_best",
            "note": shown,
        }
    )


def _map_and_check(
    raw: pd.DataFrame, layout: str, key: str, countries: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """The incidents that pass the mapper, the contract and the plausibility checks, every
    rejection, and the accepted rows flagged for a closer look."""
    incidents, rejected, flags, _ = _map_and_check_rows(raw, layout, key, countries)
    return incidents, rejected, flags


def _map_and_check_rows(
    raw: pd.DataFrame, layout: str, key: str, countries: gpd.GeoDataFrame | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """:func:`_map_and_check`, and the 1-based row of each accepted incident."""
    mapped = MAPPERS[layout](raw, dataset=key)
    reader = concat_rejections([_truncated_row(raw, layout), _reader_rejections(raw, layout)])
    incidents = mapped.incidents
    if len(reader):
        incidents = incidents[~incidents.index.isin(reader["row"].to_numpy() - 1)]
    passes, contract_rejections = check_incidents(incidents)
    incidents = incidents[passes]
    dates = check_dates(incidents)
    if len(dates):
        incidents = incidents[~incidents.index.isin(dates["row"].to_numpy() - 1)]
    incidents = incidents.copy()
    keep, swapped, flags = _flag_places(incidents, countries)
    flags = pd.concat([flags, _flag_estimates(incidents)], ignore_index=True)
    incidents = incidents[keep]
    accepted = np.asarray(incidents.index, dtype="int64") + 1
    accepted_rows = set(accepted.tolist())
    incidents = incidents.reset_index(drop=True)
    incidents.attrs = {}
    rejected = concat_rejections([mapped.rejected, reader, contract_rejections, dates, swapped])
    rejected = _account_for_every_row(raw, accepted_rows, rejected, layout)
    flags = flags.sort_values("row", kind="stable", ignore_index=True)
    flags = flags[flags["row"].isin(accepted_rows)]
    flags = flags.reset_index(drop=True) if len(flags) else empty_flags()
    return incidents, rejected, flags, accepted


def _account_for_every_row(
    raw: pd.DataFrame, accepted_rows: set[int], rejected: pd.DataFrame, layout: str
) -> pd.DataFrame:
    """Rows read = accepted + rejected, always: a row that is neither (a bug) is rejected
    with a reason rather than lost."""
    rejected_rows = set(rejected["row"].tolist())
    if len(accepted_rows) + len(rejected_rows) == len(raw) and not (accepted_rows & rejected_rows):
        return rejected
    missing = sorted(set(range(1, len(raw) + 1)) - accepted_rows - rejected_rows)
    if not missing:
        return rejected
    _LOG.error("%d rows were neither accepted nor rejected", len(missing))
    id_column = LAYOUTS_BY_KEY[layout].id_column
    ids = raw[id_column] if id_column in raw.columns else pd.Series("", index=raw.index)
    extra = pd.DataFrame(
        {
            "row": missing,
            "original_id": [str(ids.iloc[row - 1]) for row in missing],
            "field": "(row)",
            "reason": "this row could not be checked; it was left out (please report this)",
        }
    )
    return concat_rejections([rejected, extra])


def _rejected_source(raw: pd.DataFrame, rejected: pd.DataFrame) -> pd.DataFrame:
    """The original cells of every rejected row, indexed by its 1-based row number."""
    rows = np.unique(rejected["row"].to_numpy())
    source = raw.iloc[rows - 1].copy()
    source.index = pd.Index(rows, name="row")
    source.attrs = {}
    return source
