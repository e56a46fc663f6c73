"""docs/dataset-layouts.md documents what the importers declare, and nothing else."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from borderwatch import paths
from borderwatch.importers.layout_docs import BEGIN, END, with_importer_layouts
from borderwatch.importers.layouts import LAYOUTS
from borderwatch.schemas import IMPORTED_INCIDENTS

DOCUMENT = paths.REPO_ROOT / "docs" / "dataset-layouts.md"


def _generated() -> str:
    text = DOCUMENT.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def _table(section: str) -> list[list[str]]:
    rows = re.findall(r"^\| (.+) \|$", section, flags=re.MULTILINE)[1:]  # skip the header
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)] for row in rows]


def test_document_is_up_to_date_with_the_declarations():
    text = DOCUMENT.read_text(encoding="utf-8")
    assert with_importer_layouts(text) == text, "run `make docs`"


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.key)
def test_each_layout_lists_its_declared_columns(layout):
    section = _generated().split(f"`{layout.key}`\n", 1)[1].split("\n### ", 1)[0]
    rows = _table(section)
    assert [row[0] for row in rows] == [field.column for field in layout.fields]
    assert [row[0] for row in rows if row[1] == "yes"] == list(layout.required)
    assert [row[2] for row in rows] == [", ".join(field.maps_to) for field in layout.fields]


def test_contract_table_matches_the_schema():
    section = _generated().split("### The incident contract", 1)[1].split("\n### ", 1)[0]
    rows = _table(section)
    assert [(row[0], row[1]) for row in rows] == list(IMPORTED_INCIDENTS.dtypes.items())
    assert [row[0] for row in rows if row[2] == "yes"] == [
        c.name for c in IMPORTED_INCIDENTS.columns if c.required
    ]


def test_every_mapped_column_is_in_the_contract():
    contract = set(IMPORTED_INCIDENTS.column_names)
    for layout in LAYOUTS:
        for field in layout.fields:
            assert set(field.maps_to) <= contract, (layout.key, field.column)


def test_build_docs_check_reports_a_stale_document():
    script = paths.REPO_ROOT / "scripts" / "build_docs.py"
    assert subprocess.run([sys.executable, str(script), "--check"], check=False).returncode == 0
    stale = DOCUMENT.read_text(encoding="utf-8").replace("| eventid |", "| event_id |")
    assert with_importer_layouts(stale) != stale


def test_a_document_without_the_markers_gets_the_sections_appended():
    updated = with_importer_layouts("# Layouts\n")
    assert updated.startswith("# Layouts\n\n" + BEGIN) and updated.endswith(END + "\n")
    assert with_importer_layouts(updated) == updated
    with pytest.raises(ValueError, match="only one of the markers"):
        with_importer_layouts("# Layouts\n" + BEGIN + "\n")
