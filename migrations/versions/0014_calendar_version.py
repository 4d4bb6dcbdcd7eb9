"""The working calendar's version stamp, so every process can keep its calendars in memory.

Any statement that changes calendar_day, calendar_year or office_hours (the `gridops calendar`
commands, the console's calendar admin, a hand-written SQL fix, a TRUNCATE) sets the stamp to
its transaction's id. Transaction ids never repeat, so a process that compares the stamp with
the one its calendars were read at can never mistake a changed calendar for its own copy;
readers see the new stamp only once the change is committed, together with the change.

Revision ID: 0014_calendar_version
Revises: 0013_list_indexes
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_calendar_version"
down_revision = "0013_list_indexes"
branch_labels = None
depends_on = None

TABLES = ("calendar_day", "calendar_year", "office_hours")

STAMP = """
CREATE OR REPLACE FUNCTION calendar_version_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO calendar_version (id, version) VALUES (true, pg_current_xact_id()::text::bigint)
    ON CONFLICT (id) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
"""


def upgrade():
    op.create_table(
        "calendar_version",
        sa.Column("id", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id", name="calendar_version_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(STAMP)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER calendar_version_stamp AFTER INSERT OR UPDATE OR DELETE "
                   f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION calendar_version_stamp()")


def downgrade():
    for table in TABLES:
        op.execute(f"DROP TRIGGER calendar_version_stamp ON {table}")
    op.execute("DROP FUNCTION calendar_version_stamp()")
    op.drop_table("calendar_version")
