"""Units, the category taxonomy, the responsibility list, users and tokens.

Revision ID: 0003_reference
Revises: 0002_areas
"""
from alembic import op
from geoalchemy2 import Geometry
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0003_reference"
down_revision = "0002_areas"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('department', 'company', 'grid_station', 'street_office', 'district_centre')", name='unit_kind'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index(op.f('ix_unit_area_code'), 'unit', ['area_code'], unique=False)
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('taxonomy', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.Column('default_urgency', sa.String(length=10), nullable=False),
    sa.Column('handling_minutes', sa.Integer(), nullable=True),
    sa.Column('urgent_minutes', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("default_urgency IN ('normal', 'urgent')", name='category_urgency'),
    sa.CheckConstraint("kind IN ('event', 'facility')", name='category_kind'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('category_code_taxonomy', 'category', ['taxonomy', 'kind', 'code'], unique=True)
    op.create_table('responsibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_kind', sa.String(length=10), nullable=False),
    sa.Column('category_code', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('responsibility_key', 'responsibility', ['category_kind', 'category_code', 'area_code'], unique=True)
    op.create_table('responsibility_co_unit',
    sa.Column('responsibility_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['responsibility_id'], ['responsibility.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('responsibility_id', 'unit_id')
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role IN ('grid_worker', 'dispatcher', 'department', 'district', 'admin')", name='user_role'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('user_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'area_code')
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_api_token_user_id'), 'api_token', ['user_id'], unique=False)


def downgrade():
    op.drop_table('api_token')
    op.drop_table('user_area')
    op.drop_table('app_user')
    op.drop_table('responsibility_co_unit')
    op.drop_table('responsibility')
    op.drop_table('category')
    op.drop_table('unit')
