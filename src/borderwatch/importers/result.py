"""What an import gives back: the accepted incidents, the rejected rows, and the report of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from borderwatch.importers.base import REJECTION_COLUMNS
from borderwatch.importers.detect import LAYOUTS_BY_KEY

#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _neutralise(value: object) -> object:
    """A text cell a spreadsheet cannot run: ``'`` before a leading ``= + - @`` (or tab/CR).

    Plain numbers such as ``-7.9889`` are left as they are: a spreadsheet reads them as
    numbers, never as formulas.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    return value if _PLAIN_NUMBER.match(value) else "'" + value


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
        The accepted incidents, in the imported-incident layout
        (:data:`borderwatch.schemas.IMPORTED_INCIDENTS`): the curated columns typed as
        :func:`borderwatch.loading.load_incidents` types them, then ``dataset``,
        ``source_dataset`` and ``original_id``, and point geometry in EPSG:4326 (``None``
        and NaN coordinates for incidents the source does not place). Index 0..n-1, in file
        order.
    rejected
        One line per problem: ``row`` (1-based data row of the file, header = row 0),
        ``original_id``, ``field`` (the source column, or the BorderWatch column for
        checks made after mapping; ``(row)`` for the row as a whole) and ``reason``.
    dataset
        Key of the dataset the incidents are labelled with.
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
    #: Accepted rows worth a closer look (``row``, ``original_id``, ``field``, ``note``):
    #: a point outside its country, death estimates out of order in the source, …
    flags: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: The workbook sheet read (``None`` for other files).
    sheet: str | None = None
    #: SHA-256 of the file's bytes as given (kept with the dataset, named in exports).
    source_sha256: str = ""

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
        summary = _rejection_summary(self.rejected)
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


def _rejection_summary(rejected: pd.DataFrame) -> pd.DataFrame:
    """One line per rejected row: its fields and its ``field: reason`` items joined."""
    if rejected.empty:
        return pd.DataFrame(columns=list(REJECTION_COLUMNS))
    described = rejected["field"] + ": " + rejected["reason"]
    grouped = rejected.assign(described=described).groupby("row", sort=True)
    return pd.DataFrame(
        {
            "row": grouped.size().index.astype("int64"),
            "original_id": grouped["original_id"].first().to_numpy(),
            "field": grouped["field"]
            .agg(lambda fields: "; ".join(dict.fromkeys(fields)))
            .to_numpy(),
            "reason": grouped["described"].agg("; ".join).to_numpy(),
        }
    )
