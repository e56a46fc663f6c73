"""The Data page's import workflow: from an analyst's file to a stored dataset.

No Streamlit here. The page reads its widgets, calls these functions in order, and shows what
they return, or the message of the :class:`~borderwatch.importers.ImportRefusedError` they
raise (every refusal is one, worded for the analyst):

1. :func:`uploaded_file` or :func:`server_file`: where the bytes come from, and the size
   limit that applies there (browser uploads: ``max_import_mb``; a path on the server, the
   way to bring larger files: ``max_server_file_mb``; both in :mod:`borderwatch.config`).
2. :func:`import_source`: read, recognise, map and check it
   (:func:`borderwatch.importers.import_file`).
3. :func:`store_result`: keep the accepted incidents as a new dataset; the store gives the
   dataset its key, and with it the incidents their ids.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from borderwatch.app.backend import DatasetStoreBackend
from borderwatch.config import settings
from borderwatch.importers import ImportRefusedError, ImportResult, check_file_size, import_file
from borderwatch.store import DatasetInfo

#: Dataset key the importer labels incidents with until the store gives the real one.
PROVISIONAL_KEY = "pending"


class ImportRequestError(ImportRefusedError):
    """What the analyst asked for cannot be done: no dataset name, a path that cannot be read."""


@dataclass(frozen=True)
class SourceFile:
    """A file to import: its name, its size and how to get its bytes.

    Attributes
    ----------
    name
        File name shown to the analyst and recorded with the dataset (no directories).
    size
        Its size in bytes.
    max_bytes
        The largest file accepted from where it comes from.
    path
        Where it lies on the server, for a server file (read only when imported).
    data
        Its bytes, for an uploaded file.
    """

    name: str
    size: int
    max_bytes: int
    path: Path | None = None
    data: bytes | None = None

    @property
    def size_mb(self) -> float:
        """Size in MB (2**20 bytes), for messages."""
        return self.size / 2**20

    def read(self) -> bytes:
        """The file's bytes (a server file is read now, once, never past its size limit)."""
        if self.data is not None:
            return self.data
        assert self.path is not None, "a SourceFile has either data or a path"
        try:
            with self.path.open("rb") as stream:
                data = stream.read(self.max_bytes + 1)
        except OSError as error:
            raise _unreadable(str(self.path), error) from error
        check_file_size(len(data), file_name=self.name, max_bytes=self.max_bytes)
        return data


def _unreadable(shown: str, error: OSError) -> ImportRequestError:
    reason = error.strerror or str(error)
    return ImportRequestError(
        f"Cannot read `{shown}`: {reason}. Check the path and that the server may read it."
    )


def uploaded_file(name: str, data: bytes) -> SourceFile:
    """A file uploaded through the browser; the import limit is ``max_import_mb``."""
    return SourceFile(name=name, size=len(data), max_bytes=settings().max_import_bytes, data=data)


#: Addresses on which only this machine can reach the app.
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})


def server_import_dirs(listen_address: str | None) -> list[Path]:
    """Folders a path on the server may be imported from.

    ``server_import_dirs`` from :mod:`borderwatch.config` when set; otherwise the server
    user's home folder while the app listens on a local address only, and none when it
    listens on any other address (``None`` or ``""`` mean every interface).
    """
    configured = settings().server_import_dirs
    if configured.strip():
        return [Path(p).expanduser() for p in configured.split(os.pathsep) if p.strip()]
    if (listen_address or "").strip().lower() in LOCAL_ADDRESSES:
        return [Path.home()]
    return []


def server_file(path: str, *, listen_address: str | None = "127.0.0.1") -> SourceFile:
    """A file named by its path on the server; the limit is ``max_server_file_mb``.

    Only regular files inside :func:`server_import_dirs` are accepted (symbolic links are
    followed first, so a link cannot lead outside). The file is checked now (it exists, is a
    regular file the server may read, is not too large) and read only when imported, once.

    Raises
    ------
    ImportRequestError
        The path is empty, outside the allowed folders, or names nothing readable, or
        server paths are switched off.
    FileTooLargeError
        The file is larger than ``max_server_file_mb``.
    """
    shown = path.strip()
    if not shown:
        raise ImportRequestError("Give the path of a file on the server.")
    allowed = server_import_dirs(listen_address)
    if not allowed:
        raise ImportRequestError(
            "Importing a file by its path on the server is switched off: this app can be "
            "reached from other machines, and no folder is allowed for it. Upload the file "
            "instead, or ask the operator to list the folders to import from in "
            "BORDERWATCH_SERVER_IMPORT_DIRS."
        )
    try:
        location = Path(shown).expanduser().resolve(strict=True)
        roots = [root.resolve() for root in allowed]
        if not any(location.is_relative_to(root) for root in roots):
            raise ImportRequestError(
                f"`{shown}` is outside the folders files may be imported from ("
                + ", ".join(f"`{root}`" for root in roots)
                + "). Move the file into one of them, or upload it."
            )
        status = location.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(21, "it is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise ImportRequestError(
                f"`{shown}` is not a regular file (a device, pipe or socket); give the path "
                "of a data file."
            )
        with location.open("rb"):
            size = status.st_size
    except OSError as error:
        raise _unreadable(shown, error) from error
    limit = settings().max_server_file_bytes
    check_file_size(size, file_name=location.name, max_bytes=limit)
    return SourceFile(name=location.name, size=size, max_bytes=limit, path=location)


def default_dataset_name(file_name: str) -> str:
    """The name a new dataset is offered: the file's name without its extension."""
    return file_name.rsplit(".", 1)[0]


def checked_dataset_name(name: str) -> str:
    """``name`` without surrounding spaces; an empty name is refused with what to do."""
    cleaned = name.strip()
    if not cleaned:
        raise ImportRequestError(
            "The dataset has no name. Enter a name under 'Dataset name' (it is how the "
            "dataset is listed on this page) and press Import again."
        )
    return cleaned


def import_source(
    source: SourceFile,
    *,
    dataset_name: str,
    countries: gpd.GeoDataFrame | None = None,
    sheet: str | None = None,
) -> ImportResult:
    """Read, recognise, map and check a file, refusing an empty dataset name first.

    Raises
    ------
    ImportRefusedError
        The dataset name is empty, the file cannot be read, is too large, or cannot be
        imported at all (:class:`~borderwatch.importers.ImportFormatError`); a workbook with
        several sheets holding data and no ``sheet`` chosen
        (:class:`~borderwatch.importers.SheetChoiceError`, listing them).
    """
    checked_dataset_name(dataset_name)
    return import_file(
        source.read(),
        file_name=source.name,
        dataset=PROVISIONAL_KEY,
        max_bytes=source.max_bytes,
        countries=countries,
        sheet=sheet,
    )


def store_result(
    result: ImportResult, *, dataset_name: str, store: DatasetStoreBackend
) -> DatasetInfo | None:
    """Keep the accepted incidents as a new, shown dataset; ``None`` when none were accepted.

    Raises
    ------
    ImportRequestError
        The dataset name is empty.
    DataFileError
        The store's registry cannot be read (nothing is written then).
    """
    name = checked_dataset_name(dataset_name)
    if result.incidents.empty:
        return None
    return store.save(
        result.incidents,
        name=name,
        source_format=result.format,
        source_file=result.file_name,
        rejected=result.rows_rejected,
        source_sha256=result.source_sha256,
    )
