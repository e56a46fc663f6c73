"""Exports name every dataset their rows came from; exported rows keep where they came from,
so re-importing an export keeps it too (issue 11, provenance)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pandas as pd
import pytest

from borderwatch.app import imports
from borderwatch.app.prepared import dataset_names
from borderwatch.dedupe import combined_incidents
from borderwatch.exports.data import ORIGIN_COLUMNS, export_table, to_csv, to_geojson, to_gpkg
from borderwatch.exports.provenance import (
    CURATED_CREDIT,
    LICENCE_NOTES,
    NATURAL_EARTH_CREDIT,
    make_provenance,
)
from borderwatch.importers import import_file
from borderwatch.mapping.popups import incident_popup_html
from borderwatch.store import DatasetStore
from borderwatch.tables import incident_table

from .conftest import FIXTURES

IMPORTS = FIXTURES / "imports"


def _store(store: DatasetStore, fixture: str, name: str):
    data = (IMPORTS / fixture).read_bytes()
    result = imports.import_source(
        imports.uploaded_file(fixture, data), dataset_name=name, countries=None
    )
    return imports.store_result(result, dataset_name=name, store=store), data


@pytest.fixture
def stored(tmp_path):
    """A store with an ACLED and a GTD dataset, and the prepared incidents they give."""
    store = DatasetStore(tmp_path / "store")
    acled, acled_bytes = _store(store, "acled_current.csv", "ACLED Maghreb 2013")
    gtd, _ = _store(store, "gtd.csv", "GTD sample")
    return store, acled, gtd, acled_bytes


def _shown(geodata, store: DatasetStore) -> pd.DataFrame:
    return combined_incidents(
        geodata.incidents,
        store.load_enabled(),
        max_days=3,
        max_km=10.0,
        dataset_names=dataset_names(store.directory),
    )


def test_prepared_incidents_carry_the_analysts_dataset_name(geodata, stored):
    store, acled, gtd, _ = stored
    shown = _shown(geodata, store)
    names = shown.groupby("dataset")["dataset_name"].unique().map(list).to_dict()
    assert names == {
        "curated": ["BorderWatch curated"],
        acled.key: ["ACLED Maghreb 2013"],
        gtd.key: ["GTD sample"],
    }


def test_popup_and_table_show_the_dataset_name(geodata, stored):
    store, acled, _, _ = stored
    shown = _shown(geodata, store)
    row = shown[shown["dataset"] == acled.key].iloc[0]
    html = incident_popup_html(row, {})
    assert f"ACLED Maghreb 2013 (ACLED, id {row['original_id']})" in html
    table = incident_table(shown, {})
    assert "ACLED Maghreb 2013 (ACLED)" in set(table["Dataset"])
    assert "BorderWatch curated" in set(table["Dataset"])


def test_provenance_names_every_dataset_that_contributed_rows(geodata, stored):
    store, acled, gtd, acled_bytes = stored
    shown = _shown(geodata, store)
    exported = shown[shown["dataset"] == acled.key]
    provenance = make_provenance(
        title="t", filters="f", incidents=exported, store_dir=store.directory
    )
    [entry] = provenance.imported
    assert entry == {
        "kind": "imported dataset",
        "name": "ACLED Maghreb 2013",
        "key": acled.key,
        "source_format": "ACLED",
        "layout": "acled",
        "source_file": "acled_current.csv",
        "source_sha256": hashlib.sha256(acled_bytes).hexdigest(),
        "stored_file": acled.file,
        "sha256": acled.sha256,
        "imported_at": acled.imported_at,
        "rows": len(exported),
        "merged_reports": 0,
        "licence": LICENCE_NOTES["ACLED"],
    }
    # No curated row exported: the curated incidents are neither listed nor credited.
    files = [d.get("file") for d in provenance.datasets if d.get("kind") != "imported dataset"]
    assert "incidents.csv" not in files and "borders.geojson" in files
    assert CURATED_CREDIT not in provenance.attribution
    assert NATURAL_EARTH_CREDIT in provenance.attribution
    assert LICENCE_NOTES["ACLED"] in provenance.attribution
    assert "'ACLED Maghreb 2013' (ACLED)" in provenance.attribution
    assert any("ACLED Maghreb 2013" in line for line in provenance.as_lines())

    everything = make_provenance(title="t", filters="f", incidents=shown, store_dir=store.directory)
    assert [d["name"] for d in everything.imported] == ["ACLED Maghreb 2013", "GTD sample"]
    rows = {d["name"]: d["rows"] + d["merged_reports"] for d in everything.imported}
    assert rows == {"ACLED Maghreb 2013": acled.rows, "GTD sample": gtd.rows}
    curated = next(d for d in everything.datasets if d.get("file") == "incidents.csv")
    assert curated["rows"] == int((shown["dataset"] == "curated").sum())
    assert CURATED_CREDIT in everything.attribution
    assert LICENCE_NOTES["GTD"] in everything.attribution


def test_a_report_merged_into_another_row_still_credits_its_dataset(tmp_path):
    provenance = make_provenance(
        title="t",
        filters="f",
        incidents=pd.DataFrame(
            {
                "dataset": ["curated"],
                "source_dataset": ["BorderWatch curated"],
                "also_reported_as": [("ucdp-x-1:77",)],
            }
        ),
        store_dir=tmp_path,
    )
    [entry] = provenance.imported
    assert (entry["key"], entry["rows"], entry["merged_reports"]) == ("ucdp-x-1", 0, 1)
    assert entry["source_file"] == "unknown (no longer in the store)"


def test_curated_only_export_keeps_the_curated_credit(small_incidents):
    provenance = make_provenance(title="t", filters="f", incidents=small_incidents)
    assert provenance.imported == []
    assert CURATED_CREDIT in provenance.attribution
    assert "incidents.csv" in [d.get("file") for d in provenance.datasets]


def _reimport(name: str, data: bytes):
    return import_file(data, file_name=name, dataset="again")


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_reimporting_an_export_keeps_source_id_and_dataset_name(geodata, stored, fmt, tmp_path):
    store, acled, gtd, _ = stored
    shown = _shown(geodata, store)
    provenance = make_provenance(title="t", filters="f", incidents=shown, store_dir=store.directory)
    writer, file_name = {
        "csv": (to_csv, "export.csv.zip"),
        "geojson": (to_geojson, "export.geojson"),
        "gpkg": (to_gpkg, "export.gpkg"),
    }[fmt]
    data = writer(shown, provenance)
    result = _reimport(file_name, data)
    assert result.format == "borderwatch_csv"
    assert result.rejected.empty, result.rejected.head().to_dict("records")
    table = export_table(shown)
    again = result.incidents
    assert len(again) == len(shown)
    assert list(again["original_id"]) == list(table["original_id"])
    # Curated rows come back as BorderWatch rows; imported ones keep their source.
    expected_sources = table["source_dataset"].replace("BorderWatch curated", "BorderWatch")
    assert list(again["source_dataset"]) == list(expected_sources)
    assert list(again["origin_dataset_name"]) == list(table["dataset_name"])
    assert {"ACLED Maghreb 2013", "GTD sample", "BorderWatch curated"} <= set(
        again["origin_dataset_name"]
    )

    # Stored and shown again, each row still names the dataset it first came from.
    reimported = store.save(
        again,
        name="Briefing export",
        source_format=result.format,
        source_file=file_name,
        rejected=0,
    )
    store.set_enabled(acled.key, False)
    store.set_enabled(gtd.key, False)
    shown_again = _shown(geodata, store)
    mine = shown_again[shown_again["dataset"] == reimported.key]
    assert "ACLED Maghreb 2013 (via Briefing export)" in set(mine["dataset_name"])
    # ... and exporting it again names the first dataset, not a chain of names.
    assert "ACLED Maghreb 2013" in set(export_table(mine)["dataset_name"])
    assert set(export_table(mine)["original_id"]) <= set(table["original_id"])


def test_csv_export_sidecar_lists_the_datasets(geodata, stored):
    store, _, _, _ = stored
    shown = _shown(geodata, store)
    provenance = make_provenance(title="t", filters="f", incidents=shown, store_dir=store.directory)
    with zipfile.ZipFile(io.BytesIO(to_csv(shown, provenance))) as archive:
        sidecar = json.loads(archive.read("provenance.json"))
        text = pd.read_csv(
            io.BytesIO(archive.read("incidents.csv")), dtype=str, keep_default_na=False
        )
    assert [d["name"] for d in sidecar["datasets"] if d.get("kind") == "imported dataset"] == [
        "ACLED Maghreb 2013",
        "GTD sample",
    ]
    assert set(ORIGIN_COLUMNS) <= set(text.columns)
    acled_rows = text[text["dataset_name"] == "ACLED Maghreb 2013"]
    assert (acled_rows["source_dataset"] == "ACLED").all() and len(acled_rows)


def test_registry_entries_from_before_the_new_fields_still_load(tmp_path):
    store = DatasetStore(tmp_path)
    info, _ = _store(store, "ucdp_ged.csv", "UCDP")
    document = json.loads(store.registry_path.read_text())
    for entry in document["datasets"]:
        del entry["source_sha256"], entry["merge_duplicates"]
    store.registry_path.write_text(json.dumps(document))
    [old] = store.list()
    assert old.source_sha256 == "" and old.merge_duplicates is True
    assert len(store.load(info.key)) == info.rows


def test_provenance_from_counts_names_what_the_rows_would(geodata, stored):
    """Team mode: the rows stay in the database, which counts them per dataset; the
    provenance made from those counts is the one the rows themselves give (no merges)."""
    store, acled, gtd, _ = stored
    shown = _shown(geodata, store)
    unmerged = shown[shown["also_reported_as"].map(len) == 0]
    counts = unmerged["dataset"].value_counts().to_dict()
    from_rows = make_provenance(
        title="t", filters="f", incidents=unmerged, store_dir=store.directory
    )
    from_counts = make_provenance(
        title="t", filters="f", row_counts=counts, store_dir=store.directory
    )
    assert from_counts.datasets == from_rows.datasets
    assert from_counts.attribution == from_rows.attribution
    assert from_counts.dataset_keys() == ["curated", acled.key, gtd.key]
    only_acled = make_provenance(
        title="t", filters="f", row_counts={acled.key: 3}, store_dir=store.directory
    )
    assert only_acled.dataset_keys() == [acled.key]  # no curated incident in the file
    assert make_provenance(title="t", filters="f").dataset_keys() == ["curated"]
