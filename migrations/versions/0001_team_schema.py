"""The team server's schema: datasets, incidents, split merges, curated layers, audit trail.

Every geometry is in EPSG:4326. Imported incidents carry their nearest land border and the
geodesic distance to it, measured once at import, so filters by border zone run in SQL.
The app's role (``app_role``, default ``borderwatch_app``) may read and write the data but
owns nothing, so it cannot change the schema; on ``audit_events`` it may only insert and
read, and a trigger refuses any UPDATE, DELETE or TRUNCATE whoever asks.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from alembic import context, op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: The columns of an incident, imported or curated (the incident contract of schemas.py
#: plus what is measured at import).
INCIDENT_COLUMNS = """
    dataset             text NOT NULL,
    position            integer NOT NULL,
    row_index           bigint NOT NULL,
    incident_id         text NOT NULL,
    name                text NOT NULL,
    date_start          date NOT NULL,
    date_end            date NOT NULL,
    date_precision      text NOT NULL,
    country_iso3        text NOT NULL,
    place_name          text NOT NULL,
    latitude            double precision,
    longitude           double precision,
    location_precision  smallint,
    location_source     text NOT NULL,
    event_type          text NOT NULL,
    event_subtype       text,
    perpetrator         text,
    fatalities_low      bigint,
    fatalities_best     bigint,
    fatalities_high     bigint,
    fatalities_note     text,
    other_casualties    text,
    origin_countries    text[] NOT NULL DEFAULT '{}',
    cross_border_note   text,
    summary             text NOT NULL,
    sources             text[] NOT NULL DEFAULT '{}',
    verification        text,
    checked             text,
    unverified          text,
    source_dataset      text NOT NULL,
    original_id         text NOT NULL,
    origin_dataset_name text,
    nearest_border      text,
    border_distance_km  double precision,
    geom                geometry(Point, 4326)
"""


def _incident_indexes(table: str) -> str:
    return f"""
    CREATE INDEX {table}_geom_idx ON {table} USING gist (geom);
    CREATE INDEX {table}_date_idx ON {table} (date_start, date_end);
    CREATE INDEX {table}_country_date_idx ON {table} (country_iso3, date_start);
    CREATE INDEX {table}_type_idx ON {table} (event_type);
    CREATE INDEX {table}_border_idx ON {table} (nearest_border, border_distance_km);
    CREATE INDEX {table}_incident_id_idx ON {table} (incident_id);
    """


SCHEMA = f"""
CREATE EXTENSION IF NOT EXISTS postgis;

-- Bumped by every change to the registry, the incidents or the split merges: app
-- processes key their caches on it, so one sees another's import or deletion at once.
CREATE SEQUENCE store_version;
CREATE FUNCTION bump_store_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('store_version');
    RETURN NULL;
END $$;

CREATE TABLE datasets (
    seq              bigserial UNIQUE,
    key              text PRIMARY KEY CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name             text NOT NULL CHECK (btrim(name) <> ''),
    source_format    text NOT NULL,
    source_file      text NOT NULL,
    rows             integer NOT NULL CHECK (rows >= 0),
    rejected         integer NOT NULL CHECK (rejected >= 0),
    imported_at      timestamptz NOT NULL DEFAULT now(),
    enabled          boolean NOT NULL DEFAULT true,
    sha256           text NOT NULL,
    source_sha256    text NOT NULL DEFAULT '',
    merge_duplicates boolean NOT NULL DEFAULT true,
    groups           text[] NOT NULL DEFAULT '{{}}'
);
COMMENT ON TABLE datasets IS
    'Imported datasets, one row each; groups: who may see it (empty: everyone)';

-- Keys of deleted datasets: never handed out again, so an incident id keeps its meaning.
CREATE TABLE retired_dataset_keys (key text PRIMARY KEY);

CREATE TABLE incidents ({INCIDENT_COLUMNS},
    PRIMARY KEY (dataset, position),
    FOREIGN KEY (dataset) REFERENCES datasets (key) ON DELETE CASCADE
);
{_incident_indexes("incidents")}
COMMENT ON TABLE incidents IS
    'Imported incidents, EPSG:4326 points; border distance in km (geodesic)';

