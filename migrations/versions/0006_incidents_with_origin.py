"""Incidents with a documented cross-border origin, indexed: the map's links.

Most imported rows (every ACLED, UCDP or GTD row) name no origin country; the links of a
selection are the few that do, newest first. A partial index on those rows' start dates
finds them without reading the wide incidents table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index the imported and curated incidents that name an origin country."""
    op.execute(
        """
        CREATE INDEX incidents_with_origin_idx ON incidents (date_start DESC)
            WHERE cardinality(origin_countries) > 0;
        CREATE INDEX curated_incidents_with_origin_idx ON curated_incidents (date_start DESC)
            WHERE cardinality(origin_countries) > 0;
        """
    )


def downgrade() -> None:
    """Drop the indexes."""
    op.execute(
        """
        DROP INDEX IF EXISTS incidents_with_origin_idx;
        DROP INDEX IF EXISTS curated_incidents_with_origin_idx;
        """
    )
