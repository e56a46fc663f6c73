"""Grid cells counted ahead: ``incident_cell_counts``, the map's cells for a filter on
countries, years and event types without scanning the events.

A large selection is drawn as grid cells of one of six sizes (``aggregate.CELL_SIZES_DEG``).
Each imported dataset's placed incidents are counted per cell of every size, country, event
type, year of the start and year of the end (the years filter keeps an incident if any of
its days falls in them): sums and extremes that add up exactly. The store fills it with
``incident_counts`` (:meth:`PostgisDatasetStore.save`); it goes with its dataset (ON DELETE
CASCADE). The counting SQL is the store's (``query.cell_counts_select``), written out so
this migration does not change when the code does.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CELL_SIZES_DEG = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
_LOW = "coalesce(fatalities_low, fatalities_best, fatalities_high)"
_BEST = "coalesce(fatalities_best, fatalities_low, fatalities_high)"
_HIGH = "coalesce(fatalities_high, fatalities_best, fatalities_low)"


def _backfill(cell_deg: float) -> str:
    return f"""
    INSERT INTO incident_cell_counts
    SELECT dataset, {cell_deg!r}::float8, country_iso3, event_type,
        extract(year FROM date_start)::integer, extract(year FROM date_end)::integer,
        floor(longitude / {cell_deg!r}::float8)::bigint AS cell_x,
        floor(latitude / {cell_deg!r}::float8)::bigint AS cell_y,
        count(*), sum(low), sum(best), sum(high), count(*) FILTER (WHERE low IS NULL),
        sum(longitude), sum(latitude), min(date_start), max(date_start)
    FROM (
        SELECT *, least({_LOW}, {_BEST}, {_HIGH}) AS low, {_BEST} AS best,
            greatest({_LOW}, {_BEST}, {_HIGH}) AS high
        FROM incident_facts WHERE latitude IS NOT NULL AND longitude IS NOT NULL
    ) AS facts
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    """


def upgrade() -> None:
    """Create and fill the table; the app role may read, add and remove rows."""
    app_role = context.get_x_argument(as_dictionary=True).get(
        "app_role"
    ) or context.config.attributes.get("app_role", "borderwatch_app")
    role = '"' + app_role.replace('"', '""') + '"'
    op.execute(
        f"""
        CREATE TABLE incident_cell_counts (
            dataset        text NOT NULL REFERENCES datasets (key) ON DELETE CASCADE,
            cell_deg       double precision NOT NULL,
            country_iso3   text NOT NULL,
            event_type     text NOT NULL,
            start_year     integer NOT NULL,
            end_year       integer NOT NULL,
            cell_x         bigint NOT NULL,
            cell_y         bigint NOT NULL,
            incidents      bigint NOT NULL,
            deaths_low     numeric,
            deaths_best    numeric,
            deaths_high    numeric,
            unknown_deaths bigint NOT NULL,
            sum_longitude  double precision NOT NULL,
            sum_latitude   double precision NOT NULL,
            first          date NOT NULL,
            last           date NOT NULL
        );
        COMMENT ON TABLE incident_cell_counts IS
            'Placed imported incidents counted per dataset, grid cell size, country, event '
            'type, start year, end year and cell';
        {"".join(_backfill(size) for size in CELL_SIZES_DEG)}
        CREATE INDEX incident_cell_counts_size_idx ON incident_cell_counts (cell_deg, dataset);
        GRANT SELECT, INSERT, DELETE ON incident_cell_counts TO {role};
        """
    )


def downgrade() -> None:
    """Drop it: the cells are counted from ``incident_facts`` again."""
    op.execute("DROP TABLE IF EXISTS incident_cell_counts;")
