"""SLA limits, deadlines, supervision orders, whistles and escalation policy.

Revision ID: 0005_timers
Revises: 0004_incidents
"""
from alembic import op
from geoalchemy2 import Geometry
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0005_timers"
down_revision = "0004_incidents"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sla_limit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('category_kind', sa.String(length=10), nullable=True),
    sa.Column('category_code', sa.String(length=16), nullable=True),
    sa.Column('urgency', sa.String(length=10), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=8), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("basis IN ('working', 'natural')", name='sla_basis'),
    sa.CheckConstraint("step IN ('screening', 'onsite_check', 'sign', 'handling', 'verification', 'evaluation', 'checkin')", name='sla_step'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('sla_limit_key', 'sla_limit', ['step', 'category_kind', 'category_code', 'urgency'], unique=True, postgresql_nulls_not_distinct=True)
    op.create_table('whistle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('blown_by_id', sa.Integer(), nullable=True),
    sa.Column('blown_by_unit_id', sa.Integer(), nullable=True),
    sa.Column('blown_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("reason IN ('public_demand', 'enforcement', 'emergency', 'sla_breach')", name='whistle_reason'),
    sa.CheckConstraint("state IN ('active', 'closed')", name='whistle_state'),
    sa.ForeignKeyConstraint(['blown_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['blown_by_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['street_id'], ['area.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_whistle_street_id'), 'whistle', ['street_id'], unique=False)
    op.create_table('whistle_incident',
    sa.Column('whistle_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['whistle_id'], ['whistle.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('whistle_id', 'incident_id')
    )
    op.create_index(op.f('ix_whistle_incident_incident_id'), 'whistle_incident', ['incident_id'], unique=False)
    op.create_geospatial_table('summons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('whistle_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('checkin_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('attendee', sa.String(length=200), nullable=True),
    sa.Column('arrive_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'checked_in', 'missed')", name='summons_status'),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['whistle_id'], ['whistle.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_summons_unit_id'), 'summons', ['unit_id'], unique=False)
    op.create_index('summons_unit_whistle', 'summons', ['whistle_id', 'unit_id'], unique=True)
    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('summons_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('basis', sa.String(length=8), nullable=False),
    sa.Column('limit_minutes', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('warn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('breached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("basis IN ('working', 'natural')", name='deadline_basis'),
    sa.CheckConstraint("kind IN ('screening', 'onsite_check', 'sign', 'handling', 'verification', 'evaluation', 'checkin')", name='deadline_kind'),
    sa.CheckConstraint("state IN ('pending', 'warned', 'breached', 'met', 'cancelled')", name='deadline_state'),
    sa.CheckConstraint('(incident_id IS NULL) <> (summons_id IS NULL)', name='deadline_owner'),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['summons_id'], ['summons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('deadline_due_open', 'deadline', ['due_at'], unique=False, postgresql_where=sa.text("state IN ('pending', 'warned')"))
    op.create_index('deadline_warn_pending', 'deadline', ['warn_at'], unique=False, postgresql_where=sa.text("state = 'pending'"))
    op.create_index(op.f('ix_deadline_incident_id'), 'deadline', ['incident_id'], unique=False)
    op.create_index(op.f('ix_deadline_summons_id'), 'deadline', ['summons_id'], unique=False)
    op.create_table('supervision_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['issued_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_supervision_order_incident_id'), 'supervision_order', ['incident_id'], unique=False)
    op.create_table('escalation_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_kind', sa.String(length=10), nullable=True),
    sa.Column('category_code', sa.String(length=16), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('area_level', sa.String(length=10), nullable=False),
    sa.Column('after_minutes', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('options', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint("area_level IN ('grid', 'community', 'street', 'district')", name='escalation_area_level'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('periodic_run',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', 'period')
    )


def downgrade():
    op.drop_table('periodic_run')
    op.drop_table('escalation_level')
    op.drop_table('supervision_order')
    op.drop_table('deadline')
    op.drop_geospatial_table('summons')
    op.drop_table('whistle_incident')
    op.drop_table('whistle')
    op.drop_table('sla_limit')
