"""The Data page imports through the package and shows refusals as messages, never tracebacks."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import paths
from borderwatch.store import DATA_DIR_VARIABLE, DatasetStore

APP = str(paths.REPO_ROOT / "app.py")
FIXTURE = paths.REPO_ROOT / "tests" / "fixtures" / "imports" / "ucdp_ged.csv"
TIMEOUT_S = 60
MALFORMED = paths.REPO_ROOT / "tests" / "fixtures" / "malformed"


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    directory = tmp_path / "imports"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(directory))
    # Paths on the server are read only inside configured folders (issue 11).
    monkeypatch.setenv("BORDERWATCH_SERVER_IMPORT_DIRS", f"{FIXTURE.parent}:{MALFORMED}:{tmp_path}")
    return directory


def _data_page_with_path(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("pages/data.py").run()
    at.text_input(key="import_path").set_value(path).run()
    assert not at.exception, at.exception
    return at


def _press_import(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Import").click().run()
    return at


def test_clearing_the_dataset_name_shows_a_message_not_a_traceback(store_dir):
    at = _data_page_with_path(str(FIXTURE))
    at.text_input(key="import_name").set_value("").run()
    _press_import(at)
    assert not at.exception, at.exception
    assert any("The dataset has no name" in e.value for e in at.error)
    assert DatasetStore(store_dir).list() == []


def test_importing_a_server_file_stores_it(store_dir):
    at = _press_import(_data_page_with_path(str(FIXTURE)))
    assert not at.exception, at.exception
    stored = DatasetStore(store_dir).list()
    assert [info.name for info in stored] == ["ucdp_ged"]
    assert {m.label: m.value for m in at.metric}["Accepted"] == f"{stored[0].rows:,}"


def test_server_path_help_states_its_own_limit(store_dir, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_MAX_IMPORT_MB", "1")
    monkeypatch.setenv("BORDERWATCH_MAX_SERVER_FILE_MB", "3000")
    at = _data_page_with_path("")
    assert "up to 3,000 MB" in at.text_input(key="import_path").help


def test_unreadable_server_path_is_explained(store_dir, tmp_path):
    at = _data_page_with_path(str(tmp_path / "missing.csv"))
    assert any("Cannot read" in e.value and "missing.csv" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("acled_html.csv", "web page"),
        ("xlsx_far_cell.xlsx", "declares a size"),
        ("geojson_unclosed_polygon.geojson", "cannot be read as GeoJSON"),
        ("xlsx_bomb_small.xlsx", None),
    ],
)
def test_bad_files_end_in_a_message_not_a_traceback(store_dir, name, shown):
    if shown is None:
        name, shown = "xlsx_two_sheets.xlsx", "Choose the sheet"
    at = _press_import(_data_page_with_path(str(MALFORMED / name)))
    assert not at.exception, at.exception
    messages = [e.value for e in at.error] + [w.value for w in at.warning]
    if "sheet" in shown:
        assert at.selectbox(key="import_sheet").options == ["2014", "2015"]
    else:
        assert any(shown in m for m in messages), messages
    assert DatasetStore(store_dir).list() == []


def test_rows_with_problems_are_listed_and_the_rest_stored(store_dir):
    at = _press_import(_data_page_with_path(str(MALFORMED / "acled_year_zero.csv")))
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Rows read"]) == int(metrics["Accepted"]) + int(metrics["Rejected"])


def test_merged_groups_are_listed_with_reasons_and_can_be_split(store_dir):
    from borderwatch.importers import import_file

    store = DatasetStore(store_dir)
    result = import_file(FIXTURE.read_bytes(), file_name=FIXTURE.name, dataset="ucdp")
    for name in ("UCDP copy A", "UCDP copy B"):  # the same events in two datasets
        store.save(
            result.incidents,
            name=name,
            source_format=result.format,
            source_file="u.csv",
            rejected=0,
        )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    first, second = store.list()
    assert at.toggle(key=f"merge_{first.key}").value is True
    assert any("are shown once for several reports" in m.value for m in at.markdown)
    assert any(": same day, 0\\.0 km apart, both battle" in m.value for m in at.markdown)
    splits = [b for b in at.button if b.label == "Split"]
    assert splits
    splits[0].click().run()
    assert not at.exception, at.exception
    [pair] = store.distinct_pairs()
    assert {pair.first.split(":")[0], pair.second.split(":")[0]} == {first.key, second.key}

    at.toggle(key=f"merge_{second.key}").set_value(False).run()
    assert not at.exception, at.exception
    assert [info.merge_duplicates for info in store.list()] == [True, False]
    assert not [b for b in at.button if b.label == "Split"]
