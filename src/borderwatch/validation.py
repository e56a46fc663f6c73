"""Check tables against their :class:`~borderwatch.schemas.TableSchema`: one checker for all.

Two steps, kept apart so that curated files and imported data are held to the same rules:

- :func:`find_violations` checks a *typed* table (the dtypes of
  :data:`~borderwatch.schemas.KIND_DTYPES`) against a layout: empty required cells,
  vocabularies, ISO3 codes, ranges, repeated keys and the rules across columns. The
  importers reject the rows it names (:mod:`borderwatch.importers.contract`).
- :func:`validate_table` reads a curated file's text into typed columns, reports the cells
  that cannot be read, and runs :func:`find_violations` on the rest.

Everything is vectorised per column; only failing cells are visited one by one (to word
their messages), so the cost follows the size of the table, not the number of rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from borderwatch.errors import DataFileError, Problem
from borderwatch.schemas import Column, TableSchema

_ISO3_CODE = r"[A-Z]{3}"
ISO3_PATTERN = re.compile(f"^{_ISO3_CODE}$")
CITATION_SEPARATOR = " | "
ISO3_SEPARATOR = ";"


@dataclass(frozen=True)
class Violation:
    """Cells of one column that break the layout, with why.

    Attributes
    ----------
    field
        The column concerned.
    rows
        Boolean array over the table's rows (by position), true where the rule is broken.
    reason
        One reason for every such row, or a Series of reasons indexed by the positions of
        those rows.
    """

    field: str
    rows: np.ndarray
    reason: str | pd.Series

    def reasons(self) -> list[str]:
        """The reason of each offending row, in row order."""
        count = int(self.rows.sum())
        if isinstance(self.reason, str):
            return [self.reason] * count
        return [str(text) for text in self.reason.to_numpy()]


def _mask(values: pd.Series) -> np.ndarray:
    return np.asarray(values.fillna(False), dtype=bool)


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + values.astype("str") + "'"


def _shown(values: pd.Series) -> pd.Series:
    """Numbers as an analyst wrote them: ``95``, not ``95.0``."""
    if values.dtype == "float64":
        whole = values.notna() & (values % 1 == 0)
        text = values.astype("str")
        return text.where(~whole, values.where(whole, 0).astype("int64").astype("str"))
    return values.astype("str")


def _bound_message(values: pd.Series, minimum: float | None, maximum: float | None) -> pd.Series:
    if minimum is not None and maximum is not None:
        return _shown(values) + f" is outside {minimum:g}..{maximum:g}"
    if minimum is not None:
        return _shown(values) + f" is below {minimum:g}"
    return _shown(values) + f" is above {maximum:g}"


def _per_distinct(values: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """``test`` run once per distinct value (list cells repeat a great deal), spread out."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([bool(test(value)) for value in uniques], dtype=bool)[codes]


def _has_bad_code(codes: object) -> bool:
    return isinstance(codes, tuple) and any(not ISO3_PATTERN.match(str(c)) for c in codes)


def _empty(values: pd.Series, column: Column) -> np.ndarray:
    if column.kind in ("iso3_list", "citations", "text_list"):
        return _per_distinct(values, lambda cell: not isinstance(cell, tuple) or not cell)
    if column.kind in ("str", "iso3"):
        return _mask(values.isna() | values.eq(""))
    return _mask(values.isna())


def _value_violations(values: pd.Series, column: Column, empty: np.ndarray) -> list[Violation]:
    """Vocabulary, code and range checks of the non-empty cells of one column."""
    name, found = column.name, []
    if column.allowed is not None:
        bad = ~empty & ~_mask(values.isin(column.allowed))
        reason = _quoted(values[bad]) + f" is not one of: {', '.join(column.allowed)}"
        found.append(Violation(name, bad, reason))
    if column.kind == "iso3":
        bad = ~empty & ~_mask(values.astype("str").str.fullmatch(_ISO3_CODE))
        found.append(Violation(name, bad, _quoted(values[bad]) + " is not an ISO3 country code"))
    if column.kind == "iso3_list":
        bad = _per_distinct(values, _has_bad_code)
        reason = _quoted(values[bad].map(ISO3_SEPARATOR.join))
        found.append(
            Violation(
                name, bad, reason + " is not a ';'-separated list of ISO3 codes (e.g. LBY;MLI)"
            )
        )
    if column.minimum is not None or column.maximum is not None:
        out = np.zeros(len(values), dtype=bool)
        if column.minimum is not None:
            out |= _mask(values < column.minimum)
        if column.maximum is not None:
            out |= _mask(values > column.maximum)
        found.append(
            Violation(name, out, _bound_message(values[out], column.minimum, column.maximum))
        )
    return found


def _column_violations(values: pd.Series, column: Column) -> list[Violation]:
    empty = _empty(values, column)
    found = [Violation(column.name, empty, "is empty but required")] if column.required else []
    return found + _value_violations(values, column, empty)


