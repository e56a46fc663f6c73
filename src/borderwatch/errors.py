"""Errors that carry what an analyst needs: which file, where in it, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file.

    Parameters
    ----------
    row
        1-based data row (the header is row 0), or ``None`` for the whole file.
    field
        Column or property name, or ``None`` when the problem is not about one field.
    message
        What is wrong, in plain words.
    """

    row: int | None
    field: str | None
    message: str

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class DataFileError(Exception):
    """A data file is missing, unreadable or breaks its layout.

    Parameters
    ----------
    path
        The file concerned.
    problems
        What is wrong, most important first.
    remedy
        What the analyst can do about it.
    """

    def __init__(self, path: Path | str, problems: list[Problem], *, remedy: str) -> None:
        self.path = Path(path)
        self.problems = problems
        self.remedy = remedy
        super().__init__(self.summary())

    def summary(self, *, limit: int = 10) -> str:
        lines = [f"{self.path.name}: {p.describe()}" for p in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"… and {hidden} more problem(s) in {self.path.name}")
        return "\n".join(lines)
