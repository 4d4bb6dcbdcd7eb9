"""Indexes for lists at city scale: the console's queues, and the weekly reports' periods.

incident_open_queue serves a queue page (one stage's open cases in due order, on hold last,
continued after a keyset cursor) and the stage counts beside it (the scope and filter
columns are included, so the counts read the index only, whatever the closed history).
incident_closed_at and event_at serve the weekly reports' cases closed and evaluations given
in a week.

Revision ID: 0013_list_indexes
Revises: 0012_report_archive
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_list_indexes"
down_revision = "0012_report_archive"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "incident_open_queue", "incident",
        ["state", sa.text("COALESCE(due_at, 'infinity'::timestamptz)"), "id"],
        postgresql_include=["due_at", "district_id", "street_id", "category_id", "lead_unit_id"],
        postgresql_where=sa.text(
            "state IN ('screening', 'assignment', 'handling', 'supervision', 'evaluation')"))
    op.create_index("incident_closed_at", "incident", ["closed_at"])
    op.create_index("event_at", "event", ["at"])


def downgrade():
    op.drop_index("event_at", table_name="event")
    op.drop_index("incident_closed_at", table_name="incident")
    op.drop_index("incident_open_queue", table_name="incident")
