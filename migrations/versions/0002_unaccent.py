"""Accent-insensitive text search in SQL: the ``unaccent`` extension (PostgreSQL contrib).

The perpetrator filter of the in-database query path (``borderwatch.team.db.query``)
compares ``lower(unaccent(text))``, as the pages compare accent-folded text in Python.
``unaccent`` is a trusted extension: the database owner may create it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the extension (no table changes)."""
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def downgrade() -> None:
    """Drop it."""
    op.execute("DROP EXTENSION IF EXISTS unaccent")
