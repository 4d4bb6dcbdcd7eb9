"""The database role the web app and the workers connect as: it writes rows, it owns nothing.

Migrations run as the owner of the tables. The app runs as a runtime role that may read and
write the rows it needs, and on the append-only tables (the event log) only read and insert.
Not being the owner, it cannot TRUNCATE, ALTER or DROP a table, nor disable or drop the
trigger that refuses UPDATE and DELETE on the event log: a compromised app cannot rewrite
history. `gridops db grant-runtime ROLE`, run as the owner after every `gridops db upgrade`,
gives the grants; default privileges cover tables a later migration adds until then.
"""
from sqlalchemy import text

from gridops.errors import ValidationError

#: Tables whose rows are never changed or deleted once written.
APPEND_ONLY = ("event",)
ROWS = "SELECT, INSERT, UPDATE, DELETE"
OWNED_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tableowner = current_user ORDER BY tablename")
OWNED_SEQUENCES = text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' "
                       "AND sequenceowner = current_user ORDER BY sequencename")


def grant_runtime(connection, role):
    """Grant `role` what the app needs on every table and sequence the current user owns."""
    _check(connection, role)
    database = connection.scalar(text("SELECT current_database()"))
    tables = connection.scalars(OWNED_TABLES).all()
    sequences = connection.scalars(OWNED_SEQUENCES).all()
    quote = connection.dialect.identifier_preparer.quote
    for statement in grants(role, database, tables, sequences, quote):
        connection.execute(text(statement))


def grants(role, database, tables, sequences, quote):
    """Return the grant statements, in order, with every name quoted by `quote`.

    GRANT takes no bound parameters: names go in quoted as identifiers, privileges come from
    the constants above."""
    role, database = quote(role), quote(database)
    statements = [f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
                  f"GRANT USAGE ON SCHEMA public TO {role}"]
    for table in tables:
        # Revoke first, so a re-run takes away what an earlier grant gave and should not have.
        statements += [f"REVOKE ALL ON {quote(table)} FROM {role}",
                       f"GRANT {'SELECT, INSERT' if table in APPEND_ONLY else ROWS} "
                       f"ON {quote(table)} TO {role}"]
    statements += [f"GRANT USAGE, SELECT ON SEQUENCE {quote(s)} TO {role}" for s in sequences]
    statements += [
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {ROWS} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"]
    return statements


def _check(connection, role):
    # A member of the owner's role could SET ROLE to it, which is as good as owning.
    found = connection.execute(text(
        "SELECT rolsuper OR pg_has_role(rolname, current_user, 'MEMBER') FROM pg_roles "
        "WHERE rolname = :role"), {"role": role}).first()
    if found is None:
        raise ValidationError("No database role %(role)s: create it first.", role=role)
    if found[0]:
        raise ValidationError("%(role)s is a superuser, the owner or a member of the owner's "
                              "role: the runtime role must be none of these.", role=role)

