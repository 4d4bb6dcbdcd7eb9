"""API keys issued per integration (Open311 clients), stored hashed.

Revision ID: 0008_integration_keys
Revises: 0007_notify
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_integration_keys'
down_revision = '0007_notify'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('integration_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('rate_limit', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash'),
    sa.UniqueConstraint('name')
    )


def downgrade():
    op.drop_table('integration_key')
