"""Excel workbooks (.xlsx) read as text tables, streamed and bounded.

A workbook is a ZIP archive of XML files. This reader never trusts what they declare:

- every member is unpacked through a counter that stops at the size the archive declares
  and at :data:`MAX_MEMBER_BYTES`, and a member that packs more than
  :data:`MAX_RATIO` to 1 (a "zip bomb") is refused before it is unpacked;
- XML is parsed with :mod:`defusedxml` (no DTDs, no entities), as a stream: cells are
  taken one at a time and the parsed tree is cleared as it goes;
- a sheet's declared size (``<dimension ref="A1:XFD1048576">``) and the cells actually
  present are held to ``max_cells`` (``max_workbook_cells`` in :mod:`borderwatch.config`);
- empty rows and columns cost nothing: a table is as wide as its header row, and a value
  beyond the header's last column is reported with its row instead of widening the table.

Every sheet is looked at. When more than one holds data the caller must say which to read:
:class:`SheetChoiceError` lists them (the Data page then asks the analyst).

Cells become text as a CSV export would show them: shared and inline strings as written,
numbers as stored (``201301160001`` stays digits), booleans ``TRUE``/``FALSE``, cells with a
date format as ISO dates (``2013-01-16``), formulas by their cached value.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pandas as pd
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from borderwatch.importers.base import ImportFormatError

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A member packing better than this is refused (real sheets pack 5-30 to 1).
MAX_RATIO = 200
#: Largest member unpacked, whatever the archive declares.
MAX_MEMBER_BYTES = 4 * 2**30
_SMALL_MEMBER = 4 * 2**20
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_DIMENSION = re.compile(r"^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$")
_DATE_FORMAT_IDS = {*range(14, 23), 45, 46, 47}
_DATE_CODE = re.compile(r"(?<![\\\"])[dmyDMY]")


class SheetChoiceError(ImportFormatError):
    """A workbook has several sheets holding data: the analyst must pick one.

    Attributes
    ----------
    sheets
        The names of the sheets that hold data, in workbook order.
    """

    def __init__(self, message: str, sheets: list[str]) -> None:
        super().__init__(message)
        self.sheets = sheets


class _Counted(io.RawIOBase):
    """A member's stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream: IO[bytes], limit: int, on_excess) -> None:
        self._stream = stream
        self._left = limit
        self._on_excess = on_excess

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._stream.read(len(buffer))
        self._left -= len(chunk)
        if self._left < 0:
            self._on_excess()
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Sheet:
    name: str
    path: str


