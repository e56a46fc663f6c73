"""A narrow companion of ``incidents`` for filters and map aggregation: ``incident_facts``.

An imported incident row carries its summary, sources and notes (about 2 kB); the map's
filters and grid cells read a dozen short columns. Scanning a million wide rows for each
filter change takes seconds, so the columns the query path filters and counts on are kept
again, narrow (about 120 bytes a row), with their own indexes. The store fills it in the
same transaction as ``incidents`` and it goes with its dataset (ON DELETE CASCADE).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FACT_COLUMNS = (
    "dataset, position, date_start, date_end, country_iso3, event_type, perpetrator, "
    "fatalities_low, fatalities_best, fatalities_high, location_precision, verification, "
    "nearest_border, border_distance_km, latitude, longitude, geom"
)


def upgrade() -> None:
    """Create, index and fill the table; the app role may read, add and remove rows."""
    app_role = context.get_x_argument(as_dictionary=True).get(
        "app_role"
    ) or context.config.attributes.get("app_role", "borderwatch_app")
    role = '"' + app_role.replace('"', '""') + '"'
    op.execute(
        f"""
        CREATE TABLE incident_facts (
            dataset            text NOT NULL,
            position           integer NOT NULL,
            date_start         date NOT NULL,
            date_end           date NOT NULL,
            country_iso3       text NOT NULL,
            event_type         text NOT NULL,
            perpetrator        text,
            fatalities_low     bigint,
            fatalities_best    bigint,
            fatalities_high    bigint,
            location_precision smallint,
            verification       text,
            nearest_border     text,
            border_distance_km double precision,
            latitude           double precision,
            longitude          double precision,
            geom               geometry(Point, 4326),
            PRIMARY KEY (dataset, position),
            FOREIGN KEY (dataset) REFERENCES datasets (key) ON DELETE CASCADE
        );
        COMMENT ON TABLE incident_facts IS
            'Filter and map columns of incidents, narrow; same (dataset, position) keys';
        INSERT INTO incident_facts ({FACT_COLUMNS}) SELECT {FACT_COLUMNS} FROM incidents;
        CREATE INDEX incident_facts_geom_idx ON incident_facts USING gist (geom);
        CREATE INDEX incident_facts_date_idx ON incident_facts (date_start, date_end);
        CREATE INDEX incident_facts_country_date_idx ON incident_facts (country_iso3, date_start);
        CREATE INDEX incident_facts_type_idx ON incident_facts (event_type);
        CREATE INDEX incident_facts_zone_idx ON incident_facts (border_distance_km);
        CREATE INDEX incident_facts_lonlat_idx ON incident_facts (longitude, latitude);
        GRANT SELECT, INSERT, DELETE ON incident_facts TO {role};
        -- Filters read incident_facts now: the wide table keeps only the indexes that
        -- QGIS (points) and look-ups by id use; fewer indexes, faster imports.
        DROP INDEX incidents_date_idx, incidents_country_date_idx, incidents_type_idx,
            incidents_border_idx;
        """
    )


def downgrade() -> None:
    """Drop it (the incidents keep every column) and index the wide table again."""
    op.execute(
        """
        DROP TABLE IF EXISTS incident_facts;
        CREATE INDEX incidents_date_idx ON incidents (date_start, date_end);
        CREATE INDEX incidents_country_date_idx ON incidents (country_iso3, date_start);
        CREATE INDEX incidents_type_idx ON incidents (event_type);
        CREATE INDEX incidents_border_idx ON incidents (nearest_border, border_distance_km);
        """
    )
