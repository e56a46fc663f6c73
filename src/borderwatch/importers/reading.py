"""Read an uploaded file into a table of text, whatever the format it comes in.

Supported: CSV (``.csv``; UTF-8, UTF-8 with a byte-order mark, or Latin-1, tried in that
order), Excel workbooks (``.xlsx``, as GTD distributes them), BorderWatch GeoJSON exports
(``.geojson`` / ``.json``), BorderWatch GeoPackage exports (``.gpkg``, the ``incidents``
layer) and a ZIP archive holding one CSV (``.zip``, as BorderWatch's own
CSV export comes). Every cell is read as text, so identifiers such as GTD's 12-digit
``eventid`` never turn into floats; empty cells are ``""``.

Every way a file can fail to read ends in an :class:`ImportFormatError` whose message names
the file, says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyogrio
import shapely

from borderwatch.config import settings
from borderwatch.importers.base import ImportFormatError
from borderwatch.importers.workbook import SheetChoiceError, read_workbook

__all__ = ["EXTENSIONS", "CsvChunks", "SheetChoiceError", "read_csv_chunks", "read_table"]

#: File extensions read, with the kind of reader used.
EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".zip": "zip",
    ".gpkg": "gpkg",
}

#: Encodings reported in ``DataFrame.attrs["encoding"]`` for CSV files.
ENCODING_LABELS: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with byte-order mark",
    "utf-8-damaged": "UTF-8 with invalid bytes (their rows rejected)",
    "latin-1": "Latin-1 (ISO-8859-1)",
    "cp1252": "Windows-1252 (Western European)",
    "cp1256": "Windows-1256 (Arabic)",
    "iso-8859-6": "ISO-8859-6 (Arabic)",
    "cp1250": "Windows-1250 (Central European)",
}

_UTF8_BOM = b"\xef\xbb\xbf"

#: Leading bytes of file types that analysts upload by mistake.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (Excel 97–2003 .xls)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database or GeoPackage"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)

_DECODE_CHUNK = 16 * 2**20
_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_IN_STRING = re.compile(r"EOF inside string starting at row (\d+)")


def _kind_of(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _extension(file_name: str) -> str:
    return PurePath(file_name).suffix.lower()


def _display_name(file_name: str) -> str:
    return PurePath(file_name.replace("\\", "/")).name or "the file"


def _utf8_status(data: bytes) -> tuple[bool, int]:
    """Whether ``data`` is UTF-8, and how many trailing bytes form an unfinished character.

    Decodes in chunks and throws the text away, so a file of hundreds of MB is checked
    without holding its decoded copy in memory.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _DECODE_CHUNK):
            decoder.decode(view[start : start + _DECODE_CHUNK])
    except UnicodeDecodeError:
        return False, 0
    pending, _ = decoder.getstate()
    if not pending:
        return True, 0
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        # The file stops in the middle of a character: a truncated UTF-8 file, not Latin-1.
        return True, len(pending)
    return True, 0  # pragma: no cover - a pending sequence always fails when final


def _choose_encoding(data: bytes) -> tuple[bytes, str]:
    """The bytes to parse and the encoding to parse them with (see module docstring).

    Valid UTF-8 (with or without a byte-order mark) is read as UTF-8. A UTF-8 file with a
    few invalid bytes stays UTF-8: the bytes become U+FFFD and their rows are rejected
    (``"utf-8-damaged"``), so one bad byte never turns the whole file into mojibake. A file
    with no UTF-8 at all is in a legacy encoding, recognised by :func:`_legacy_encoding`.
    """
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    label = "utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"
    is_utf8, unfinished = _utf8_status(body)
    if is_utf8:
        return (body[:-unfinished] if unfinished else body), label
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    ascii_chars = len(text.encode("ascii", "ignore"))
    multibyte = len(text) - ascii_chars - text.count("\ufffd")
    if data.startswith(_UTF8_BOM) or multibyte >= max(1, bad):
        return text.encode("utf-8"), "utf-8-damaged"
    del text
    return body, _legacy_encoding(body)


#: Legacy encodings a file that is not UTF-8 may be in (analysts' files: Western European,
#: Arabic, Central European), tried by charset-normalizer.
LEGACY_ENCODINGS = ("cp1252", "latin_1", "cp1256", "iso8859_6", "cp1250")


