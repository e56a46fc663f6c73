"""Check a table against its :class:`~borderwatch.schemas.TableSchema` and type its columns.

Validation is vectorised per column; only failing cells are visited one by one, so the
cost stays proportional to the table and not to the number of rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from borderwatch.errors import DataFileError, Problem
from borderwatch.schemas import Column, TableSchema

ISO3_PATTERN = re.compile(r"^[A-Z]{3}$")
CITATION_SEPARATOR = " | "
ISO3_SEPARATOR = ";"


def _row_numbers(mask: pd.Series) -> list[int]:
    # Data rows are numbered from 1, the header being row 0, as in a spreadsheet minus one.
    return [int(i) + 1 for i in np.flatnonzero(mask.to_numpy())]


def _parse_column(raw: pd.Series, column: Column, problems: list[Problem]) -> pd.Series:
    text = raw.fillna("").astype(str).str.strip()
    empty = text == ""
    if column.required:
        problems.extend(
            Problem(row, column.name, "is empty but required") for row in _row_numbers(empty)
        )

    if column.kind == "str":
        if column.allowed is not None:
            bad = ~empty & ~text.isin(column.allowed)
            for row in _row_numbers(bad):
                value = text.iloc[row - 1]
                problems.append(
                    Problem(
                        row,
                        column.name,
                        f"'{value}' is not one of: {', '.join(column.allowed)}",
                    )
                )
        return text

    if column.kind in ("int", "float"):
        numbers = pd.to_numeric(text.where(~empty), errors="coerce")
        unparsable = ~empty & numbers.isna()
        for row in _row_numbers(unparsable):
            problems.append(Problem(row, column.name, f"'{text.iloc[row - 1]}' is not a number"))
        if column.kind == "int":
            fractional = numbers.notna() & (numbers % 1 != 0)
            for row in _row_numbers(fractional):
                problems.append(
                    Problem(row, column.name, f"'{text.iloc[row - 1]}' is not a whole number")
                )
        out_of_range = pd.Series(False, index=numbers.index)
        if column.minimum is not None:
            out_of_range |= numbers < column.minimum
        if column.maximum is not None:
            out_of_range |= numbers > column.maximum
        for row in _row_numbers(out_of_range.fillna(False)):
            problems.append(
                Problem(
                    row,
                    column.name,
                    f"{text.iloc[row - 1]} is outside {column.minimum}..{column.maximum}",
                )
            )
        if column.kind == "int":
            return numbers.round().astype("Int64")
        return numbers.astype("float64")

    if column.kind == "date":
        dates = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
        for row in _row_numbers(~empty & dates.isna()):
            problems.append(
                Problem(
                    row,
                    column.name,
                    f"'{text.iloc[row - 1]}' is not a date in the form YYYY-MM-DD",
                )
            )
        return dates

    if column.kind == "iso3_list":
        codes = text.map(lambda s: tuple(c.strip() for c in s.split(ISO3_SEPARATOR) if c.strip()))
        bad = codes.map(lambda cs: any(not ISO3_PATTERN.match(c) for c in cs))
        for row in _row_numbers(bad):
            problems.append(
                Problem(
                    row,
                    column.name,
                    f"'{text.iloc[row - 1]}' is not a ';'-separated list of ISO3 codes "
                    "(e.g. LBY;MLI)",
                )
            )
        return codes

    if column.kind == "citations":
        return text.map(
            lambda s: tuple(c.strip() for c in s.split(CITATION_SEPARATOR.strip()) if c.strip())
        )

    raise ValueError(f"unknown column kind {column.kind!r}")  # pragma: no cover


def validate_table(
    raw: pd.DataFrame, schema: TableSchema, *, path: Path | str, remedy: str
) -> pd.DataFrame:
    """Validate a table read as text and return it with typed columns.

    Parameters
    ----------
    raw
        The table as read from disk, every cell a string.
    schema
        The layout it must follow.
    path
        The file it came from, for messages.
    remedy
        What the analyst should do if it is wrong.

    Returns
    -------
    pandas.DataFrame
        Columns in schema order, parsed to their kinds.

    Raises
    ------
    DataFileError
        Listing every problem found, with row and field.
    """
    missing = [c for c in schema.column_names if c not in raw.columns]
    if missing:
        raise DataFileError(
            path,
            [Problem(None, name, "column is missing") for name in missing],
            remedy=remedy,
        )
    problems: list[Problem] = []
    unexpected = [c for c in raw.columns if c not in schema.column_names]
    problems.extend(Problem(None, name, "column is not part of the layout") for name in unexpected)

    typed = pd.DataFrame(
        {c.name: _parse_column(raw[c.name], c, problems) for c in schema.columns},
        index=pd.RangeIndex(len(raw)),
    )

    keys = typed[list(schema.key)]
    for row in _row_numbers(keys.duplicated(keep="first")):
        value = ", ".join(str(v) for v in keys.iloc[row - 1])
        problems.append(Problem(row, schema.key[0], f"'{value}' is used twice"))

    for rule in schema.rules:
        broken = rule.violated(typed).fillna(False).astype(bool)
        problems.extend(Problem(row, rule.field, rule.message) for row in _row_numbers(broken))

    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field or ""))
        raise DataFileError(path, problems, remedy=remedy)
    return typed
