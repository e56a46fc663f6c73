"""Shared fixtures: the committed data layer and small hand-made tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from borderwatch import loading
from borderwatch.loading import GeoData

# The team-database fixtures (a private PostgreSQL + PostGIS cluster), for every test module.
from tests.pg_cluster import empty_team_database, team_database  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def geodata() -> GeoData:
    return loading.load_geodata()


@pytest.fixture(scope="session")
def small_incidents():
    return loading.load_incidents(FIXTURES / "incidents_small.csv")


def edit_csv_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (``row`` 1-based, header excluded), keeping all else."""
    import pandas as pd

    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[row - 1, column] = value
    table.to_csv(path, index=False)


def incident_rows(rows: list[tuple], columns: list[str]):
    """A small incidents table from tuples, typed like the loaded layer."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    for column in ("fatalities_low", "fatalities_best", "fatalities_high"):
        frame[column] = frame[column].astype("Int64")
    return frame


@pytest.fixture(autouse=True, scope="session")
def _isolated_import_store(tmp_path_factory):
    """Tests never see (or write to) the developer's imported datasets or prepared cache."""
    import os

    from borderwatch.config import environment_variable

    isolated = {
        environment_variable("data_dir"): str(tmp_path_factory.mktemp("imports")),
        environment_variable("cache_dir"): str(tmp_path_factory.mktemp("cache")),
    }
    previous = {name: os.environ.get(name) for name in isolated}
    os.environ.update(isolated)
    yield
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
