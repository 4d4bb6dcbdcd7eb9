"""PostGIS, which every spatial column needs.

Revision ID: 0001_postgis
Revises:
"""
from alembic import op

revision = "0001_postgis"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def downgrade():
    # Other schemas may use PostGIS too; dropping it would take their columns with it.
    pass
