"""Pieces shared by the readers, the layout detector, the mappers and the contract check.

Everything here works on whole columns at once; only the rows that are rejected are ever
looked at one by one (to word their messages), so the cost follows the size of the file and
not the number of checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from borderwatch.schemas import IMPORTED_INCIDENTS, INCIDENTS, SOURCE_DATASETS

#: Every column of an imported incident table, in order (the geometry comes last).
INCIDENT_COLUMNS: tuple[str, ...] = tuple(IMPORTED_INCIDENTS.column_names)

#: Columns added to the curated incident layout by an import (``docs/import-design.md``).
EXTRA_COLUMNS: tuple[str, ...] = INCIDENT_COLUMNS[len(INCIDENTS.columns) :]

#: Columns of the rejection table.
REJECTION_COLUMNS: tuple[str, ...] = ("row", "original_id", "field", "reason")

#: ``source_dataset`` values, one per family of layouts.
SOURCE_NAMES: tuple[str, ...] = SOURCE_DATASETS


class ImportRefusedError(ValueError):
    """An import cannot go ahead. The message is meant for the analyst: what is wrong, what to do.

    The app shows these messages as they are; anything else escaping an import is a bug.
    """


class ImportFormatError(ImportRefusedError):
    """A file cannot be imported at all: unreadable, of an unknown layout, empty or too large.

    The message is meant for the analyst: it names the file and says what to do.
    """


class FileTooLargeError(ImportFormatError):
    """The file is larger than the import limit."""


@dataclass(frozen=True)
class MappedRows:
    """What a mapper makes of one source table.

    Attributes
    ----------
    incidents
        Accepted rows in the imported-incident layout (:data:`INCIDENT_COLUMNS` plus a point
        geometry in EPSG:4326, ``None`` where the source gives no coordinates). The index is
        the 0-based position of the row in the source table, so ``index + 1`` is its
        1-based data row number.
    rejected
        One line per problem found, columns :data:`REJECTION_COLUMNS`: ``row`` (1-based data
        row of the source file, the header being row 0), ``original_id`` (as text, possibly
        empty), ``field`` (the source column concerned) and ``reason``.
    """

    incidents: gpd.GeoDataFrame
    rejected: pd.DataFrame


def text_column(raw: pd.DataFrame, name: str) -> pd.Series:
    """A source column as stripped text, ``""`` for empty or absent cells (or columns)."""
    if name not in raw.columns:
        return pd.Series("", index=raw.index, dtype="str")
    return raw[name].fillna("").astype("str").str.strip()


def first_non_empty(*candidates: pd.Series) -> pd.Series:
    """Cell by cell, the first of ``candidates`` that is not the empty string."""
    result = candidates[-1]
    for candidate in reversed(candidates[:-1]):
        result = candidate.where(candidate != "", result)
    return result


def join_non_empty(separator: str, *parts: pd.Series) -> pd.Series:
    """Join text columns cell by cell with ``separator``, skipping empty cells."""
    result = parts[0]
    for part in parts[1:]:
        both = (result != "") & (part != "")
        joined = result + separator + part
        result = joined.where(both, result.where(result != "", part))
    return result


def map_unique(values: pd.Series, function, *, dtype: str | None = None) -> pd.Series:
    """Apply ``function`` once per distinct value and spread the results over ``values``.

    Source columns such as country names or citation lists repeat a great deal, so this is
    how per-value Python (country look-ups, building tuples) stays cheap on large files.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [function(value) for value in uniques]
    out = pd.Series(results[codes], index=values.index, dtype=object)
    return out.astype(dtype) if dtype is not None else out


def constant_tuples(index: pd.Index, value: tuple[str, ...] = ()) -> pd.Series:
    """A column holding the same tuple in every row (an object column)."""
    cells = np.empty(len(index), dtype=object)
    cells[:] = [value] * len(index)
    return pd.Series(cells, index=index, dtype=object)


def split_list(text: str, separator: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``"a; b;"`` -> ``("a", "b")``; ``default`` when nothing is left."""
    items = tuple(item.strip() for item in text.split(separator) if item.strip())
    return items or default


class Rejections:
    """Collects rejected rows of one source table, column by column.

    Parameters
    ----------
    ids
        The source's ids as text, one per row (index 0..n-1).
    """

    def __init__(self, ids: pd.Series) -> None:
        self.ids = ids
        self.rejected = np.zeros(len(ids), dtype=bool)
        self._parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series | np.ndarray, field: str, reason: str | pd.Series) -> None:
        """Reject the rows where ``mask`` is true.

        Parameters
        ----------
        mask
            Boolean, aligned with the table; missing values count as false.
        field
            The source column the problem is about.
        reason
            One reason for all rows, or a Series of reasons indexed like the rejected rows.
        """
        flags = np.asarray(pd.Series(mask, index=self.ids.index).fillna(False), dtype=bool)
        if not flags.any():
            return
        self.rejected |= flags
        positions = np.flatnonzero(flags)
        index = self.ids.index[positions]
        if isinstance(reason, str):
            reasons = np.full(len(positions), reason, dtype=object)
        else:
            reasons = reason.reindex(index).astype(object).to_numpy()
        self._parts.append(
            pd.DataFrame(
                {
                    "row": positions + 1,
                    "original_id": self.ids.to_numpy()[positions].astype(object),
                    "field": field,
                    "reason": reasons,
                }
            )
        )

    def table(self) -> pd.DataFrame:
        """Every problem found, sorted by row (the order they were found within a row)."""
        return concat_rejections(self._parts)

    @property
    def accepted(self) -> np.ndarray:
        """Boolean array, true for the rows nothing was found wrong with."""
        return ~self.rejected


def concat_rejections(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate rejection tables into one sorted by row, with the standard columns."""
    parts = [part for part in parts if len(part)]
    if not parts:
        return empty_rejections()
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values("row", kind="stable", ignore_index=True)
    table["row"] = table["row"].astype("int64")
    for name in ("original_id", "field", "reason"):
        table[name] = table[name].astype("str")
    return table[list(REJECTION_COLUMNS)]


def empty_rejections() -> pd.DataFrame:
    """A rejection table with no rows."""
    return pd.DataFrame(
        {
            "row": pd.Series(dtype="int64"),
            "original_id": pd.Series(dtype="str"),
            "field": pd.Series(dtype="str"),
            "reason": pd.Series(dtype="str"),
        }
    )


def quoted(values: pd.Series) -> pd.Series:
    """``'value'`` for messages."""
    return "'" + values.astype("str") + "'"


def point_geometry(latitude: pd.Series, longitude: pd.Series) -> np.ndarray:
    """Points from coordinate columns; ``None`` where either coordinate is missing."""
    lat = latitude.to_numpy(dtype="float64", na_value=np.nan)
    lon = longitude.to_numpy(dtype="float64", na_value=np.nan)
    placed = ~(np.isnan(lat) | np.isnan(lon))
    geometry = np.full(len(lat), None, dtype=object)
    if placed.any():
        geometry[placed] = shapely.points(lon[placed], lat[placed])
    return geometry
