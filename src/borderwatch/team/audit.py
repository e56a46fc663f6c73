"""The audit trail: who imported, enabled, disabled, deleted or exported what, and when.

An :class:`AuditLog` only appends and reads: the app has no way to change or remove an
event. :class:`FileAuditLog` keeps the trail of the embedded (one-machine) mode as JSON
lines beside the dataset registry; the team server keeps it in PostgreSQL
(:mod:`borderwatch.team.db`), where the app's database role may only insert and select.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol, get_args

import pandas as pd

#: What can be recorded.
Action = Literal[
    "import", "enable", "disable", "delete", "export", "restrict", "settings", "sign-in"
]
ACTIONS: tuple[str, ...] = get_args(Action)

#: Columns of the CSV export, in order.
CSV_COLUMNS = ("at", "user", "action", "dataset", "sha256", "detail")

AUDIT_FILE_NAME = "audit.jsonl"


@dataclass(frozen=True)
class AuditEvent:
    """One recorded action.

    Parameters
    ----------
    user
        Who did it: the signed-in user's e-mail or subject; ``local`` without sign-in.
    action
        One of :data:`ACTIONS`.
    dataset
        Key of the dataset concerned (empty for an export of the curated layer only).
    sha256
        The imported file's checksum (imports), or the exported file's (exports).
    detail
        Anything else worth keeping, e.g. an export's filters and format.
    at
        When, ISO 8601 in UTC; set on creation.
    """

    user: str
    action: str
    dataset: str = ""
    sha256: str = ""
    detail: Mapping[str, object] = field(default_factory=dict)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown audit action {self.action!r}; expected one of {ACTIONS}")


class AuditLog(Protocol):
    """Where audit events go. Append-only from the app's side."""

    def append(self, event: AuditEvent) -> None:
        """Record one event durably."""
        ...

    def events(self) -> list[AuditEvent]:
        """Every recorded event, oldest first."""
        ...


class FileAuditLog:
    """The audit trail as JSON lines, one event a line, appended and flushed to disk."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / AUDIT_FILE_NAME

    def append(self, event: AuditEvent) -> None:
        """Append ``event`` as one line and fsync it (a crash loses no recorded event)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(event), ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def events(self) -> list[AuditEvent]:
        """Every event in the file; a line that is not a valid event is skipped."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                found.append(AuditEvent(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a torn last line after a crash: the rest still counts
        return found


def events_to_csv(events: list[AuditEvent]) -> bytes:
    """The events as CSV (UTF-8 with BOM for spreadsheets), ``detail`` as JSON text, cells
    neutralised against formula injection like every other CSV the app writes."""
    from borderwatch.exports.data import neutralise_formulas

    rows = [
        {**asdict(event), "detail": json.dumps(dict(event.detail), sort_keys=True)}
        for event in events
    ]
    table = neutralise_formulas(pd.DataFrame(rows, columns=list(CSV_COLUMNS)))
    return table.to_csv(index=False).encode("utf-8-sig")
