"""Loading the committed layer, and what a missing or corrupt file produces."""

from __future__ import annotations

import shutil

import pytest

from borderwatch import loading, paths
from borderwatch.errors import DataFileError

from .conftest import edit_csv_cell


def test_committed_layer_loads(geodata):
    assert len(geodata.incidents) >= 45
    assert len(geodata.cooperation) > 0
    assert geodata.countries.crs.to_epsg() == 4326
    assert geodata.borders.crs.to_epsg() == 4326


def _copy_layer(tmp_path):
    for path in paths.GEODATA_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_missing_file_says_how_to_rebuild(tmp_path):
    directory = _copy_layer(tmp_path)
    (directory / "borders.geojson").unlink()
    with pytest.raises(DataFileError) as caught:
        loading.load_geodata(directory)
    assert caught.value.path.name == "borders.geojson"
    assert "missing" in caught.value.summary()
    assert paths.REBUILD_COMMAND in caught.value.remedy


def test_truncated_geojson_is_reported(tmp_path):
    directory = _copy_layer(tmp_path)
    text = (directory / "countries.geojson").read_text(encoding="utf-8")
    (directory / "countries.geojson").write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        loading.load_geodata(directory)
    assert caught.value.path.name == "countries.geojson"
    assert "cannot be read" in caught.value.summary()


def test_empty_csv_is_reported(tmp_path):
    directory = _copy_layer(tmp_path)
    (directory / "incidents.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        loading.load_geodata(directory)
    assert "incidents.csv: the file is empty" in caught.value.summary()


def test_unknown_incident_country_is_reported(tmp_path):
    directory = _copy_layer(tmp_path)
    edit_csv_cell(directory / "incidents.csv", 1, "country_iso3", "XXX")
    with pytest.raises(DataFileError) as caught:
        loading.load_geodata(directory)
    assert "row 1, field 'country_iso3': unknown country code(s): XXX" in caught.value.summary()
