"""Deadlines remember how far the escalation policy has gone, and when its next rung acts.

Revision ID: 0009_deadline_escalation
Revises: 0008_integration_keys
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_deadline_escalation"
down_revision = "0008_integration_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("deadline", sa.Column("escalated_position", sa.Integer(),
                                        server_default="0", nullable=False))
    op.add_column("deadline", sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("deadline_escalate_breached", "deadline", ["escalate_at"], unique=False,
                    postgresql_where=sa.text("state = 'breached'"))


def downgrade():
    op.drop_index("deadline_escalate_breached", table_name="deadline",
                  postgresql_where=sa.text("state = 'breached'"))
    op.drop_column("deadline", "escalate_at")
    op.drop_column("deadline", "escalated_position")
