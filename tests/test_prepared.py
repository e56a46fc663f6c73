"""The one prepared-data function: built from explicit settings, kept on disk by what it
was built from, read back identical."""

from __future__ import annotations

import shutil

import pandas as pd
import pyarrow.feather
import pytest

from borderwatch import paths
from borderwatch.app import prepared as prepared_module
from borderwatch.app import warmup
from borderwatch.app.prepared import DataSettings, data_fingerprint, prepare_data
from borderwatch.importers import import_file
from borderwatch.store import DatasetStore

FIXTURES = paths.REPO_ROOT / "tests" / "fixtures" / "imports"


@pytest.fixture
def data_settings(tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(paths.GEODATA_DIR, geodata)
    store = tmp_path / "store"
    result = import_file(
        (FIXTURES / "ucdp_ged.csv").read_bytes(), file_name="ucdp_ged.csv", dataset="ucdp"
    )
    DatasetStore(store).save(
        result.incidents,
        name="UCDP sample",
        source_format=result.format,
        source_file="ucdp_ged.csv",
        rejected=len(result.rejected),
    )
    prepared_module._recent.clear()
    return DataSettings(geodata_dir=geodata, store_dir=store, dedupe_days=3, dedupe_km=10.0)


def test_a_stored_copy_reads_back_identical(data_settings, tmp_path):
    cache = tmp_path / "cache"
    built = prepare_data(data_settings, cache_dir=cache)
    assert len(list(cache.glob("*.prepared"))) == 1
    prepared_module._recent.clear()
    read_back = prepare_data(data_settings, cache_dir=cache)
    assert read_back is not built
    pd.testing.assert_frame_equal(
        pd.DataFrame(read_back.incidents), pd.DataFrame(built.incidents), check_exact=True
    )
    assert read_back.incidents.crs == built.incidents.crs
    assert read_back.incident_years == built.incident_years
    assert read_back.incident_countries == built.incident_countries
    assert "UCDP GED" in set(read_back.incidents["source_dataset"])


def test_a_stored_copy_is_one_batch_and_reads_back_as_an_ordinary_frame(data_settings, tmp_path):
    cache = tmp_path / "cache"
    prepare_data(data_settings, cache_dir=cache)
    (stored,) = cache.glob("*.prepared")
    table = pyarrow.feather.read_table(stored / "incidents.arrow")
    assert {column.num_chunks for column in table.columns} == {1}
    prepared_module._recent.clear()
    incidents = prepare_data(data_settings, cache_dir=cache).incidents
    # Memory-mapped on reading: removing the copy (a newer one replaced it) must not
    # take the frame with it, and a page's working copy can still be changed.
    shutil.rmtree(stored)
    working = incidents.copy()
    working.loc[working.index[0], "fatalities_best"] = 7
    working["latitude"] += 0.0
    working.loc[working.index[0], "summary"] = "changed"
    assert working["summary"].iloc[0] == "changed"
    assert incidents["summary"].str.len().sum() > 0


def test_fingerprint_follows_files_and_thresholds(data_settings):
    first = data_fingerprint(data_settings)
    assert data_fingerprint(data_settings) == first
    wider = DataSettings(**{**data_settings.__dict__, "dedupe_km": 20.0})
    assert data_fingerprint(wider) != first
    incidents = data_settings.geodata_dir / "incidents.csv"
    incidents.write_text(incidents.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data_fingerprint(data_settings) != first


def test_a_damaged_copy_is_rebuilt_not_an_error(data_settings, tmp_path):
    cache = tmp_path / "cache"
    built = prepare_data(data_settings, cache_dir=cache)
    (stored,) = cache.glob("*.prepared")
    (stored / "incidents.arrow").write_bytes(b"damaged")
    prepared_module._recent.clear()
    rebuilt = prepare_data(data_settings, cache_dir=cache)
    assert len(rebuilt.incidents) == len(built.incidents)


def test_warm_up_prepares_what_the_first_page_reads(data_settings, tmp_path, monkeypatch):
    from borderwatch.config import environment_variable

    monkeypatch.setenv(environment_variable("geodata_dir"), str(data_settings.geodata_dir))
    monkeypatch.setenv(environment_variable("data_dir"), str(data_settings.store_dir))
    monkeypatch.setenv(environment_variable("cache_dir"), str(tmp_path / "cache"))
    warmup.warm_up(wait_for_server=False)
    assert list((tmp_path / "cache").glob("*.prepared"))
    assert len(prepared_module._recent) == 1


def test_a_stored_dataset_the_pages_cannot_show_is_set_aside(data_settings):
    # Issue 11: a row dated 0000-01-01 in the store made the map pages crash on every load.
    store = DatasetStore(data_settings.store_dir)
    good = store.load(store.list()[0].key)
    bad = good.copy()
    bad.loc[0, "date_start"] = pd.Timestamp("1000-01-01")
    store.save(bad, name="broken", source_format="ucdp_ged", source_file="x.csv", rejected=0)
    prepared_module._recent.clear()
    prepared = prepare_data(data_settings)
    assert [(a.name, "outside" in a.message) for a in prepared.set_aside] == [("broken", True)]
    shown = set(prepared.incidents["dataset"])
    assert store.list()[0].key in shown and store.list()[1].key not in shown
