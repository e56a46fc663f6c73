"""Issue 11: hostile and malformed files never reach the analyst as a traceback.

For every file of ``tests/fixtures/malformed/`` (and the large ones its builder makes at test
time): the import either refuses it with a message or accounts for every row (rows read =
accepted + rejected), and the datasets already stored are byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from borderwatch import loading, paths
from borderwatch.app import imports
from borderwatch.importers import ImportRefusedError, import_file
from borderwatch.store import DatasetStore

CORPUS = paths.REPO_ROOT / "tests" / "fixtures" / "malformed"
GOOD = paths.REPO_ROOT / "tests" / "fixtures" / "imports" / "ucdp_ged.csv"
MAX_BYTES = 64 * 2**20


def _builder():
    spec = importlib.util.spec_from_file_location("build_corpus", CORPUS / "build_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILDER = _builder()
SMALL = sorted(name for name, _, _ in BUILDER.small_cases())
COUNTRIES = loading.load_countries()


def test_the_corpus_is_large_and_every_file_is_listed():
    listed = (CORPUS / "README.md").read_text(encoding="utf-8")
    files = sorted(
        p.name for p in CORPUS.iterdir() if p.name not in ("README.md", "build_corpus.py")
    )
    assert files == SMALL
    assert len(SMALL) + 6 >= 60
    for name in files:
        assert f"`{name}`" in listed


def test_committed_files_match_their_builder():
    for name, _, make in BUILDER.small_cases():
        assert (CORPUS / name).read_bytes() == make(), name


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    directory = tmp_path_factory.mktemp("store")
    store = DatasetStore(directory)
    result = import_file(GOOD.read_bytes(), file_name=GOOD.name, dataset="ucdp")
    store.save(
        result.incidents,
        name="UCDP",
        source_format=result.format,
        source_file=GOOD.name,
        rejected=0,
    )
    return store


def _digests(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != ".lock"
    }


def _import_and_check(path: Path, store: DatasetStore) -> None:
    before = _digests(store.directory)
    source = imports.uploaded_file(path.name, path.read_bytes())
    source = imports.SourceFile(
        name=source.name, size=source.size, max_bytes=MAX_BYTES, data=source.data
    )
    try:
        result = imports.import_source(source, dataset_name="hostile", countries=COUNTRIES)
    except ImportRefusedError as refusal:
        message = str(refusal)
        assert len(message) > 20 and "Traceback" not in message, message
        assert _digests(store.directory) == before
        return
    assert result.rows_read == result.rows_accepted + result.rows_rejected, path.name
    assert set(result.rejected["row"]) <= set(range(1, result.rows_read + 1))
    info = imports.store_result(result, dataset_name="hostile", store=store)
    after = _digests(store.directory)
    assert {k: v for k, v in after.items() if k in before and k != "datasets.json"} == {
        k: v for k, v in before.items() if k != "datasets.json"
    }
    if info is not None:
        store.delete(info.key)
    for key in [i.key for i in store.list() if i.name == "hostile"]:
        store.delete(key)


@pytest.mark.parametrize("name", SMALL)
def test_small_hostile_file(name, stored):
    _import_and_check(CORPUS / name, stored)


def test_large_hostile_files(tmp_path, stored, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_MAX_WORKBOOK_CELLS", "100000")
    made = list(BUILDER.big_cases(tmp_path))
    assert len(made) >= 6
    for path, _ in made:
        _import_and_check(path, stored)
