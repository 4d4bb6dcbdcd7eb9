"""Version stamps for every kind of reference data a case's transaction reads.

Replaces 0014's single calendar stamp with one row per kind in `reference_version`:

- calendar: calendar_day, calendar_year, office_hours;
- catalog: category, sla_limit (the taxonomy and the SLA policy);
- auth: app_user, user_area, api_token (who a bearer token is, and their scope);
- areas: area (the grid layer's rows, which a case links to).

Any statement that changes one of a kind's tables (the CLI, the console's admin, a
hand-written SQL fix, a TRUNCATE) sets the kind's stamp to its transaction's id. Transaction
ids never repeat, so a process comparing the stamp with the one its copy was read at can never
mistake a changed table for its own copy; readers see the new stamp only once the change is
committed, together with the change (`gridops.dispatch.stamps`).

Revision ID: 0015_reference_versions
Revises: 0014_calendar_version
"""
from alembic import op
import sqlalchemy as sa

revision = "0015_reference_versions"
down_revision = "0014_calendar_version"
branch_labels = None
depends_on = None

KINDS = {"calendar": ("calendar_day", "calendar_year", "office_hours"),
         "catalog": ("category", "sla_limit"),
         "auth": ("app_user", "user_area", "api_token"),
         "areas": ("area",)}

STAMP = """
CREATE OR REPLACE FUNCTION reference_version_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reference_version (kind, version)
    VALUES (TG_ARGV[0], pg_current_xact_id()::text::bigint)
    ON CONFLICT (kind) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
"""

OLD_STAMP = """
CREATE OR REPLACE FUNCTION calendar_version_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO calendar_version (id, version) VALUES (true, pg_current_xact_id()::text::bigint)
    ON CONFLICT (id) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
"""


def upgrade():
    for table in KINDS["calendar"]:
        op.execute(f"DROP TRIGGER calendar_version_stamp ON {table}")
    op.execute("DROP FUNCTION calendar_version_stamp()")
    op.drop_table("calendar_version")
    op.create_table(
        "reference_version",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.execute(STAMP)
    for kind, tables in KINDS.items():
        for table in tables:
            op.execute(f"CREATE TRIGGER reference_version_stamp AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION reference_version_stamp('{kind}')")


def downgrade():
    for tables in KINDS.values():
        for table in tables:
            op.execute(f"DROP TRIGGER reference_version_stamp ON {table}")
    op.execute("DROP FUNCTION reference_version_stamp()")
    op.drop_table("reference_version")
    op.create_table(
        "calendar_version",
        sa.Column("id", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id", name="calendar_version_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(OLD_STAMP)
    for table in KINDS["calendar"]:
        op.execute(f"CREATE TRIGGER calendar_version_stamp AFTER INSERT OR UPDATE OR DELETE "
                   f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION calendar_version_stamp()")
