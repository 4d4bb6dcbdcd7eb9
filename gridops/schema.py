"""Rebuild the schema from nothing: for test runs and benchmarks, never for a live database."""
from flask_migrate import upgrade
from sqlalchemy import text

from gridops.extensions import db


def rebuild_schema():
    """Drop every table, sequence and trigger function GridOps made, then run every migration.

    PostGIS's own table stays: the extension belongs to the superuser, not the app's role.
    """
    with db.engine.begin() as conn:
        tables = conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        for table in set(tables) - {"spatial_ref_sys"}:
            conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        conn.execute(text("DROP SEQUENCE IF EXISTS incident_case_number_seq"))
        conn.execute(text("DROP FUNCTION IF EXISTS event_append_only() CASCADE"))
    upgrade()