def _legacy_encoding(body: bytes) -> str:
    """The most plausible legacy encoding, judged on the lines holding non-ASCII bytes."""
    lines = [line for line in body[: 8 * 2**20].split(b"\n") if max(line, default=0) > 0x7F]
    sample = b"\n".join(lines)[: 2**20]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    except Exception:  # a detector failure must not stop the import: fall back
        best = None
    encoding = best.encoding if best is not None else "cp1252"
    try:
        chosen = sample.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding, chosen = "latin_1", sample.decode("latin-1")
    # Report the plainest encoding that reads the file the same way.
    for plainer in ("latin_1", "cp1252"):
        try:
            if sample.decode(plainer) == chosen:
                encoding = plainer
                break
        except UnicodeDecodeError:
            continue
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        encoding = "latin_1"
    return {"latin_1": "latin-1", "iso8859_6": "iso-8859-6"}.get(encoding, encoding)


def _separator(first_line: bytes) -> str:
    counts = {sep: first_line.count(sep.encode()) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _parser_message(name: str, exc: Exception) -> str:
    text = str(exc)
    fields = _FIELDS_ERROR.search(text)
    if fields:
        expected, line, seen = fields.groups()
        return (
            f"{name} cannot be read as CSV: line {line} has {seen} fields where the header has "
            f"{expected}. A value containing a comma is probably not enclosed in double quotes, "
            "or a double quote inside a value is not doubled. Re-export the file from its "
            "source rather than editing it by hand."
        )
    unclosed = _EOF_IN_STRING.search(text)
    if unclosed:
        return (
            f"{name} cannot be read as CSV: a quoted value that starts in data row "
            f"{unclosed.group(1)} is never closed before the file ends. The file is probably "
            "truncated (an interrupted download or copy) or has an unbalanced double quote; "
            "download or export it again."
        )
    return f"{name} cannot be read as CSV ({text.strip()}). Download or export it again."


def _codec(encoding: str) -> str:
    """The Python codec of an encoding label of :data:`ENCODING_LABELS`."""
    return "utf-8" if encoding in ("utf-8-sig", "utf-8-damaged") else encoding


def _record_problems(
    body: bytes, encoding: str, separator: str, frame: pd.DataFrame
) -> list[tuple[int, str, str]]:
    """Rows pandas would take silently but that are broken: shorter than the header (padded
    with empty cells), or holding a stray double quote that swallowed the lines after it.

    One streaming pass of :mod:`csv` over the file, in step with pandas' records.
    """
    problems, records = _scan_records(body, encoding, separator, len(frame.columns))
    if records != len(frame):
        return []  # out of step with pandas: do not guess which rows are which
    return problems


def _scan_records(
    body: bytes, encoding: str, separator: str, width: int
) -> tuple[list[tuple[int, str, str]], int | None]:
    """:func:`_record_problems` for a file of ``width`` columns, and the number of records
    seen (``None`` when :mod:`csv` could not read the file to its end)."""
    problems: list[tuple[int, str, str]] = []
    stream = io.TextIOWrapper(
        io.BytesIO(body), encoding=_codec(encoding), newline="", errors="replace"
    )
    reader = csv.reader(stream, delimiter=separator)
    try:
        next(reader)  # the header
        position = -1
        line = reader.line_num
        for record in reader:
            first_line, line = line + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip() and width > 1):
                continue
            position += 1
            if line > first_line and any(
                part.count(separator) >= width - 1
                for value in record
                if "\n" in value
                for part in value.splitlines()[1:]
            ):
                problems.append(
                    (
                        position,
                        "(row)",
                        f"a double quote in line {first_line} is closed only on line {line}, so "
                        f"lines {first_line + 1}-{line}, which look like rows of their own, were "
                        "read into one cell of this row and not imported; double the stray "
                        'quote ("") or remove it, and import again',
                    )
                )
            elif len(record) < width:
                problems.append(
                    (
                        position,
                        "(row)",
                        f"line {first_line} has {len(record)} fields where the header has "
                        f"{width}: a separator is missing or the row was cut short, so its "
                        "values cannot be matched to their columns; correct the row (or export "
                        "the file again) and import it again",
                    )
                )
    except csv.Error:
        return problems, None
    return problems, position + 1


