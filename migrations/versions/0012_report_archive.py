"""The report archive: generated reports and their files with SHA-256 checksums.

Revision ID: 0012_report_archive
Revises: 0009_deadline_escalation
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0012_report_archive"
down_revision = "0009_deadline_escalation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("kind IN ('weekly')", name="report_archive_kind"),
        sa.CheckConstraint("trigger IN ('schedule', 'demand')", name="report_archive_trigger"),
        sa.ForeignKeyConstraint(["generated_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("report_archive_area_period", "report_archive", ["area_code", "period"])
    op.create_index("report_archive_scheduled", "report_archive", ["kind", "period", "area_code"],
                    unique=True, postgresql_where=sa.text("trigger = 'schedule'"))
    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archive_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.CheckConstraint("format IN ('html', 'pdf', 'xlsx', 'csv')", name="report_file_format"),
        sa.ForeignKeyConstraint(["archive_id"], ["report_archive.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("report_file_archive_format", "report_file", ["archive_id", "format"],
                    unique=True)


def downgrade():
    op.drop_index("report_file_archive_format", table_name="report_file")
    op.drop_table("report_file")
    op.drop_index("report_archive_scheduled", table_name="report_archive",
                  postgresql_where=sa.text("trigger = 'schedule'"))
    op.drop_index("report_archive_area_period", table_name="report_archive")
    op.drop_table("report_archive")
