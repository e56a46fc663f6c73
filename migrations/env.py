"""Alembic environment: runs the migrations in ``migrations/versions`` as the owner role.

The URL comes from the caller (``config.attributes["url"]``, set by
:func:`borderwatch.team.db.setup.migrate`), from ``-x url=...`` on the alembic command line,
or from ``BORDERWATCH_DATABASE_OWNER_URL``. Migrations are plain SQL: the tables are the
documented interface (QGIS opens them), so their definition is spelled out, not generated.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from borderwatch.config import settings


def _url() -> str:
    url = context.config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get(
        "url"
    )
    url = url or settings().database_owner_url
    if not url:
        raise SystemExit(
            "No database to migrate: set BORDERWATCH_DATABASE_OWNER_URL to the owner role's URL "
            "(or pass -x url=postgresql+psycopg://owner@host:port/db)."
        )
    return url


def run_migrations_online() -> None:
    """Migrate the database in one transaction (PostgreSQL has transactional DDL)."""
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=False)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; connect to the database.")
run_migrations_online()