def _damaged_rows(frame: pd.DataFrame, encoding: str) -> list[tuple[int, str, str]]:
    """Rows holding bytes that were not valid UTF-8 in an otherwise UTF-8 file."""
    if encoding != "utf-8-damaged":
        return []
    found: dict[int, str] = {}
    for column in frame.columns:
        hits = np.flatnonzero(frame[column].str.contains("\ufffd", regex=False).to_numpy())
        for position in hits:
            found.setdefault(int(position), str(column))
    return [
        (
            position,
            column,
            "holds bytes that are not valid UTF-8 (shown as \ufffd) in a file that is UTF-8 "
            "elsewhere; correct the characters in the file, save it as UTF-8, and import again",
        )
        for position, column in sorted(found.items())
    ]


def _last_record_fields(body: bytes, encoding: str, separator: str) -> int | None:
    """Field count of the last record when the file does not end with a line break.

    ``None`` when the file ends with a line break or its last line cannot be judged on its
    own (it continues a quoted value begun on an earlier line).
    """
    stripped = body.rstrip(b" ")
    if not stripped or stripped.endswith((b"\n", b"\r")):
        return None
    start = stripped.rfind(b"\n") + 1
    tail = stripped[start:].decode(_codec(encoding), "replace")
    if tail.count('"') % 2:
        return None
    return len(next(csv.reader([tail], delimiter=separator)))


def _csv_body(data: bytes, name: str) -> tuple[bytes, str, str]:
    """The bytes to parse, their encoding and the separator; refuses what is not CSV."""
    kind = _kind_of(data)
    if kind is not None:
        hint = (
            " Save it as 'CSV UTF-8' instead."
            if kind == "UTF-16 text"
            else " Upload the CSV file itself."
        )
        raise ImportFormatError(f"{name} is not a CSV file: it is {kind}.{hint}")
    if data.lstrip(_UTF8_BOM).lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise ImportFormatError(
            f"{name} is not a CSV file: it is a web page (HTML), probably an error page saved "
            "instead of the download. Download the export again and check that it opens as a "
            "table."
        )
    if b"\x00" in data[:65536]:
        raise ImportFormatError(
            f"{name} is not a CSV file: it contains binary data (NUL bytes). Upload the CSV "
            "file itself, not a spreadsheet or archive renamed to .csv."
        )
    body, encoding = _choose_encoding(data)
    if not body.strip():
        raise ImportFormatError(f"{name} is empty: it has no header and no rows.")
    first_line = body[: body.find(b"\n")] if b"\n" in body[:65536] else body[:65536]
    return body, encoding, _separator(first_line)


def _parse_csv(
    body: bytes,
    encoding: str,
    separator: str,
    chunk_rows: int | None = None,
    nrows: int | None = None,
):
    """pandas' reader over the body: a table, or with ``chunk_rows`` an iterator of them."""
    return pd.read_csv(
        io.BytesIO(body),
        sep=separator,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        encoding=_codec(encoding),
        engine="c",
        index_col=False,
        skip_blank_lines=True,
        chunksize=chunk_rows,
        nrows=nrows,
    )


@contextlib.contextmanager
def _csv_errors(name: str) -> Iterator[None]:
    """pandas' CSV errors as :class:`ImportFormatError` worded for the analyst."""
    try:
        with warnings.catch_warnings():
            # pandas only warns when the first data row is longer than the header.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            yield
    except pd.errors.EmptyDataError as exc:
        raise ImportFormatError(f"{name} is empty: it has no header and no rows.") from exc
    except pd.errors.ParserWarning as exc:
        raise ImportFormatError(
            f"{name} cannot be read as CSV: the first data row has more fields than the "
            "header. A value containing a comma is probably not enclosed in double quotes."
        ) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFormatError(_parser_message(name, exc)) from exc


def _read_csv(data: bytes, name: str) -> pd.DataFrame:
    body, encoding, separator = _csv_body(data, name)
    with _csv_errors(name):
        frame = _parse_csv(body, encoding, separator)
    fields = _last_record_fields(body, encoding, separator)
    frame.attrs["encoding"] = encoding
    frame.attrs["truncated_last_row"] = (
        len(frame) > 0 and fields is not None and fields < len(frame.columns)
    )
    problems = _record_problems(body, encoding, separator, frame)
    if frame.attrs["truncated_last_row"]:  # reported as such, not as a short row
        problems = [p for p in problems if p[0] != len(frame) - 1]
    frame.attrs["row_problems"] = problems + _damaged_rows(frame, encoding)
    return frame


