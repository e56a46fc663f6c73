"""Incidents counted ahead: ``incident_counts``, what a filter on countries, years and
event types needs of a million events without scanning them.

After a filter change the Incident map shows counters, per-country shading and both trends
(per year and per month). Counted from ``incident_facts`` that is a scan of every kept row
(seconds at a million); counted from this table, a few thousand rows. Each imported
dataset's incidents are counted per country, event type, month of the start and year of
the end (the years filter keeps an incident if any of its days falls in them): sums and
extremes that add up exactly across rows. The store fills it in the same transaction as
``incident_facts`` (:meth:`PostgisDatasetStore.save`) and it goes with its dataset (ON
DELETE CASCADE). The counting SQL below is the store's (``query.counts_select``), written
out so this migration does not change when the code does.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import context, op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_LOW = "coalesce(fatalities_low, fatalities_best, fatalities_high)"
_BEST = "coalesce(fatalities_best, fatalities_low, fatalities_high)"
_HIGH = "coalesce(fatalities_high, fatalities_best, fatalities_low)"
_BACKFILL = f"""
    INSERT INTO incident_counts
    SELECT dataset, country_iso3, event_type,
        date_trunc('month', date_start::timestamp)::date AS month,
        extract(year FROM date_end)::integer AS end_year,
        count(*), count(*) FILTER (WHERE placed), sum(low), sum(best), sum(high),
        count(*) FILTER (WHERE low IS NULL),
        min(longitude) FILTER (WHERE placed), min(latitude) FILTER (WHERE placed),
        max(longitude) FILTER (WHERE placed), max(latitude) FILTER (WHERE placed),
        sum(longitude) FILTER (WHERE placed), sum(latitude) FILTER (WHERE placed),
        min(date_start), max(date_start)
    FROM (
        SELECT *, latitude IS NOT NULL AND longitude IS NOT NULL AS placed,
            least({_LOW}, {_BEST}, {_HIGH}) AS low, {_BEST} AS best,
            greatest({_LOW}, {_BEST}, {_HIGH}) AS high
        FROM incident_facts
    ) AS facts
    GROUP BY dataset, country_iso3, event_type, month, end_year;
"""


def upgrade() -> None:
    """Create and fill the table; the app role may read, add and remove rows."""
    app_role = context.get_x_argument(as_dictionary=True).get(
        "app_role"
    ) or context.config.attributes.get("app_role", "borderwatch_app")
    role = '"' + app_role.replace('"', '""') + '"'
    op.execute(
        f"""
        CREATE TABLE incident_counts (
            dataset        text NOT NULL REFERENCES datasets (key) ON DELETE CASCADE,
            country_iso3   text NOT NULL,
            event_type     text NOT NULL,
            month          date NOT NULL,
            end_year       integer NOT NULL,
            incidents      bigint NOT NULL,
            placed         bigint NOT NULL,
            deaths_low     numeric,
            deaths_best    numeric,
            deaths_high    numeric,
            unknown_deaths bigint NOT NULL,
            west           double precision,
            south          double precision,
            east           double precision,
            north          double precision,
            sum_longitude  double precision,
            sum_latitude   double precision,
            first          date NOT NULL,
            last           date NOT NULL
        );
        COMMENT ON TABLE incident_counts IS
            'Imported incidents counted per dataset, country, event type, start month and '
            'end year (sums of the death bounds; extent and coordinate sums of placed ones)';
        {_BACKFILL}
        CREATE INDEX incident_counts_dataset_idx ON incident_counts (dataset);
        GRANT SELECT, INSERT, DELETE ON incident_counts TO {role};
        """
    )


def downgrade() -> None:
    """Drop it: the overview counts from ``incident_facts`` again."""
    op.execute("DROP TABLE IF EXISTS incident_counts;")
