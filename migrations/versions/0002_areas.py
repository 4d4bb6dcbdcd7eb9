"""Areas and the grid layer version stamp.

Revision ID: 0002_areas
Revises: 0001_postgis
"""
from alembic import op
from geoalchemy2 import Geometry
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0002_areas"
down_revision = "0001_postgis"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grid_layer',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_geospatial_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('layer_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("level IN ('district', 'street', 'community', 'grid')", name='area_level'),
    sa.ForeignKeyConstraint(['layer_version'], ['grid_layer.version'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('area_current_code', 'area', ['code'], unique=True, postgresql_where=sa.text('valid_to IS NULL'))
    op.create_index('area_parent_code', 'area', ['parent_code'], unique=False)
    op.create_geospatial_index('idx_area_geom', 'area', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})


def downgrade():
    op.drop_geospatial_table('area')
    op.drop_table('grid_layer')
