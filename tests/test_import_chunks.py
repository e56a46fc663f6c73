"""A CSV file imported a chunk of rows at a time gives what importing it whole gives: the
same incidents, rejections (absolute row numbers, ids repeated across chunks), flags and
original cells (issue 11: a 1,000,000-row import under 2 GB)."""

from __future__ import annotations

import pandas as pd
import pytest

import borderwatch.importers as importers
from borderwatch.importers import ImportRefusedError, import_file

from .conftest import FIXTURES

CSV_FILES = sorted(
    [
        *(FIXTURES / "imports").glob("*.csv"),
        *(FIXTURES / "malformed").glob("*.csv"),
        *(FIXTURES / "malformed").glob("*.zip"),
    ],
    key=lambda p: p.name,
)


def _run(path, chunk_rows, monkeypatch):
    monkeypatch.setattr(importers, "CHUNK_ROWS", chunk_rows)
    try:
        return import_file(path.read_bytes(), file_name=path.name, dataset="d", max_bytes=2**30)
    except ImportRefusedError as error:
        return f"{type(error).__name__}: {error}"


def _same(whole, chunked) -> None:
    if isinstance(whole, str):
        assert chunked == whole
        return
    assert not isinstance(chunked, str), chunked
    assert (chunked.format, chunked.encoding, chunked.rows_read) == (
        whole.format,
        whole.encoding,
        whole.rows_read,
    )
    pd.testing.assert_frame_equal(chunked.rejected, whole.rejected)
    pd.testing.assert_frame_equal(
        pd.DataFrame(chunked.incidents.drop(columns="geometry")),
        pd.DataFrame(whole.incidents.drop(columns="geometry")),
    )
    assert chunked.incidents.geometry.equals(whole.incidents.geometry)
    pd.testing.assert_frame_equal(chunked.flags, whole.flags, check_dtype=False)
    pd.testing.assert_frame_equal(chunked.rejected_source, whole.rejected_source)
    assert chunked.rejected_report_csv() == whole.rejected_report_csv()
    assert chunked.source_sha256 == whole.source_sha256


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("chunk_rows", [2])
def test_chunked_import_equals_whole_import(path, chunk_rows, monkeypatch):
    whole = _run(path, 0, monkeypatch)
    _same(whole, _run(path, chunk_rows, monkeypatch))


def test_ids_repeated_across_chunks_are_rejected_naming_the_first_row(tmp_path, monkeypatch):
    source = (FIXTURES / "imports" / "acled_current.csv").read_text(encoding="utf-8")
    header, *lines = source.splitlines()
    path = tmp_path / "repeats.csv"
    # Row 1 again at the end, and twice in one later chunk.
    path.write_text("\n".join([header, *lines, lines[0], lines[0]]) + "\n", encoding="utf-8")
    whole = _run(path, 0, monkeypatch)
    chunked = _run(path, 2, monkeypatch)
    _same(whole, chunked)
    repeats = chunked.rejected[chunked.rejected["reason"] == "the id is already used by row 1"]
    assert repeats["row"].tolist()[-2:] == [len(lines) + 1, len(lines) + 2]
