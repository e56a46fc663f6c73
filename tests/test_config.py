"""Configuration: one module, every setting documented in the README with its variable."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from borderwatch import paths
from borderwatch.config import ConfigError, Settings, environment_variable, settings


def _readme_rows() -> dict[str, str]:
    text = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\w+) \| `(BORDERWATCH_\w+)` \|", section, flags=re.M)
    return dict(rows)


def test_every_setting_is_in_the_readme_with_its_variable():
    documented = _readme_rows()
    declared = {f.name: environment_variable(f.name) for f in fields(Settings)}
    assert documented == declared


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BORDERWATCH_DEDUPE_KM", "2.5")
    monkeypatch.setenv("BORDERWATCH_MAX_IMPORT_MB", "20")
    chosen = settings()
    assert chosen.data_dir == Path(tmp_path)
    assert chosen.dedupe_km == 2.5
    assert chosen.max_import_bytes == 20 * 2**20


@pytest.mark.parametrize("value", ["many", "-3"])
def test_a_bad_value_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("BORDERWATCH_TABLE_ROW_LIMIT", value)
    with pytest.raises(ConfigError, match="BORDERWATCH_TABLE_ROW_LIMIT"):
        settings()


def test_no_module_but_config_reads_the_environment():
    package = paths.REPO_ROOT / "src" / "borderwatch"
    readers = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if re.search(r"os\.environ|getenv", p.read_text(encoding="utf-8"))
    ]
    # devserver passes the whole environment on to the server it starts; it reads nothing.
    assert sorted(readers) == ["config.py", "devserver.py"]
