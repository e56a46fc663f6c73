"""The store of imported datasets: round trips, registry changes, crashes, damage.

Tests taking ``stores`` run against both back ends: files (:class:`DatasetStore`) and the
team database (:class:`PostgisDatasetStore`, on the cluster of ``tests/pg_cluster.py``).
Crashes and damaged files concern the file back end only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from borderwatch import loading, paths, store
from borderwatch.errors import DataFileError
from borderwatch.store import DatasetInfo, DatasetStore


def _imported(source: str = "ACLED", rows: int = 8) -> gpd.GeoDataFrame:
    """Curated incidents dressed up as an import: extra columns, unplaced rows, unknown deaths."""
    table = loading.load_incidents().head(rows).copy()
    table["original_id"] = [f"{source}{n}" for n in range(rows)]
    table["dataset"] = "placeholder"
    table["source_dataset"] = source
    table["incident_id"] = "placeholder:" + table["original_id"]
    table["origin_dataset_name"] = pd.Series("", index=table.index, dtype="str")
    table.loc[[1, 2], ["latitude", "longitude"]] = np.nan
    # The importers give unplaced rows no geometry; a NaN point is tolerated too.
    table["geometry"] = shapely.points(table["longitude"].to_numpy(), table["latitude"].to_numpy())
    table.loc[1, "geometry"] = None
    table.index = table.index + 10  # importers index rows by their source position
    table.loc[[13, 14], ["fatalities_low", "fatalities_best", "fatalities_high"]] = pd.NA
    table.at[15, "origin_countries"] = ("LBY", "MLI")
    return table


def _save(target: DatasetStore, source: str = "ACLED", **values) -> DatasetInfo:
    arguments = {"name": f"{source} export", "source_file": f"{source}.csv", "rejected": 2}
    return target.save(_imported(source), source_format=source, **(arguments | values))


def _expected(table: gpd.GeoDataFrame, key: str) -> pd.DataFrame:
    out = pd.DataFrame(table.drop(columns="geometry"))
    out["dataset"] = key
    out["incident_id"] = key + ":" + out["original_id"]
    return out


@pytest.fixture(params=["files", "postgis"])
def stores(request, tmp_path):
    """Makes store objects on one storage: files in ``tmp_path``, or the test database
    (emptied first). Each call is a new object, as another session or process would have."""
    if request.param == "files":
        return lambda: DatasetStore(tmp_path)
    from borderwatch.team.db.store import PostgisDatasetStore

    database = request.getfixturevalue("empty_team_database")
    return lambda: PostgisDatasetStore(database.app_url)


def _in_contract_order(expected: pd.DataFrame, target) -> pd.DataFrame:
    """The database gives columns in the contract's order; files keep the saved order."""
    if isinstance(target, DatasetStore):
        return expected
    assert set(expected.columns) == set(store.INCIDENT_COLUMNS)
    return expected[list(store.INCIDENT_COLUMNS)]


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(store.DATA_DIR_VARIABLE, raising=False)
    assert store.data_dir() == paths.REPO_ROOT / "data" / "imports"
    monkeypatch.setenv(store.DATA_DIR_VARIABLE, str(tmp_path))
    assert store.data_dir() == tmp_path


def test_round_trip_keeps_values_types_and_tuples(stores):
    target = stores()
    table = _imported()
    info = target.save(
        table, name="Libya 2013", source_format="ACLED", source_file="acled.csv", rejected=3
    )
    assert re.fullmatch(r"acled-\d{4}-\d{2}-\d{2}-1", info.key)
    assert (info.name, info.source_format, info.source_file) == (
        "Libya 2013",
        "ACLED",
        "acled.csv",
    )
    assert (info.rows, info.rejected, info.enabled) == (8, 3, True)
    assert info.imported_at.endswith("+00:00")
    if isinstance(target, DatasetStore):
        assert info.file == f"{info.key}.parquet"
    else:
        assert info.file == "" and re.fullmatch(r"[0-9a-f]{64}", info.sha256)
    assert table["dataset"].eq("placeholder").all()  # the caller's table is left alone

    loaded = target.load(info.key)
    assert isinstance(loaded, gpd.GeoDataFrame)
    assert loaded.crs.to_epsg() == 4326
    pd.testing.assert_frame_equal(
        pd.DataFrame(loaded.drop(columns="geometry")),
        _in_contract_order(_expected(table, info.key), target),
    )
    assert loaded.at[15, "origin_countries"] == ("LBY", "MLI")
    assert loaded.at[10, "origin_countries"] == ()
    assert all(isinstance(v, tuple) and v for v in loaded["sources"])
    assert loaded["fatalities_best"].isna().sum() >= 2
    assert loaded["fatalities_best"].dtype == "Int64"
    placed = loaded["latitude"].notna()
    assert loaded.geometry[placed].geom_equals(table.geometry[placed]).all()
    assert loaded.geometry[11] is None
    assert loaded.geometry[12].is_empty