@dataclass
class CsvChunks:
    """A CSV file read a chunk of rows at a time (:func:`read_csv_chunks`).

    Attributes
    ----------
    columns
        The header, cleaned as :func:`read_table` cleans it.
    encoding
        As ``read_table``'s ``attrs["encoding"]``.
    records
        Records the :mod:`csv` pass saw (``None`` if it could not read to the end). When it
        differs from the rows pandas read, the per-row problems cannot be placed: read the
        whole file with :func:`read_table` instead.
    """

    columns: list[str]
    encoding: str
    records: int | None
    _body: bytes
    _separator: str
    _name: str
    _chunk_rows: int
    _problems: list[tuple[int, str, str]]
    _truncated: bool

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """Tables of at most ``chunk_rows`` rows, in file order, each indexed 0..n-1 and
        with the ``attrs`` :func:`read_table` gives a whole file (``row_problems`` for its
        own rows; ``truncated_last_row`` only on the last), plus ``attrs["offset"]``, the
        rows before it."""
        offset = 0
        pending: pd.DataFrame | None = None
        with _csv_errors(self._name):
            for chunk in _parse_csv(self._body, self.encoding, self._separator, self._chunk_rows):
                if pending is not None:
                    yield self._finish(pending, offset, last=False)
                    offset += len(pending)
                pending = chunk
        if pending is not None:
            yield self._finish(pending, offset, last=True)

    def _finish(self, chunk: pd.DataFrame, offset: int, *, last: bool) -> pd.DataFrame:
        chunk.columns = self.columns
        chunk.index = pd.RangeIndex(len(chunk))
        truncated = last and self._truncated and len(chunk) > 0
        end = offset + len(chunk)
        problems = [(p - offset, f, r) for p, f, r in self._problems if offset <= p < end]
        if truncated:
            problems = [p for p in problems if p[0] != len(chunk) - 1]
        chunk.attrs = {
            "encoding": self.encoding,
            "truncated_last_row": truncated,
            "row_problems": problems + _damaged_rows(chunk, self.encoding),
            "offset": offset,
        }
        return chunk


def read_csv_chunks(
    data: bytes, *, file_name: str, max_bytes: int = 500 * 2**20, chunk_rows: int = 100_000
) -> CsvChunks | None:
    """A CSV file (or a ``.zip`` holding one) to be read ``chunk_rows`` rows at a time, so
    that a large file is never held as one table of text; ``None`` for other file types
    (read them with :func:`read_table`).

    Raises
    ------
    ImportFormatError
        As :func:`read_table`.
    """
    name = _display_name(file_name)
    extension = _extension(file_name)
    _check_extension(name, extension)
    reader = EXTENSIONS[extension]
    if reader not in ("csv", "zip"):
        return None
    if not data or not data.strip() or data.strip() == _UTF8_BOM:
        raise ImportFormatError(f"{name} is empty (0 bytes of data).")
    if reader == "zip":
        data, name = _zip_member(data, name, max_bytes)
    body, encoding, separator = _csv_body(data, name)
    with _csv_errors(name):
        # The first row too: pandas checks it against the header.
        header = _parse_csv(body, encoding, separator, nrows=1)
    width = len(header.columns)
    problems, records = _scan_records(body, encoding, separator, width)
    fields = _last_record_fields(body, encoding, separator)
    return CsvChunks(
        columns=[str(c).replace("\ufeff", "").strip() for c in header.columns],
        encoding=encoding,
        records=records,
        _body=body,
        _separator=separator,
        _name=name,
        _chunk_rows=chunk_rows,
        _problems=problems,
        _truncated=fields is not None and fields < width,
    )


def _read_zip(data: bytes, name: str, max_bytes: int) -> pd.DataFrame:
    return _read_csv(*_zip_member(data, name, max_bytes))


