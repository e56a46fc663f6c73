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
from borderwatch.importers.reading import read_table
from borderwatch.importers.result import FORMULA_PREFIXES, ImportResult

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMULA_PREFIXES",
    "INCIDENT_COLUMNS",
    "FileTooLargeError",
    "ImportFormatError",
    "ImportRefusedError",
    "ImportResult",
    "MappedRows",
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


def import_file(
    data: bytes, *, file_name: str, dataset: str, max_bytes: int = DEFAULT_MAX_BYTES
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

    Returns
    -------
    ImportResult
        Accepted incidents, rejected rows with reasons, and what was read.

    Raises
    ------
    FileTooLargeError
        The file (or the CSV inside a ZIP) is larger than ``max_bytes``.
    ImportFormatError
        The file cannot be imported at all: empty, unreadable, not what its extension
        says, no data rows, or columns of no known layout. The message says what to do.
    ValueError
        ``dataset`` is empty.
    """
    key = dataset.strip()
    if not key:
        raise ValueError("dataset must be a non-empty key")
    check_file_size(len(data), file_name=file_name, max_bytes=max_bytes)
    raw = read_table(data, file_name=file_name, max_bytes=max_bytes)
    if len(raw) == 0:
        raise ImportFormatError(f"{_display_name(file_name)} has a header but no data rows.")
    layout = detect_format(list(raw.columns))
    incidents, rejected = _map_and_check(raw, layout, key)
    return ImportResult(
        format=layout,
        encoding=raw.attrs.get("encoding"),
        rows_read=len(raw),
        incidents=incidents,
        rejected=rejected,
        dataset=key,
        file_name=_display_name(file_name),
        rejected_source=_rejected_source(raw, rejected),
    )


def _map_and_check(
    raw: pd.DataFrame, layout: str, key: str
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The incidents that pass the mapper and the contract, and every rejection."""
    mapped = MAPPERS[layout](raw, dataset=key)
    truncated = _truncated_row(raw, layout)
    incidents = mapped.incidents
    if len(truncated):
        incidents = incidents[incidents.index != len(raw) - 1]
    passes, contract_rejections = check_incidents(incidents)
    incidents = incidents[passes].reset_index(drop=True)
    incidents.attrs = {}
    return incidents, concat_rejections([mapped.rejected, contract_rejections, truncated])


def _rejected_source(raw: pd.DataFrame, rejected: pd.DataFrame) -> pd.DataFrame:
    """The original cells of every rejected row, indexed by its 1-based row number."""
    rows = np.unique(rejected["row"].to_numpy())
    source = raw.iloc[rows - 1].copy()
    source.index = pd.Index(rows, name="row")
    source.attrs = {}
    return source