def test_registry_survives_a_new_store_object(stores):
    first = _save(stores())
    again = stores()
    assert again.list() == [first]
    assert len(again.load(first.key)) == 8


def test_list_enable_disable_delete(stores, tmp_path):
    target = stores()
    assert target.list() == []
    acled, gtd = _save(target, "ACLED"), _save(target, "GTD")
    assert [i.key for i in target.list()] == [acled.key, gtd.key]
    assert gtd.key.startswith("gtd-")

    both = target.load_enabled()
    assert len(both) == 16
    assert both["dataset"].tolist() == [acled.key] * 8 + [gtd.key] * 8
    assert both.index.tolist() == list(range(16))

    assert target.set_enabled(acled.key, False).enabled is False
    assert [i.enabled for i in target.list()] == [False, True]
    assert set(target.load_enabled()["dataset"]) == {gtd.key}
    target.set_enabled(acled.key, True)
    assert len(target.load_enabled()) == 16

    target.delete(acled.key)
    assert [i.key for i in target.list()] == [gtd.key]
    if isinstance(target, DatasetStore):
        assert not (tmp_path / acled.file).exists()
    with pytest.raises(KeyError):
        target.load(acled.key)
    with pytest.raises(KeyError):
        target.delete(acled.key)
    with pytest.raises(KeyError):
        target.set_enabled("nope", True)


def test_nothing_enabled_gives_an_empty_typed_table(tmp_path):
    target = DatasetStore(tmp_path / "never-written")
    empty = target.load_enabled()
    assert isinstance(empty, gpd.GeoDataFrame) and empty.empty
    assert empty.crs.to_epsg() == 4326
    assert list(empty.columns) == [*store.INCIDENT_COLUMNS, "geometry"]
    table = _imported()
    for column in store.INCIDENT_COLUMNS:
        assert empty[column].dtype == table[column].dtype, column
    assert not (tmp_path / "never-written").exists()  # reading creates nothing


def test_nothing_enabled_gives_an_empty_typed_table_from_the_database(stores):
    target = stores()
    _save(target)
    target.set_enabled(target.list()[0].key, False)
    empty = target.load_enabled()
    assert isinstance(empty, gpd.GeoDataFrame) and empty.empty
    assert empty.crs.to_epsg() == 4326
    assert list(empty.columns) == [*store.INCIDENT_COLUMNS, "geometry"]
    table = _imported()
    for column in store.INCIDENT_COLUMNS:
        assert empty[column].dtype == table[column].dtype, column


def test_keys_are_unique_and_never_reused(stores):
    target = stores()
    keys = [_save(target).key for _ in range(3)]
    assert len(set(keys)) == 3
    assert [k.rsplit("-", 1)[1] for k in keys] == ["1", "2", "3"]
    target.delete(keys[2])
    fourth = _save(target).key
    assert fourth not in keys
    assert _save(target, "UCDP GED").key.startswith("ucdp-ged-")


def _failing_replace(monkeypatch, fail_on: str):
    real_replace = os.replace

    def replace(source, target):
        if str(target).endswith(fail_on):
            raise OSError("simulated crash")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)


def _assert_intact(target: DatasetStore, before: list[DatasetInfo], tables: dict) -> None:
    assert target.list() == before
    for info in before:
        pd.testing.assert_frame_equal(
            pd.DataFrame(target.load(info.key).drop(columns="geometry")),
            tables[info.key],
        )


def test_crash_while_writing_the_parquet_file_changes_nothing(tmp_path, monkeypatch):
    target = DatasetStore(tmp_path)
    first = _save(target)
    before = target.list()
    tables = {first.key: _expected(_imported(), first.key)}
    files = sorted(p.name for p in tmp_path.iterdir())

    _failing_replace(monkeypatch, ".parquet")
    with pytest.raises(OSError, match="simulated crash"):
        _save(target, "GTD")
    monkeypatch.undo()

    _assert_intact(target, before, tables)
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # temporary file removed


def test_crash_between_parquet_and_registry_leaves_an_ignored_orphan(tmp_path, monkeypatch):
    target = DatasetStore(tmp_path)
    first = _save(target)
    before = target.list()
    tables = {first.key: _expected(_imported(), first.key)}

    _failing_replace(monkeypatch, store.REGISTRY_NAME)
    with pytest.raises(OSError, match="simulated crash"):
        _save(target, "GTD")
    monkeypatch.undo()

    _assert_intact(target, before, tables)
    orphans = [p for p in tmp_path.glob("*.parquet") if p.name != first.file]
    assert len(orphans) == 1
    assert not list(tmp_path.glob(".tmp-*"))
    assert len(target.load_enabled()) == 8  # the orphan is not shown

    # A young orphan may be another process's save in progress: left alone, key skipped.
    second = _save(target, "GTD")
    assert second.file != orphans[0].name
    assert orphans[0].exists()
    assert target.remove_orphans(min_age_s=0) == orphans
    assert not orphans[0].exists()
    assert [i.key for i in target.list()] == [first.key, second.key]
    assert len(target.load_enabled()) == 16


