"""The import workflow of the Data page (borderwatch.app.imports), without Streamlit."""

from __future__ import annotations

import pytest

from borderwatch import paths
from borderwatch.app import imports
from borderwatch.importers import FileTooLargeError, ImportRefusedError
from borderwatch.store import DatasetStore

FIXTURE = paths.REPO_ROOT / "tests" / "fixtures" / "imports" / "ucdp_ged.csv"


@pytest.fixture(autouse=True)
def _fixtures_may_be_imported_by_path(monkeypatch, tmp_path):
    # Server paths are read only inside configured folders (issue 11).
    monkeypatch.setenv("BORDERWATCH_SERVER_IMPORT_DIRS", f"{FIXTURE.parent}:{tmp_path}")


def test_server_paths_outside_the_allowed_folders_are_refused(monkeypatch, tmp_path):
    outside = tmp_path.parent / "elsewhere.csv"
    with pytest.raises(imports.ImportRequestError, match="outside the folders"):
        imports.server_file("/etc/passwd")
    link = tmp_path / "link.csv"
    link.symlink_to("/etc/passwd")
    with pytest.raises(imports.ImportRequestError, match="outside the folders"):
        imports.server_file(str(link))
    del outside


def test_devices_are_refused_before_reading(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_SERVER_IMPORT_DIRS", "/dev")
    with pytest.raises(imports.ImportRequestError, match="not a regular file"):
        imports.server_file("/dev/zero")


def test_server_paths_are_off_by_default_on_a_non_local_address(monkeypatch):
    monkeypatch.delenv("BORDERWATCH_SERVER_IMPORT_DIRS")
    assert imports.server_import_dirs("0.0.0.0") == []
    assert imports.server_import_dirs(None) == []
    assert imports.server_import_dirs("127.0.0.1") != []
    with pytest.raises(imports.ImportRequestError, match="switched off"):
        imports.server_file(str(FIXTURE), listen_address="0.0.0.0")


def test_a_server_file_that_grew_past_its_limit_is_refused(monkeypatch, tmp_path):
    path = tmp_path / "grows.csv"
    path.write_bytes(b"x" * 10)
    monkeypatch.setenv("BORDERWATCH_MAX_SERVER_FILE_MB", "1")
    source = imports.server_file(str(path))
    path.write_bytes(b"x" * (2**20 + 10))
    with pytest.raises(FileTooLargeError):
        source.read()


def test_uploaded_files_are_held_to_the_import_limit(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_MAX_IMPORT_MB", "0")
    source = imports.uploaded_file(FIXTURE.name, FIXTURE.read_bytes())
    with pytest.raises(FileTooLargeError, match="more than the import limit"):
        imports.import_source(source, dataset_name="UCDP")


def test_server_files_have_their_own_larger_limit(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_MAX_IMPORT_MB", "0")
    monkeypatch.setenv("BORDERWATCH_MAX_SERVER_FILE_MB", "1")
    source = imports.server_file(str(FIXTURE))
    assert (source.name, source.size, source.max_bytes) == (
        FIXTURE.name,
        FIXTURE.stat().st_size,
        2**20,
    )
    result = imports.import_source(source, dataset_name="UCDP")
    assert result.rows_accepted > 0


def test_a_server_file_over_its_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setenv("BORDERWATCH_MAX_SERVER_FILE_MB", "0")
    with pytest.raises(FileTooLargeError, match=FIXTURE.name):
        imports.server_file(str(FIXTURE))


@pytest.mark.parametrize("path", ["", "   ", "/no/such/file.csv", "{tmp}"])
def test_unusable_paths_are_refused_with_a_message(path, tmp_path):
    with pytest.raises(ImportRefusedError) as caught:
        imports.server_file(path.format(tmp=tmp_path))
    assert "path" in str(caught.value) or "Cannot read" in str(caught.value)


def test_an_empty_dataset_name_is_refused_before_anything_is_done(tmp_path):
    source = imports.uploaded_file(FIXTURE.name, FIXTURE.read_bytes())
    with pytest.raises(imports.ImportRequestError, match="no name"):
        imports.import_source(source, dataset_name="  ")
    result = imports.import_source(source, dataset_name="UCDP")
    store = DatasetStore(tmp_path)
    with pytest.raises(imports.ImportRequestError, match="no name"):
        imports.store_result(result, dataset_name="", store=store)
    assert store.list() == []


def test_store_result_names_the_dataset_and_the_store_makes_the_ids(tmp_path):
    source = imports.uploaded_file(FIXTURE.name, FIXTURE.read_bytes())
    result = imports.import_source(source, dataset_name=" UCDP sample ")
    store = DatasetStore(tmp_path)
    info = imports.store_result(result, dataset_name=" UCDP sample ", store=store)
    assert info is not None
    assert (info.name, info.source_file, info.rows) == (
        "UCDP sample",
        FIXTURE.name,
        result.rows_accepted,
    )
    assert info.rejected == result.rows_rejected
    stored = store.load(info.key)
    assert (stored["incident_id"] == info.key + ":" + stored["original_id"]).all()


def test_nothing_is_stored_when_every_row_is_rejected(tmp_path):
    header = FIXTURE.read_text(encoding="utf-8").split("\n", 1)[0]
    row = ",".join(["x"] * len(header.split(",")))
    source = imports.uploaded_file("bad.csv", f"{header}\n{row}\n".encode())
    result = imports.import_source(source, dataset_name="bad")
    assert result.rows_accepted == 0
    store = DatasetStore(tmp_path)
    assert imports.store_result(result, dataset_name="bad", store=store) is None
    assert store.list() == []


def test_default_dataset_name_drops_the_extension():
    assert imports.default_dataset_name("acled.export.csv") == "acled.export"
