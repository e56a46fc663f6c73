"""Project files that promises rest on: vendored assets, offline config, documented layouts."""

from __future__ import annotations

import hashlib
import re
import tomllib

import pytest

from borderwatch import paths
from borderwatch.mapping.assets import LOCAL_FILES, vendored_assets
from borderwatch.schemas import CAPABILITIES, COOPERATION, CROSSINGS, INCIDENTS

CURATED = {
    "geodata/incidents.csv": INCIDENTS,
    "geodata/cooperation.csv": COOPERATION,
    "geodata/crossings.csv": CROSSINGS,
    "geodata/capabilities.csv": CAPABILITIES,
}


@pytest.mark.parametrize("record", vendored_assets(), ids=lambda r: r["package"])
def test_vendored_files_match_their_record(record):
    directory = paths.VENDOR_DIR / record["directory"]
    assert record["licence"] and record["version"] and record["npm_integrity"]
    assert any("LICEN" in name.upper() for name in record["files"]), "licence file kept"
    for name, digest in record["files"].items():
        content = (directory / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest, name


def test_every_local_asset_is_recorded():
    recorded = {f"{r['directory']}/{name}" for r in vendored_assets() for name in r["files"]}
    assert set(LOCAL_FILES.values()) <= recorded


def test_streamlit_config_is_offline():
    config = tomllib.loads((paths.REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableStaticServing"] is True


def _documented_columns(section: str) -> list[str]:
    text = (paths.REPO_ROOT / "docs" / "dataset-layouts.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (\w+) \|", body, flags=re.MULTILINE)[1:]  # skip header row


@pytest.mark.parametrize(("section", "schema"), CURATED.items())
def test_documented_layout_matches_schema(section, schema):
    assert _documented_columns(section) == schema.column_names


@pytest.mark.parametrize(("path", "schema"), CURATED.items())
def test_committed_csv_header_matches_schema(path, schema):
    header = (paths.REPO_ROOT / path).read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == schema.column_names