def _zip_member(data: bytes, name: str, max_bytes: int) -> tuple[bytes, str]:
    """The bytes and shown name of the one CSV inside a ZIP archive."""
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _kind_of(data)
        raise ImportFormatError(
            f"{name} is not a ZIP archive" + (f": it is {kind}." if kind else ".")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFormatError(f"{name} is not a readable ZIP archive ({exc}).") from exc
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith(".csv")
        ]
        if len(members) != 1:
            raise ImportFormatError(
                f"{name} must hold exactly one .csv file to be imported; it holds "
                f"{len(members)}. Unpack it and upload the CSV file itself."
            )
        member = members[0]
        if member.file_size > max_bytes:
            raise ImportFormatError(
                f"{name}: {member.filename} unpacks to {member.file_size:,} bytes, more than the "
                f"import limit of {max_bytes:,} bytes."
            )
        try:
            inner = archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ImportFormatError(
                f"{name}: {member.filename} cannot be unpacked ({exc})."
            ) from exc
    return inner, f"{name} ({PurePath(member.filename).name})"


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> pd.DataFrame:
    kind = _kind_of(data)
    if not data.startswith(b"PK\x03\x04"):
        what = f"it is {kind}" if kind else "it does not have the structure of an .xlsx file"
        hint = (
            " Open it in Excel or LibreOffice and save it as .xlsx or CSV."
            if kind and "xls" in kind
            else ""
        )
        raise ImportFormatError(f"{name} is not an Excel workbook: {what}.{hint}")
    return read_workbook(data, name, max_cells=settings().max_workbook_cells, sheet=sheet)


def _as_text(values: pd.Series) -> pd.Series:
    """A GeoJSON property column as text: whole numbers without '.0', null as ''."""
    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "true", False: "false"}).fillna("").astype("str")
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(numbers) & (np.mod(numbers, 1) == 0)
        text = values.astype("str")
        text[whole] = pd.Series(numbers[whole].astype("int64"), index=values.index[whole]).astype(
            "str"
        )
        return text.where(~np.isnan(numbers), "")
    if pd.api.types.is_object_dtype(values):
        return values.map(
            lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        ).astype("str")
    return values.astype("str").fillna("")


_VECTOR_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    ValueError,
    shapely.errors.GEOSException,
)


def _read_geojson(data: bytes, name: str) -> pd.DataFrame:
    start = data.lstrip(_UTF8_BOM).lstrip()[:1]
    if start != b"{":
        kind = _kind_of(data)
        what = f"it is {kind}" if kind else "it does not start with '{' as JSON does"
        raise ImportFormatError(f"{name} is not a GeoJSON file: {what}.")
    try:
        frame = pyogrio.read_dataframe(
            io.BytesIO(data.lstrip(_UTF8_BOM)), DATE_AS_STRING="YES", ARRAY_AS_STRING="YES"
        )
    except _VECTOR_ERRORS as exc:
        raise ImportFormatError(
            f"{name} cannot be read as GeoJSON ({exc}). Upload a GeoJSON FeatureCollection as "
            "BorderWatch exports it."
        ) from exc
    return _point_table(frame, name)


#: The layer BorderWatch's GeoPackage export holds its incidents in.
GPKG_INCIDENTS_LAYER = "incidents"


def _read_gpkg(data: bytes, name: str) -> pd.DataFrame:
    if not data.startswith(b"SQLite format 3\x00"):
        kind = _kind_of(data)
        what = f"it is {kind}" if kind else "it is not an SQLite database"
        raise ImportFormatError(f"{name} is not a GeoPackage: {what}.")
    try:
        with warnings.catch_warnings():
            # GDAL reads from memory under a name without the .gpkg extension, and says so.
            warnings.filterwarnings("ignore", "File .* non conformant file extension")
            return _read_gpkg_layer(data, name)
    except _VECTOR_ERRORS as exc:
        raise ImportFormatError(
            f"{name} cannot be read as a GeoPackage ({exc}). Import a GeoPackage as "
            "BorderWatch exports it."
        ) from exc


def _read_gpkg_layer(data: bytes, name: str) -> pd.DataFrame:
    layers = pyogrio.list_layers(io.BytesIO(data))
    points = [str(layer) for layer, kind in layers if kind and "Point" in str(kind)]
    if GPKG_INCIDENTS_LAYER in points:
        layer = GPKG_INCIDENTS_LAYER
    elif len(points) == 1:
        layer = points[0]
    else:
        found = ", ".join(str(layer) for layer, _ in layers) or "none"
        raise ImportFormatError(
            f"{name} has no '{GPKG_INCIDENTS_LAYER}' point layer and not exactly one point "
            f"layer to read instead (layers: {found}). Import a GeoPackage as BorderWatch "
            "exports it."
        )
    frame = pyogrio.read_dataframe(io.BytesIO(data), layer=layer)
    return _point_table(frame, name)


