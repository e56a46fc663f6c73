"""A throw-away PostgreSQL + PostGIS cluster for the team-database tests.

``team_database`` (session) starts a cluster with ``scripts/pg.sh`` in a short folder under
/tmp (Unix socket paths are limited to 107 bytes) on a free port, bootstraps and migrates
it, and stops and removes it at the end. Without the Debian packages the tests that need it
are skipped, saying so; under ``CI=true`` they fail instead (``.ci/run`` installs them).
``empty_team_database`` (function) empties the dataset tables before a test.

``tests/conftest.py`` makes them available to every test module.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from borderwatch import paths

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


@dataclass(frozen=True)
class TeamDatabase:
    """URLs of the test cluster's database, by role."""

    superuser_url: str
    owner_url: str
    app_url: str
    #: Runs ``scripts/pg.sh COMMAND`` on this cluster (``stop``, ``start``, ``status``).
    pg: Callable[[str], None]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _missing_reason() -> str | None:
    if not (PGBIN / "initdb").exists():
        return (
            f"PostgreSQL 15 is not installed ({PGBIN}/initdb missing): "
            "apt-get install -y postgresql-15 postgresql-15-postgis-3"
        )
    if not POSTGIS_CONTROL.exists():
        return "PostGIS is not installed: apt-get install -y postgresql-15-postgis-3"
    return None


@pytest.fixture(scope="session")
def team_database():
    """A migrated team database on a private cluster (see the module docstring)."""
    reason = _missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the database tests: {reason}")
        pytest.skip(reason)
    from borderwatch.team.db import setup

    root = Path(tempfile.mkdtemp(prefix="bwpg-", dir="/tmp"))
    port = _free_port()
    environment = {**os.environ, "PGROOT": str(root), "PGPORT": str(port)}
    script = str(paths.REPO_ROOT / "scripts" / "pg.sh")

    def pg(command: str) -> None:
        subprocess.run([script, command], env=environment, check=True, capture_output=True)

    pg("init")
    pg("start")
    try:
        base = f"postgresql+psycopg://{{}}@127.0.0.1:{port}/{{}}"
        database = TeamDatabase(
            superuser_url=base.format("postgres", "postgres"),
            owner_url=base.format(setup.OWNER_ROLE, setup.DATABASE),
            app_url=base.format(setup.APP_ROLE, setup.DATABASE),
            pg=pg,
        )
        setup.bootstrap(database.superuser_url)
        setup.migrate(database.owner_url)
        yield database
    finally:
        from borderwatch.team.db import engine

        for pooled in list(engine._engines.values()):
            pooled.dispose()
        engine._engines.clear()
        subprocess.run([script, "stop"], env=environment, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def empty_team_database(team_database):
    """The team database with no dataset, incident or split merge (the audit trail stays:
    nobody can empty it)."""
    engine = sa.create_engine(team_database.owner_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(
            sa.text("TRUNCATE datasets, incidents, distinct_pairs, retired_dataset_keys CASCADE")
        )
    engine.dispose()
    return team_database
