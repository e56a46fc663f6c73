"""Tables in BorderWatch's own incident layout (its CSV, GeoJSON and GeoPackage exports) as
incidents.

The columns read are declared in :data:`~borderwatch.importers.layouts.BORDERWATCH`: those
of ``geodata/incidents.csv``, plus ``original_id``, ``source_dataset`` and ``dataset_name``
when the table is a re-exported import.
"""

from __future__ import annotations

import pandas as pd

from borderwatch.importers.base import (
    MappedRows,
    Rejections,
    first_non_empty,
    map_unique,
    split_list,
)
from borderwatch.importers.convert import (
    SourceTable,
    as_dates,
    as_death_counts,
    as_whole_numbers,
    assemble,
    checked_key,
    common_columns,
    coordinates,
    reject_bad_dates,
    reject_bad_ids,
)
from borderwatch.importers.layouts import BORDERWATCH
from borderwatch.schemas import INCIDENTS, SOURCE_DATASETS

#: The quote BorderWatch's CSV export puts before cells starting with ``= + - @`` (tab, CR).
_FORMULA_QUOTE = r"^'(?=[=+\-@\t\r])"
_COUNTS = ("fatalities_low", "fatalities_best", "fatalities_high")


class _ExportTable(SourceTable):
    """A BorderWatch export: its text cells lose the formula guard the export added."""

    def text(self, column: str) -> pd.Series:
        values = super().text(column)
        if values.str.startswith("'").any():
            values = values.str.replace(_FORMULA_QUOTE, "", regex=True)
        return values


def _dates(source: SourceTable, rejections: Rejections) -> dict[str, pd.Series]:
    columns = {}
    for name in ("date_start", "date_end"):
        text = source.text(name)
        columns[name] = as_dates(text)
        reject_bad_dates(text, columns[name], name, rejections, required=True)
    return columns


def _lists(source: SourceTable) -> dict[str, pd.Series]:
    return {
        "origin_countries": map_unique(
            source.text("origin_countries"), lambda value: split_list(str(value), ";")
        ),
        "sources": map_unique(
            source.text("sources"), lambda value: split_list(str(value), "|", ("BorderWatch",))
        ),
    }


def map_borderwatch(raw: pd.DataFrame, *, dataset: str) -> MappedRows:
    """Map a table in BorderWatch's own incident layout (a CSV or GeoJSON export).

    Parameters
    ----------
    raw
        The file as read by :func:`~borderwatch.importers.reading.read_table`.
    dataset
        Key of the dataset the incidents are labelled with.

    Returns
    -------
    MappedRows
        Columns taken as they are, with list cells split (``;`` for ``origin_countries``,
        `` | `` for ``sources``) and the quote that BorderWatch's CSV export puts before
        cells starting with ``= + - @`` removed. The original id is the file's
        ``original_id`` when it has one (a re-exported import), else ``incident_id``;
        ``source_dataset`` likewise, else ``BorderWatch``. The export's ``dataset_name``
        (the analyst's name of the dataset the row came from) is kept as
        ``origin_dataset_name``. ``location_source`` is kept.
    """
    dataset = checked_key(dataset)
    source = _ExportTable(raw, BORDERWATCH)
    ids = first_non_empty(source.text("original_id"), source.text("incident_id"))
    rejections = Rejections(ids)
    # Checks run in the order of the row's fields, which is the order its reasons are listed.
    reject_bad_ids(ids, "incident_id", rejections)
    columns = common_columns(dataset, "BorderWatch", ids) | _dates(source, rejections)
    latitude, longitude = coordinates(source, "latitude", "longitude", rejections)
    placed = latitude.notna() & longitude.notna()
    precision = as_whole_numbers(
        source.text("location_precision"), "location_precision", rejections
    )
    columns |= {name: as_death_counts(source.text(name), name, rejections) for name in _COUNTS}
    texts = (c.name for c in INCIDENTS.columns if c.dtype == "str" and c.name != "incident_id")
    columns |= {name: source.text(name) for name in texts} | _lists(source)
    source_dataset = source.text("source_dataset")
    columns |= {
        "latitude": latitude,
        "longitude": longitude,
        "location_precision": precision.where(placed),
        "source_dataset": source_dataset.where(source_dataset.isin(SOURCE_DATASETS), "BorderWatch"),
        "origin_dataset_name": source.text("dataset_name"),
    }
    return assemble(columns, rejections)
