"""One declared contract for the incident table (borderwatch.schemas), held by every stage."""

from __future__ import annotations

import pandas as pd
import pytest

from borderwatch import loading
from borderwatch.dedupe import combined_incidents
from borderwatch.errors import DataFileError
from borderwatch.importers import import_file
from borderwatch.schemas import (
    IMPORTED_INCIDENTS,
    INCIDENTS,
    SHOWN_INCIDENTS,
    incident_ids,
)
from borderwatch.store import DatasetStore, empty_incidents
from borderwatch.validation import find_violations, validate_table

from .conftest import FIXTURES

IMPORTS = FIXTURES / "imports"


def _dtypes(table: pd.DataFrame, names: list[str]) -> dict[str, str]:
    return {name: str(table[name].dtype) for name in names}


@pytest.fixture(scope="module")
def imported() -> pd.DataFrame:
    frames = [
        import_file((IMPORTS / name).read_bytes(), file_name=name, dataset=name.split(".")[0])
        for name in ("acled_current.csv", "ucdp_ged.csv", "gtd.csv", "borderwatch.geojson")
    ]
    return pd.concat([f.incidents for f in frames], ignore_index=True)


def test_stages_extend_one_another():
    assert IMPORTED_INCIDENTS.column_names[: len(INCIDENTS.columns)] == INCIDENTS.column_names
    assert SHOWN_INCIDENTS.column_names[: len(IMPORTED_INCIDENTS.columns)] == (
        IMPORTED_INCIDENTS.column_names
    )
    assert not IMPORTED_INCIDENTS.column("latitude").required
    assert INCIDENTS.column("latitude").required


def test_curated_incidents_have_the_declared_dtypes(geodata):
    assert _dtypes(geodata.incidents, INCIDENTS.column_names) == INCIDENTS.dtypes
    assert find_violations(geodata.incidents, INCIDENTS) == []


def test_imported_incidents_have_the_declared_dtypes_and_keep_the_contract(imported):
    names = IMPORTED_INCIDENTS.column_names
    assert _dtypes(imported, names) == IMPORTED_INCIDENTS.dtypes
    assert find_violations(imported, IMPORTED_INCIDENTS) == []
    assert _dtypes(empty_incidents(), names) == IMPORTED_INCIDENTS.dtypes


def test_stored_incidents_keep_the_dtypes_and_get_their_ids_from_the_store(imported, tmp_path):
    store = DatasetStore(tmp_path)
    info = store.save(imported, name="all", source_format="mixed", source_file="x", rejected=0)
    stored = store.load(info.key)
    assert _dtypes(stored, IMPORTED_INCIDENTS.column_names) == IMPORTED_INCIDENTS.dtypes
    assert (stored["incident_id"] == incident_ids(info.key, stored["original_id"])).all()
    assert find_violations(stored, IMPORTED_INCIDENTS) == []


@pytest.mark.parametrize("with_imports", [True, False])
def test_shown_incidents_follow_the_combined_contract(geodata, imported, with_imports):
    others = imported if with_imports else empty_incidents()
    shown = combined_incidents(geodata.incidents, others, max_days=3, max_km=10.0)
    assert _dtypes(shown, SHOWN_INCIDENTS.column_names) == SHOWN_INCIDENTS.dtypes
    assert find_violations(shown, SHOWN_INCIDENTS) == []


def test_an_id_not_made_by_incident_ids_breaks_the_contract(imported):
    broken = imported.copy()
    broken.loc[0, "incident_id"] = "elsewhere:1"
    [violation] = find_violations(broken, IMPORTED_INCIDENTS)
    assert violation.field == "incident_id" and violation.rows.tolist()[0]


def test_curated_files_and_imports_word_a_broken_value_the_same_way():
    raw = pd.read_csv(FIXTURES / "incidents_small.csv", dtype=str, keep_default_na=False)
    raw.loc[1, "event_type"] = "parade"
    raw.loc[2, "fatalities_best"] = "-3"
    with pytest.raises(DataFileError) as caught:
        validate_table(raw, INCIDENTS, path="incidents.csv", remedy="fix it")
    curated = {(p.row, p.field): p.message for p in caught.value.problems}
    result = import_file(raw.to_csv(index=False).encode(), file_name="bw.csv", dataset="d")
    imported = {(r.row, r.field): r.reason for r in result.rejected.itertuples()}
    assert (
        curated
        == imported
        == {
            (2, "event_type"): "'parade' is not one of: "
            + ", ".join(INCIDENTS.column("event_type").allowed or ()),
            (3, "fatalities_best"): "-3 is below 0",
        }
    )


def test_validated_curated_file_matches_loader(small_incidents):
    raw = pd.read_csv(FIXTURES / "incidents_small.csv", dtype=str, keep_default_na=False)
    typed = validate_table(raw, INCIDENTS, path="x.csv", remedy="")
    assert _dtypes(typed, INCIDENTS.column_names) == INCIDENTS.dtypes
    assert len(loading.load_incidents(FIXTURES / "incidents_small.csv")) == len(typed)
