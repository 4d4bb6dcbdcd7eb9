"""Incidents, their append-only event log and photos.

Revision ID: 0004_incidents
Revises: 0003_reference
"""
from alembic import op
from geoalchemy2 import Geometry
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0004_incidents"
down_revision = "0003_reference"
branch_labels = None
depends_on = None


#: Refuses every UPDATE and DELETE on the event log, whoever asks.
APPEND_ONLY = """
CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
    FOR EACH ROW EXECUTE FUNCTION event_append_only();
"""


def upgrade():
    op.execute("CREATE SEQUENCE incident_case_number_seq")
    op.create_geospatial_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_detail', sa.String(length=100), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_name', sa.String(length=100), nullable=True),
    sa.Column('reporter_phone', sa.String(length=32), nullable=True),
    sa.Column('tracking_token', sa.String(length=64), nullable=True),
    sa.Column('point', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('crs', sa.String(length=10), nullable=False),
    sa.Column('source_lon', sa.Float(), nullable=False),
    sa.Column('source_lat', sa.Float(), nullable=False),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('location_match', sa.String(length=10), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('triage', sa.String(length=10), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('limits', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('self_handled', sa.Boolean(), nullable=False),
    sa.Column('rework_count', sa.Integer(), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('reassign_count', sa.Integer(), nullable=False),
    sa.Column('on_hold_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extension_request', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('verified_on_site', sa.Boolean(), nullable=True),
    sa.Column('satisfaction', sa.String(length=24), nullable=True),
    sa.Column('unit_score', sa.Integer(), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("crs IN ('wgs84', 'cgcs2000', 'gcj02', 'bd09')", name='incident_crs'),
    sa.CheckConstraint("source IN ('grid_worker', 'resident', 'api', 'open311')", name='incident_source'),
    sa.CheckConstraint("state IN ('screening', 'assignment', 'handling', 'supervision', 'evaluation', 'closed', 'rejected', 'merged')", name='incident_state'),
    sa.CheckConstraint("triage IS NULL OR triage IN ('private', 'small', 'big', 'hard')", name='incident_triage'),
    sa.CheckConstraint("urgency IN ('normal', 'urgent')", name='incident_urgency'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], ),
    sa.ForeignKeyConstraint(['community_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['district_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['grid_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['incident.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['street_id'], ['area.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_number'),
    sa.UniqueConstraint('client_id'),
    sa.UniqueConstraint('tracking_token')
    )
    op.create_geospatial_index('idx_incident_point', 'incident', ['point'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('incident_open_due', 'incident', ['state', 'due_at'], unique=False, postgresql_where=sa.text("state NOT IN ('closed', 'rejected', 'merged')"))
    op.create_index('incident_reported_at', 'incident', ['reported_at'], unique=False)
    op.create_index('incident_street_state', 'incident', ['street_id', 'state'], unique=False)
    op.create_index(op.f('ix_incident_category_id'), 'incident', ['category_id'], unique=False)
    op.create_index(op.f('ix_incident_community_id'), 'incident', ['community_id'], unique=False)
    op.create_index(op.f('ix_incident_district_id'), 'incident', ['district_id'], unique=False)
    op.create_index(op.f('ix_incident_grid_id'), 'incident', ['grid_id'], unique=False)
    op.create_index(op.f('ix_incident_lead_unit_id'), 'incident', ['lead_unit_id'], unique=False)
    op.create_table('incident_co_unit',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('incident_id', 'unit_id')
    )
    op.create_table('event',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_event_incident_id'), 'event', ['incident_id'], unique=False)
    op.create_table('photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_photo_incident_id'), 'photo', ['incident_id'], unique=False)
    op.create_index(op.f('ix_photo_sha256'), 'photo', ['sha256'], unique=False)
    op.execute(APPEND_ONLY)


def downgrade():
    op.execute("DROP TRIGGER event_append_only ON event")
    op.execute("DROP FUNCTION event_append_only()")
    op.drop_table('photo')
    op.drop_table('event')
    op.drop_table('incident_co_unit')
    op.drop_geospatial_table('incident')
    op.execute("DROP SEQUENCE incident_case_number_seq")