CREATE TABLE curated_incidents ({INCIDENT_COLUMNS},
    PRIMARY KEY (position)
);
{_incident_indexes("curated_incidents")}
COMMENT ON TABLE curated_incidents IS 'The curated incidents of geodata/incidents.csv, as loaded';

CREATE TABLE distinct_pairs (
    seq         bigserial UNIQUE,
    first_id    text NOT NULL,
    second_id   text NOT NULL,
    declared_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
);

CREATE TABLE borders (
    pair      text PRIMARY KEY,
    iso3_a    text NOT NULL,
    iso3_b    text NOT NULL,
    name      text NOT NULL,
    length_km double precision,
    disputed  boolean NOT NULL DEFAULT false,
    geom      geometry(MultiLineString, 4326) NOT NULL
);
CREATE INDEX borders_geom_idx ON borders USING gist (geom);

CREATE TABLE countries (
    iso3        text PRIMARY KEY,
    name_en     text NOT NULL,
    name_fr     text,
    name_ar     text,
    focus       boolean NOT NULL DEFAULT false,
    disputed    boolean NOT NULL DEFAULT false,
    status_note text,
    geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX countries_geom_idx ON countries USING gist (geom);

CREATE TABLE crossing_points (
    crossing_id        text PRIMARY KEY,
    name               text NOT NULL,
    border_pair        text NOT NULL,
    point_country      text,
    location_precision smallint,
    location_source    text,
    kind               text,
    status_note        text,
    sources            text[] NOT NULL DEFAULT '{{}}',
    verification       text,
    geom               geometry(Point, 4326) NOT NULL
);

CREATE TABLE audit_events (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    "user"  text NOT NULL,
    action  text NOT NULL CHECK (action IN ('import', 'enable', 'disable', 'delete', 'export',
                                            'restrict', 'settings', 'sign-in')),
    dataset text NOT NULL DEFAULT '',
    sha256  text NOT NULL DEFAULT '',
    detail  jsonb NOT NULL DEFAULT '{{}}'
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
COMMENT ON TABLE audit_events IS
    'Who did what, when: append-only (UPDATE, DELETE, TRUNCATE refused)';

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on audit_events is refused', TG_OP;
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
"""

VERSIONED = ("datasets", "incidents", "distinct_pairs", "curated_incidents")


def _grants(app_role: str) -> str:
    role = '"' + app_role.replace('"', '""') + '"'
    return f"""
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO {role};
    GRANT SELECT, INSERT, UPDATE, DELETE ON datasets, incidents, distinct_pairs TO {role};
    GRANT SELECT, INSERT ON retired_dataset_keys TO {role};
    GRANT SELECT ON curated_incidents, borders, countries, crossing_points, alembic_version
        TO {role};
    GRANT SELECT, INSERT ON audit_events TO {role};
    GRANT USAGE, SELECT ON SEQUENCE datasets_seq_seq, distinct_pairs_seq_seq,
        audit_events_id_seq TO {role};
    GRANT USAGE, SELECT, UPDATE ON SEQUENCE store_version TO {role};
    """


def upgrade() -> None:
    """Create the schema and grant the app role what it needs, and no more."""
    op.execute(SCHEMA)
    for table in VERSIONED:
        op.execute(
            f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_store_version()"
        )
    app_role = context.get_x_argument(as_dictionary=True).get(
        "app_role"
    ) or context.config.attributes.get("app_role", "borderwatch_app")
    op.execute(_grants(app_role))


def downgrade() -> None:
    """Drop everything this revision made (the audit trail included: owner only)."""
    op.execute(
        "DROP TABLE IF EXISTS audit_events, crossing_points, countries, borders, distinct_pairs,"
        " curated_incidents, incidents, retired_dataset_keys, datasets CASCADE;"
        " DROP FUNCTION IF EXISTS refuse_audit_change(), bump_store_version();"
        " DROP SEQUENCE IF EXISTS store_version;"
    )