class _Workbook:
    def __init__(self, data: bytes, name: str, max_cells: int) -> None:
        self.name = name
        self.max_cells = max_cells
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            self.members = {info.filename: info for info in self.archive.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportFormatError(
                f"{name} is not a readable Excel workbook: the archive is damaged or truncated "
                f"({exc}). Download or save it again."
            ) from exc
        if "xl/workbook.xml" not in self.members:
            raise ImportFormatError(
                f"{name} is a ZIP archive but not an Excel workbook (it has no "
                "xl/workbook.xml). Upload the .xlsx file itself, or the CSV inside the archive."
            )
        self.sheets, self.date1904 = self._sheets()
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    # ------------------------------------------------------------ members

    def _refuse(self, message: str) -> ImportFormatError:
        return ImportFormatError(f"{self.name}: {message}")

    def open(self, member: str) -> IO[bytes]:
        info = self.members.get(member)
        if info is None:
            raise self._refuse(f"the workbook lacks its part {member}; save it again in Excel.")
        if info.file_size > _SMALL_MEMBER and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise self._refuse(
                f"its part {member} unpacks to {info.file_size:,} bytes from "
                f"{info.compress_size:,} (more than {MAX_RATIO} to 1): the workbook looks like "
                "a decompression bomb and was not opened. If it is genuine, open it in Excel "
                "or LibreOffice and export the sheet as CSV."
            )
        limit = min(info.file_size, MAX_MEMBER_BYTES)

        def excess() -> None:
            raise self._refuse(
                f"its part {member} unpacks to more than the {limit:,} bytes the archive "
                "declares: the workbook is damaged or forged. Save it again, or export it as CSV."
            )

        try:
            stream = self.archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
            raise self._refuse(f"its part {member} cannot be unpacked ({exc}).") from exc
        return io.BufferedReader(_Counted(stream, limit, excess), buffer_size=1 << 16)

    def parse(self, member: str):
        return SafeET.iterparse(self.open(member), events=("start", "end"))

    def small_tree(self, member: str):
        with self.open(member) as stream:
            return SafeET.fromstring(stream.read())

    # ------------------------------------------------------------ workbook parts

    def _sheets(self) -> tuple[list[_Sheet], bool]:
        root = self.small_tree("xl/workbook.xml")
        rels: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in self.members:
            for rel in self.small_tree("xl/_rels/workbook.xml.rels").iter(
                f"{_PKG_REL_NS}Relationship"
            ):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                rels[rel.get("Id", "")] = target
        sheets = []
        for number, element in enumerate(root.iter(f"{_NS}sheet"), start=1):
            path = rels.get(element.get(f"{_REL_NS}id", ""), f"xl/worksheets/sheet{number}.xml")
            sheets.append(_Sheet(element.get("name", f"Sheet{number}"), path))
        properties = root.find(f"{_NS}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        return sheets, date1904

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.members:
            return []
        strings: list[str] = []
        parts: list[str] = []
        for event, element in self.parse("xl/sharedStrings.xml"):
            if event != "end":
                continue
            if element.tag == f"{_NS}t":
                parts.append(element.text or "")
            elif element.tag == f"{_NS}si":
                strings.append("".join(parts))
                parts = []
                element.clear()
                if len(strings) > self.max_cells:
                    raise self._refuse(
                        f"it holds more than {self.max_cells:,} texts, more than a sheet may "
                        "hold (BORDERWATCH_MAX_WORKBOOK_CELLS)."
                    )
            elif element.tag == f"{_NS}rPh":
                element.clear()
        return strings

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.members:
            return set()
        root = self.small_tree("xl/styles.xml")
        custom = {
            int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
            for fmt in root.iter(f"{_NS}numFmt")
        }
        dates = {i for i, code in custom.items() if _DATE_CODE.search(code.split(";")[0])}
        dates |= _DATE_FORMAT_IDS - set(custom)
        cell_formats = root.find(f"{_NS}cellXfs")
        if cell_formats is None:
            return set()
        return {
            position
            for position, xf in enumerate(cell_formats.findall(f"{_NS}xf"))
            if int(xf.get("numFmtId", "0")) in dates
        }

    # ------------------------------------------------------------ cells

    def _value(self, cell) -> str:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
        value = cell.find(f"{_NS}v")
        text = "" if value is None or value.text is None else value.text
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                return ""
        if kind == "b":
            return {"1": "TRUE", "0": "FALSE"}.get(text, text)
        if kind == "n" and text and int(cell.get("s", "0") or 0) in self.date_styles:
            return self._date(text)
        return text

    def _date(self, text: str) -> str:
        try:
            serial = float(text)
            epoch = dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)
            moment = epoch + dt.timedelta(days=serial)
        except (ValueError, OverflowError):
            return text
        if moment.time() == dt.time(0):
            return moment.date().isoformat()
        return moment.isoformat(sep=" ")

    def rows(self, sheet: _Sheet) -> Iterator[tuple[int, dict[int, str]]]:
        """(sheet row number, {column number: text}) for every row holding a value."""
        cells_seen = 0
        root = None
        row_number = 0
        current: dict[int, str] = {}
        try:
            for event, element in self.parse(sheet.path):
                tag = element.tag
                if event == "start":
                    if root is None:
                        root = element
                    elif tag == f"{_NS}row":
                        row_number = int(element.get("r") or row_number + 1)
                        current = {}
                    continue
                if tag == f"{_NS}dimension":
                    self._check_dimension(sheet, element.get("ref", ""))
                elif tag == f"{_NS}c":
                    reference = _CELL_REF.match(element.get("r", ""))
                    column = _column_number(reference.group(1)) if reference else len(current) + 1
                    text = self._value(element)
                    if text != "":
                        current[column] = text
                        cells_seen += 1
                        if cells_seen > self.max_cells:
                            raise self._cell_limit(sheet, "holds")
                    element.clear()
                elif tag == f"{_NS}row":
                    if current:
                        yield row_number, current
                    element.clear()
                    if root is not None:
                        root.clear()
        except (
            SafeET.ParseError,
            DefusedXmlException,
            ValueError,
            zipfile.BadZipFile,
            OSError,
            EOFError,
        ) as exc:
            if isinstance(exc, ImportFormatError):
                raise
            raise self._refuse(
                f"sheet '{sheet.name}' cannot be read ({type(exc).__name__}: {exc}). Open the "
                "workbook in Excel or LibreOffice and save it again, or export the sheet as CSV."
            ) from exc

    def _cell_limit(self, sheet: _Sheet, verb: str) -> ImportFormatError:
        return self._refuse(
            f"sheet '{sheet.name}' {verb} more than {self.max_cells:,} cells, the limit for a "
            "workbook (BORDERWATCH_MAX_WORKBOOK_CELLS). Delete unused rows and columns and "
            "save it again, export the sheet as CSV, or import it in parts."
        )

    def _check_dimension(self, sheet: _Sheet, reference: str) -> None:
        match = _DIMENSION.match(reference)
        if not match:
            return
        first_col, first_row, last_col, last_row = match.groups()
        if last_col is None:
            return
        width = _column_number(last_col) - _column_number(first_col) + 1
        height = int(last_row) - int(first_row) + 1
        if width * height > self.max_cells:
            raise self._refuse(
                f"sheet '{sheet.name}' declares a size of {reference} ({width * height:,} "
                f"cells), more than the {self.max_cells:,} allowed "
                "(BORDERWATCH_MAX_WORKBOOK_CELLS). A stray value or format far from the data "
                "does this: delete the unused rows and columns, save, and import again, or "
                "export the sheet as CSV."
            )

    def holds_data(self, sheet: _Sheet) -> bool:
        for _ in self.rows(sheet):
            return True
        return False


def read_workbook(
    data: bytes, name: str, *, max_cells: int, sheet: str | None = None
) -> pd.DataFrame:
    """Read one sheet of an .xlsx workbook into a table of text (see the module docstring).

    Parameters
    ----------
    data
        The workbook's bytes.
    name
        The file name shown in messages.
    max_cells
        Largest sheet read, declared or actual.
    sheet
        The sheet to read; may be omitted when only one sheet holds data.

    Returns
    -------
    pandas.DataFrame
        Header from the first row holding a value; ``attrs["sheet"]`` the sheet read and
        ``attrs["row_problems"]`` ``(position, field, reason)`` of rows with values beyond
        the header's last column.

    Raises
    ------
    SheetChoiceError
        Several sheets hold data and ``sheet`` is ``None``.
    ImportFormatError
        Damaged, forged or oversized workbook, unknown sheet, no sheet holding data.
    """
    book = _Workbook(data, name, max_cells)
    if sheet is not None:
        chosen = [s for s in book.sheets if s.name == sheet]
        if not chosen:
            raise ImportFormatError(
                f"{name} has no sheet named '{sheet}'; its sheets are "
                + ", ".join(f"'{s.name}'" for s in book.sheets)
                + "."
            )
        target = chosen[0]
    else:
        with_data = [s for s in book.sheets if book.holds_data(s)]
        if not with_data:
            raise ImportFormatError(f"{name} is empty: none of its sheets holds a value.")
        if len(with_data) > 1:
            names = [s.name for s in with_data]
            raise SheetChoiceError(
                f"{name} has {len(names)} sheets holding data ("
                + ", ".join(f"'{n}'" for n in names)
                + "). Choose the sheet to import.",
                names,
            )
        target = with_data[0]
    return _table(book, target)


def _table(book: _Workbook, sheet: _Sheet) -> pd.DataFrame:
    rows = book.rows(sheet)
    first = next(rows, None)
    if first is None:
        raise ImportFormatError(f"{book.name}: sheet '{sheet.name}' holds no values.")
    _, header_cells = first
    width = max(header_cells)
    header = [header_cells.get(column, "") for column in range(1, width + 1)]
    header = [text if text else f"column {_column_letters(i + 1)}" for i, text in enumerate(header)]
    columns: list[list[str]] = [[] for _ in range(width)]
    problems: list[tuple[int, str, str]] = []
    for position, (row_number, cells) in enumerate(rows):
        for column in range(1, width + 1):
            columns[column - 1].append(cells.get(column, ""))
        beyond = [column for column in cells if column > width]
        if beyond:
            problems.append(
                (
                    position,
                    "(row)",
                    f"sheet row {row_number} has a value in column "
                    f"{_column_letters(min(beyond))}, beyond the header's last column "
                    f"({_column_letters(width)}): the row does not fit the header; correct it "
                    "in the workbook",
                )
            )
    frame = pd.DataFrame(
        {f"\x00{i}": pd.Series(values, dtype="str") for i, values in enumerate(columns)}
    )
    frame.columns = header
    frame.attrs["encoding"] = None
    frame.attrs["sheet"] = sheet.name
    frame.attrs["row_problems"] = problems
    return frame
