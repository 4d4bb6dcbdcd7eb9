"""The working calendar.

Revision ID: 0006_calendar
Revises: 0005_timers
"""
from alembic import op
from geoalchemy2 import Geometry
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0006_calendar"
down_revision = "0005_timers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name='calendar_day_kind'),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('calendar_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('office_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=True),
    sa.Column('periods', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('office_hours_area', 'office_hours', ['area_code'], unique=True, postgresql_nulls_not_distinct=True)


def downgrade():
    op.drop_table('office_hours')
    op.drop_table('calendar_year')
    op.drop_table('calendar_day')