def find_violations(table: pd.DataFrame, schema: TableSchema) -> list[Violation]:
    """Every cell of a typed table that breaks ``schema``.

    Parameters
    ----------
    table
        A table with (at least) the schema's columns, typed as :attr:`TableSchema.dtypes`
        says; rows are taken by position, whatever the index.
    schema
        The layout it must follow.

    Returns
    -------
    list of Violation
        Column checks in column order (empty but required, not in the vocabulary, not an
        ISO3 code, out of range), then repeated keys (every repeat after the first), then
        the schema's rules. Only violations that hit at least one row are listed.
    """
    table = table.reset_index(drop=True)
    found = [v for column in schema.columns for v in _column_violations(table[column.name], column)]
    keys = table[list(schema.key)]
    repeated = keys.duplicated(keep="first").to_numpy()
    shown = keys[repeated].astype("str").agg(", ".join, axis=1)
    found.append(Violation(schema.key[0], repeated, _quoted(shown) + " is used twice"))
    found.extend(
        Violation(rule.field, _mask(rule.violated(table)), rule.message) for rule in schema.rules
    )
    return [violation for violation in found if violation.rows.any()]


# --- reading a curated file's text ------------------------------------------------------------


def _row_numbers(mask: np.ndarray) -> list[int]:
    # Data rows are numbered from 1, the header being row 0, as in a spreadsheet minus one.
    return [int(i) + 1 for i in np.flatnonzero(mask)]


def _cell_problems(text: pd.Series, bad: pd.Series, column: Column, what: str) -> list[Problem]:
    return [
        Problem(row, column.name, f"'{text.iloc[row - 1]}' {what}")
        for row in _row_numbers(_mask(bad))
    ]


def _parse_number(text: pd.Series, column: Column, problems: list[Problem]) -> pd.Series:
    empty = text == ""
    numbers = pd.to_numeric(text.where(~empty), errors="coerce")
    problems += _cell_problems(text, ~empty & numbers.isna(), column, "is not a number")
    if column.kind == "float":
        return numbers.astype("float64")
    fractional = numbers.notna() & (numbers % 1 != 0)
    problems += _cell_problems(text, fractional, column, "is not a whole number")
    return numbers.round().astype("Int64")


def _parse_date(text: pd.Series, column: Column, problems: list[Problem]) -> pd.Series:
    empty = text == ""
    dates = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
    problems += _cell_problems(
        text, ~empty & dates.isna(), column, "is not a date in the form YYYY-MM-DD"
    )
    return dates.astype("datetime64[us]")


def _split(text: pd.Series, separator: str) -> pd.Series:
    return text.map(
        lambda cell: tuple(item.strip() for item in cell.split(separator) if item.strip())
    )


def _parse_column(raw: pd.Series, column: Column, problems: list[Problem]) -> pd.Series:
    """One column of text typed as its kind; cells that cannot be read go to ``problems``."""
    text = raw.fillna("").astype("str").str.strip()
    if column.kind in ("int", "float"):
        return _parse_number(text, column, problems)
    if column.kind == "date":
        return _parse_date(text, column, problems)
    if column.kind == "iso3_list":
        return _split(text, ISO3_SEPARATOR)
    if column.kind in ("citations", "text_list"):
        return _split(text, CITATION_SEPARATOR.strip())
    return text


def _problems(
    violations: list[Violation], unreadable: set[tuple[int | None, str | None]]
) -> list[Problem]:
    """Violations as problems, skipping cells that could not be read (already reported)."""
    problems = []
    for violation in violations:
        for row, reason in zip(_row_numbers(violation.rows), violation.reasons(), strict=True):
            if (row, violation.field) not in unreadable:
                problems.append(Problem(row, violation.field, reason))
    return problems


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
        Columns in schema order, typed as :attr:`TableSchema.dtypes` says.

    Raises
    ------
    DataFileError
        Listing every problem found, with row and field: each cell that cannot be read, and
        each :func:`find_violations` of the others.
    """
    missing = [c for c in schema.column_names if c not in raw.columns]
    if missing:
        raise DataFileError(
            path, [Problem(None, name, "column is missing") for name in missing], remedy=remedy
        )
    unexpected = [c for c in raw.columns if c not in schema.column_names]
    problems = [Problem(None, name, "column is not part of the layout") for name in unexpected]
    unreadable: list[Problem] = []
    typed = pd.DataFrame(
        {c.name: _parse_column(raw[c.name], c, unreadable) for c in schema.columns},
        index=pd.RangeIndex(len(raw)),
    )
    skipped = {(p.row, p.field) for p in unreadable}
    problems += unreadable + _problems(find_violations(typed, schema), skipped)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field or ""))
        raise DataFileError(path, problems, remedy=remedy)
    return typed
