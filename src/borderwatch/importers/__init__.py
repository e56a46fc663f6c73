"""Import analysts' event files (ACLED, UCDP GED, GTD, BorderWatch exports) as incidents.

The app makes one call, :func:`import_file`: it checks the size, reads the file
(:func:`~borderwatch.importers.reading.read_table`), recognises its layout
(:func:`~borderwatch.importers.detect.detect_format`), maps it
(:mod:`borderwatch.importers.mappers`) and checks the mapped rows against the contract of
``docs/import-design.md`` (:mod:`borderwatch.importers.contract`). Rows that cannot be
imported are never dropped silently: each comes back in :attr:`ImportResult.rejected` with
its row number and the reason, and :meth:`ImportResult.rejected_report_csv` gives them to
the analyst with their original values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch.importers.base import (
    INCIDENT_COLUMNS,
    REJECTION_COLUMNS,
    FileTooLargeError,
    ImportFormatError,
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

__all__ = [
    "DEFAULT_MAX_BYTES",
    "INCIDENT_COLUMNS",
    "FileTooLargeError",
    "ImportFormatError",
    "ImportResult",
    "MappedRows",
    "detect_format",
    "import_file",
    "map_acled",
    "map_acled_legacy",
    "map_borderwatch",
    "map_gtd",
    "map_ucdp_ged",
    "read_table",
]

#: Largest file :func:`import_file` accepts by default (500 MiB).
DEFAULT_MAX_BYTES = 500 * 2**20

#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:,.1f} MiB"
    if count >= 2**10:
        return f"{count / 2**10:,.1f} KiB"
    return f"{count} bytes"


def _neutralise(value: object) -> object:
    """A text cell a spreadsheet cannot run: ``'`` before a leading ``= + - @`` (or tab/CR).

    Plain numbers such as ``-7.9889`` are left as they are: a spreadsheet reads them as
    numbers, never as formulas.
    """
    risky = isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    return "'" + value if risky and not _PLAIN_NUMBER.match(value) else value


@dataclass(frozen=True, eq=False)
class ImportResult:
    """The outcome of importing one file.

    Attributes
    ----------
    format
        The layout recognised: ``acled``, ``acled_legacy``, ``ucdp_ged``, ``gtd`` or
        ``borderwatch_csv`` (also for BorderWatch GeoJSON).
    encoding
        Text encoding the file was read with (``utf-8``, ``utf-8-sig`` for UTF-8 with a
        byte-order mark, ``latin-1``), ``None`` for an Excel workbook.
    rows_read
        Data rows in the file.
    incidents
        The accepted incidents: the columns of ``geodata/incidents.csv`` typed as
        :func:`borderwatch.loading.load_incidents` types them, then ``dataset``,
        ``source_dataset`` and ``original_id``, and point geometry in EPSG:4326 (``None``
        and NaN coordinates for incidents the source does not place). Index 0..n-1, in file
        order.
    rejected
        One line per problem: ``row`` (1-based data row of the file, header = row 0),
        ``original_id``, ``field`` (the source column, or the BorderWatch column for
        checks made after mapping; ``(row)`` for the row as a whole) and ``reason``.
    dataset
        Key of the dataset the incidents belong to.
    file_name
        Name of the file imported.
    rejected_source
        The original cells (text) of every rejected row, indexed by row number.
    """

    format: str
    encoding: str | None
    rows_read: int
    incidents: gpd.GeoDataFrame
    rejected: pd.DataFrame
    dataset: str
    file_name: str = ""
    rejected_source: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def rows_accepted(self) -> int:
        """Number of incidents imported."""
        return len(self.incidents)

    @property
    def rows_rejected(self) -> int:
        """Number of source rows rejected (a row may have several problems)."""
        return int(self.rejected["row"].nunique())

    @property
    def format_label(self) -> str:
        """How analysts know the layout, e.g. "Global Terrorism Database (GTD)"."""
        return LAYOUTS_BY_KEY[self.format].label

    def rejected_report_csv(self) -> bytes:
        """Every rejected row with its reasons and original values, as a CSV file.

        Returns
        -------
        bytes
            UTF-8 with a byte-order mark (so spreadsheets show Arabic and accented names),
            CRLF line ends. Columns: ``row``, ``original_id``, ``field`` (the fields
            concerned, ``; ``-separated), ``reason`` (``field: reason`` items,
            ``; ``-separated), then the file's own columns with their original text (a
            column whose name clashes gets `` (in file)`` appended). Text cells beginning
            with ``= + - @`` (or a tab or carriage return) get a ``'`` in front, so no
            spreadsheet runs them as formulas; plain numbers are left alone.
        """
        rejected = self.rejected
        if rejected.empty:
            summary = pd.DataFrame(columns=list(REJECTION_COLUMNS))
        else:
            described = rejected["field"] + ": " + rejected["reason"]
            grouped = rejected.assign(described=described).groupby("row", sort=True)
            summary = pd.DataFrame(
                {
                    "row": grouped.size().index.astype("int64"),
                    "original_id": grouped["original_id"].first().to_numpy(),
                    "field": grouped["field"]
                    .agg(lambda fields: "; ".join(dict.fromkeys(fields)))
                    .to_numpy(),
                    "reason": grouped["described"].agg("; ".join).to_numpy(),
                }
            )
        source = self.rejected_source
        renamed = {
            name: f"{name} (in file)" for name in source.columns if name in REJECTION_COLUMNS
        }
        source = source.rename(columns=renamed)
        report = summary.join(source, on="row") if len(source.columns) else summary
        report = report.astype(object).where(report.notna(), "")
        report = report.map(_neutralise)
        text = report.to_csv(index=False, lineterminator="\r\n")
        return text.encode("utf-8-sig")


def _display_name(file_name: str) -> str:
    return PurePath(file_name.replace("\\", "/")).name or "the file"


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
        Key of the dataset the incidents are stored under; ``incident_id`` is
        ``"<dataset>:<original_id>"``.
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
    name = _display_name(file_name)
    if len(data) > max_bytes:
        raise FileTooLargeError(
            f"{name} is {_size(len(data))} ({len(data):,} bytes), more than the import limit "
            f"of {_size(max_bytes)} ({max_bytes:,} bytes). Export a smaller selection (for "
            "example one country or a few years at a time) and import the parts."
        )
    raw = read_table(data, file_name=file_name, max_bytes=max_bytes)
    if len(raw) == 0:
        raise ImportFormatError(f"{name} has a header but no data rows.")
    layout = detect_format(list(raw.columns))
    mapped = MAPPERS[layout](raw, dataset=key)

    truncated = _truncated_row(raw, layout)
    incidents = mapped.incidents
    if len(truncated):
        incidents = incidents[incidents.index != len(raw) - 1]
    passes, contract_rejections = check_incidents(incidents)
    incidents = incidents[passes]
    rejected = concat_rejections([mapped.rejected, contract_rejections, truncated])
    rows = np.unique(rejected["row"].to_numpy())
    rejected_source = raw.iloc[rows - 1].copy()
    rejected_source.index = pd.Index(rows, name="row")
    rejected_source.attrs = {}
    incidents = incidents.reset_index(drop=True)
    incidents.attrs = {}
    return ImportResult(
        format=layout,
        encoding=raw.attrs.get("encoding"),
        rows_read=len(raw),
        incidents=incidents,
        rejected=rejected,
        dataset=key,
        file_name=name,
        rejected_source=rejected_source,
    )
