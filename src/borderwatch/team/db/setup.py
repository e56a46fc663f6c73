"""Setting up a team database: roles, schema migrations, the curated layers.

Three steps, each safe to repeat (``make team`` runs all three on the local server):

1. :func:`bootstrap` (as a superuser, once per database): the owner role that owns and
   migrates the schema, the app role the server runs as, the database, PostGIS.
2. :func:`migrate` (as the owner): Alembic ``upgrade head`` (``migrations/``), which also
   grants the app role what it needs and nothing more.
3. :func:`load_curated` (as the owner): the curated layer of ``geodata/`` copied into
   ``curated_incidents``, ``borders``, ``countries`` and ``crossing_points``.

On a real server the administrator runs step 1 by hand (SQL in ``docs/team-server.md``).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from borderwatch import loading, paths
from borderwatch.proximity import BorderIndex, add_border_distance
from borderwatch.schemas import CURATED_DATASET, CURATED_SOURCE
from borderwatch.team.db.copying import copy_into, incidents_csv
from borderwatch.team.db.engine import connection, safe_url

OWNER_ROLE = "borderwatch_owner"
APP_ROLE = "borderwatch_app"
DATABASE = "borderwatch"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def bootstrap(
    superuser_url: str,
    *,
    database: str = DATABASE,
    owner_role: str = OWNER_ROLE,
    app_role: str = APP_ROLE,
) -> None:
    """Create the two roles, the database (owned by the owner role) and PostGIS in it.

    The app role gets CONNECT and nothing else here; :func:`migrate` grants it the tables.
    Neither role is a superuser, and PUBLIC may not create objects in the schema.
    """
    admin = sa.create_engine(superuser_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        for role in (owner_role, app_role):
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).first()
            if exists is None:
                conn.execute(
                    sa.text(
                        f"CREATE ROLE {_quoted(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                    )
                )
        found = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
        ).first()
        if found is None:
            conn.execute(
                sa.text(f"CREATE DATABASE {_quoted(database)} OWNER {_quoted(owner_role)}")
            )
        conn.execute(
            sa.text(
                f"GRANT CONNECT, TEMPORARY ON DATABASE {_quoted(database)} TO {_quoted(app_role)}"
            )
        )
    admin.dispose()
    in_database = sa.make_url(superuser_url).set(database=database)
    engine = sa.create_engine(in_database, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        conn.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        conn.execute(sa.text(f"ALTER SCHEMA public OWNER TO {_quoted(owner_role)}"))
    engine.dispose()


def migrate(owner_url: str, *, app_role: str = APP_ROLE, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (``migrations/``), as the owner."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(paths.REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(paths.REPO_ROOT / "migrations"))
    config.attributes["url"] = owner_url
    config.attributes["app_role"] = app_role
    command.upgrade(config, revision)


def load_curated(owner_url: str, geodata_dir: Path = paths.GEODATA_DIR) -> dict[str, int]:
    """Replace the curated tables with the layer in ``geodata_dir``; returns rows per table.

    One transaction: readers see the old layer or the new one, never a mix.
    """
    geodata = loading.load_geodata(geodata_dir)
    incidents = add_border_distance(geodata.incidents, BorderIndex.from_borders(geodata.borders))
    with connection(owner_url, write=True) as conn:
        conn.execute(sa.text("TRUNCATE curated_incidents, borders, countries, crossing_points"))
        incidents["dataset"] = CURATED_DATASET
        incidents["source_dataset"] = CURATED_SOURCE
        incidents["original_id"] = incidents["incident_id"]
        copy_into(conn, "curated_incidents", incidents_csv(incidents))
        _insert_shapes(
            conn,
            "borders",
            geodata.borders,
            ("pair", "iso3_a", "iso3_b", "name", "length_km", "disputed"),
        )
        _insert_shapes(
            conn,
            "countries",
            geodata.countries,
            ("iso3", "name_en", "name_fr", "name_ar", "focus", "disputed", "status_note"),
        )
        _insert_shapes(
            conn,
            "crossing_points",
            geodata.crossings,
            (
                "crossing_id",
                "name",
                "border_pair",
                "point_country",
                "location_precision",
                "location_source",
                "kind",
                "status_note",
                "sources",
                "verification",
            ),
        )
        counts = {
            table: int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("curated_incidents", "borders", "countries", "crossing_points")
        }
    return counts


def _insert_shapes(
    conn: Connection, table: str, frame: gpd.GeoDataFrame, columns: tuple[str, ...]
) -> None:
    """Insert ``frame``'s ``columns`` and geometry (multi-part where the column is)."""
    multi = table in ("borders", "countries")
    geom = "ST_Multi(ST_GeomFromText(:wkt, 4326))" if multi else "ST_GeomFromText(:wkt, 4326)"
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    statement = sa.text(f"INSERT INTO {table} ({names}, geom) VALUES ({values}, {geom})")
    rows = []
    for record, shape in zip(frame[list(columns)].to_dict("records"), frame.geometry, strict=True):
        row = {c: _plain(record[c]) for c in columns}
        row["wkt"] = shape.wkt
        rows.append(row)
    if rows:
        conn.execute(statement, rows)


def _plain(value: object) -> object:
    """A cell as the driver takes it: tuples as lists, missing as NULL."""
    if isinstance(value, tuple):
        return list(value)
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def describe(url: str) -> str:
    """``url`` with the password masked (for the command's messages)."""
    return safe_url(url)
