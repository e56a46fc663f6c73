"""Connections to the team database: one pooled engine per URL, and errors that say what to do.

Every connection is checked before use (``pool_pre_ping``), so a database restart costs the
app nothing but a reconnect. A database that cannot be reached raises
:class:`DatabaseUnavailableError`, naming the URL (never its password) and what to do;
it is a :class:`~borderwatch.errors.DataFileError`, so every page already shows it as a
message, never a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from borderwatch.config import ConfigError
from borderwatch.errors import DataFileError, Problem

#: The schema revision this code reads and writes (``migrations/versions``).
SCHEMA_REVISION = "0006"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def safe_url(url: str) -> str:
    """``url`` with its password masked, for messages and logs."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(an unreadable database URL)"


class DatabaseUnavailableError(DataFileError):
    """The team database cannot be reached or is not ready (not migrated, wrong version)."""

    def __init__(self, url: str, reason: str, *, remedy: str = "") -> None:
        shown = safe_url(url)
        super().__init__(
            "team database",
            [Problem(None, None, f"{shown} {reason}")],
            remedy=remedy
            or (
                f"Check that PostgreSQL is running and reachable at {shown} (`make team` starts "
                "the local one; `scripts/pg.sh status` tells whether it runs), and that "
                "BORDERWATCH_DATABASE_URL names the right host, port, database and role. "
                "While it is down nothing is half-written: an import tried then is not stored; "
                "import again once it is back."
            ),
        )
        self.url = shown


def engine_for(url: str) -> Engine:
    """The pooled engine for ``url`` (made once per process)."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            try:
                engine = sa.create_engine(
                    url,
                    pool_pre_ping=True,
                    pool_size=5,
                    max_overflow=10,
                    connect_args={"connect_timeout": 5, "options": "-c timezone=UTC"},
                )
            except (sa.exc.ArgumentError, ImportError) as error:
                raise ConfigError(
                    f"BORDERWATCH_DATABASE_URL={safe_url(url)!r} is not a usable database URL "
                    f"({error}); expected e.g. postgresql+psycopg://borderwatch_app@127.0.0.1:55432/borderwatch"
                ) from None
            _engines[url] = engine
        return engine


@contextmanager
def connection(url: str, *, write: bool = False) -> Iterator[Connection]:
    """A connection from the pool; with ``write``, inside a transaction committed on exit.

    Raises :class:`DatabaseUnavailableError` when the database cannot be reached.
    """
    engine = engine_for(url)
    try:
        context = engine.begin() if write else engine.connect()
        with context as conn:
            yield conn
    except sa.exc.OperationalError as error:
        if error.connection_invalidated or _is_connect_error(error):
            raise DatabaseUnavailableError(
                url, f"cannot be reached ({_first_line(error)})"
            ) from None
        raise


def _is_connect_error(error: sa.exc.OperationalError) -> bool:
    text = str(error.orig or error).lower()
    return any(
        phrase in text
        for phrase in (
            "connection refused",
            "could not connect",
            "connection failed",
            "timeout expired",
            "does not exist",
            "no such file",
            "server closed the connection",
            "terminating connection",
            "the database system is",
        )
    )


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return str(orig).strip().splitlines()[0][:300] if str(orig).strip() else type(orig).__name__


def check_ready(url: str) -> int:
    """Connect, check the schema is at :data:`SCHEMA_REVISION`; returns the store version.

    Raises :class:`DatabaseUnavailableError` with what to do when it is not.
    """
    with connection(url) as conn:
        try:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            version = conn.execute(sa.text("SELECT last_value FROM store_version")).scalar_one()
        except sa.exc.ProgrammingError:
            raise DatabaseUnavailableError(
                url,
                "has no BorderWatch schema (or the app's role may not read it)",
                remedy="Run `python -m borderwatch.team.db migrate` with "
                "BORDERWATCH_DATABASE_OWNER_URL set to the schema owner's URL (`make team` "
                "does it for the local server).",
            ) from None
    if revision != SCHEMA_REVISION:
        raise DatabaseUnavailableError(
            url,
            f"has schema revision {revision!r}; this BorderWatch needs {SCHEMA_REVISION!r}",
            remedy="Run `python -m borderwatch.team.db migrate` as the schema owner, or run the "
            "BorderWatch version that matches the database.",
        )
    return int(version)