def test_corrupt_registry_is_reported_and_destroys_nothing(tmp_path):
    target = DatasetStore(tmp_path)
    info = _save(target)
    parquet = (tmp_path / info.file).read_bytes()
    (tmp_path / store.REGISTRY_NAME).write_text('{"format": "borderwatch-datasets", "ver')

    for action in (
        target.list,
        target.load_enabled,
        lambda: target.load(info.key),
        lambda: _save(target, "GTD"),
        lambda: target.delete(info.key),
        lambda: target.set_enabled(info.key, False),
        target.remove_orphans,
    ):
        with pytest.raises(DataFileError) as caught:
            action()
        assert caught.value.path == tmp_path / store.REGISTRY_NAME
        assert "datasets.json: is not valid JSON" in caught.value.summary()
        assert "backup" in caught.value.remedy
    assert (tmp_path / info.file).read_bytes() == parquet
    assert sorted(p.name for p in tmp_path.glob("*.parquet")) == [info.file]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(version=99), "has version 99"),
        (lambda d: d.update(format="other"), "is not a BorderWatch dataset registry"),
        (lambda d: d["datasets"][0].pop("sha256"), "field 'sha256' is missing"),
        (lambda d: d["datasets"][0].update(rows="8"), "field 'rows' is missing or not a int"),
        (lambda d: d["datasets"][0].update(file="../x.parquet"), "not a parquet file name"),
        (lambda d: d["datasets"].append(dict(d["datasets"][0])), "used by more than one"),
    ],
)
def test_inconsistent_registry_entries_are_reported(tmp_path, edit, message):
    target = DatasetStore(tmp_path)
    _save(target)
    path = tmp_path / store.REGISTRY_NAME
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape(message)) as caught:
        target.list()
    assert caught.value.path.name == store.REGISTRY_NAME


def test_damaged_dataset_file_is_reported_and_others_still_load(tmp_path):
    target = DatasetStore(tmp_path)
    good, bad = _save(target, "ACLED"), _save(target, "GTD")
    (tmp_path / bad.file).write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataFileError) as caught:
        target.load(bad.key)
    assert caught.value.path == tmp_path / bad.file
    assert "checksum" in caught.value.summary()
    assert bad.key in caught.value.remedy and "Delete the dataset" in caught.value.remedy
    with pytest.raises(DataFileError):
        target.load_enabled()

    assert len(target.load(good.key)) == 8
    target.set_enabled(bad.key, False)
    assert len(target.load_enabled()) == 8
    target.delete(bad.key)
    assert [i.key for i in target.list()] == [good.key]


def test_unreadable_parquet_with_matching_checksum_is_reported(tmp_path):
    target = DatasetStore(tmp_path)
    info = _save(target)
    path = tmp_path / info.file
    path.write_bytes(b"not parquet at all")
    registry = tmp_path / store.REGISTRY_NAME
    document = json.loads(registry.read_text(encoding="utf-8"))
    document["datasets"][0]["sha256"] = store._sha256(path)
    registry.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataFileError, match="cannot be read as GeoParquet") as caught:
        target.load(info.key)
    assert caught.value.path == path


def test_missing_dataset_file_is_reported(tmp_path):
    target = DatasetStore(tmp_path)
    info = _save(target)
    (tmp_path / info.file).unlink()
    with pytest.raises(DataFileError, match="the file is missing"):
        target.load(info.key)


def test_save_refuses_tables_outside_the_contract(stores):
    target = stores()
    with pytest.raises(ValueError, match="original_id"):
        target.save(
            _imported().drop(columns="original_id"),
            name="x",
            source_format="ACLED",
            source_file="x.csv",
            rejected=0,
        )
    with pytest.raises(ValueError, match="EPSG:4326"):
        target.save(
            _imported().to_crs("EPSG:3857"),
            name="x",
            source_format="ACLED",
            source_file="x.csv",
            rejected=0,
        )
    assert target.list() == []


def test_a_dataset_stored_before_the_audit_columns_still_loads(tmp_path):
    """Stores written before incidents gained `verification` and `checked` keep loading."""
    import pyarrow.parquet as pq

    from borderwatch.importers import import_file

    fixture = paths.REPO_ROOT / "tests" / "fixtures" / "imports" / "ucdp_ged.csv"
    result = import_file(fixture.read_bytes(), file_name=fixture.name, dataset="ucdp")
    store = DatasetStore(tmp_path)
    info = store.save(
        result.incidents, name="old", source_format=result.format, source_file="x", rejected=0
    )
    path = tmp_path / info.file
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["verification", "checked"]), path)
    registry = json.loads(store.registry_path.read_text())
    registry["datasets"][0]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    store.registry_path.write_text(json.dumps(registry))
    loaded = store.load(info.key)
    assert len(loaded) == len(result.incidents)
    assert (loaded["verification"] == "").all()