def _point_table(frame, name: str) -> pd.DataFrame:
    """A point layer as a table of text, ``latitude``/``longitude`` from the points."""
    geometry = frame.geometry
    if geometry.crs is not None and geometry.crs.to_epsg() != 4326:
        geometry = geometry.to_crs("EPSG:4326")
    present = geometry.notna() & ~geometry.is_empty
    not_points = present & (geometry.geom_type != "Point")
    if not_points.any():
        first = int(np.flatnonzero(not_points.to_numpy())[0])
        raise ImportFormatError(
            f"{name}: feature {first + 1} is a {geometry.iloc[first].geom_type}; incidents must "
            "be points."
        )
    table = pd.DataFrame(
        {column: _as_text(frame[column]) for column in frame.columns if column != "geometry"},
        index=pd.RangeIndex(len(frame)),
    )
    placed = present.to_numpy()
    for column, values in (("latitude", geometry.y), ("longitude", geometry.x)):
        if column not in table.columns:
            table[column] = ""
        coordinates = values.to_numpy()
        table.loc[placed, column] = [repr(float(v)) for v in coordinates[placed]]
    table.attrs["encoding"] = "utf-8"
    return table


def _check_extension(name: str, extension: str) -> None:
    if extension in EXTENSIONS:
        return
    if extension == ".xls":
        raise ImportFormatError(
            f"{name} is an Excel 97–2003 workbook (.xls), which cannot be imported. Open it "
            "in Excel or LibreOffice and save it as .xlsx or CSV."
        )
    supported = ", ".join(EXTENSIONS)
    shown = f"'{extension}'" if extension else "no extension"
    raise ImportFormatError(
        f"{name} has {shown}; BorderWatch imports these file types: {supported}."
    )


def read_table(
    data: bytes, *, file_name: str, max_bytes: int = 500 * 2**20, sheet: str | None = None
) -> pd.DataFrame:
    """Read an uploaded file into a table whose every cell is text.

    Parameters
    ----------
    data
        The file's bytes.
    file_name
        Its name as uploaded; the extension picks the reader (``.csv``, ``.xlsx``,
        ``.geojson``/``.json``, ``.zip`` holding one CSV).
    max_bytes
        Largest CSV a ``.zip`` may unpack to.
    sheet
        The sheet of a workbook to read (needed when several hold data).

    Returns
    -------
    pandas.DataFrame
        Columns named as in the file (surrounding spaces and byte-order marks removed), every
        cell a string, ``""`` when empty; index 0..n-1 in file order, so row ``i`` is data row
        ``i + 1``. ``attrs["encoding"]`` holds the text encoding used (``"utf-8"``,
        ``"utf-8-sig"`` or ``"latin-1"``; ``None`` for workbooks) and, for CSV,
        ``attrs["truncated_last_row"]`` is true when the file stops in the middle of its last
        row. For GeoJSON, ``latitude`` and ``longitude`` hold the point coordinates.

    Raises
    ------
    ImportFormatError
        Empty file, unsupported extension, content that is not what the extension says,
        damaged or truncated CSV or workbook.
    """
    name = _display_name(file_name)
    extension = _extension(file_name)
    _check_extension(name, extension)
    if not data or not data.strip() or data.strip() == _UTF8_BOM:
        raise ImportFormatError(f"{name} is empty (0 bytes of data).")
    reader = EXTENSIONS[extension]
    if reader == "csv":
        frame = _read_csv(data, name)
    elif reader == "xlsx":
        frame = _read_xlsx(data, name, sheet)
    elif reader == "zip":
        frame = _read_zip(data, name, max_bytes)
    elif reader == "gpkg":
        frame = _read_gpkg(data, name)
    else:
        frame = _read_geojson(data, name)
    frame.columns = [str(column).replace("\ufeff", "").strip() for column in frame.columns]
    frame.index = pd.RangeIndex(len(frame))
    return frame
