"""The event log against the app's own database role: the runtime role that `gridops db
grant-runtime` sets up may read the log and append to it, and nothing else — no UPDATE, DELETE
or TRUNCATE, and, not being the owner, no way around the append-only trigger. The whole app
still works connected as that role.

The test creates a throwaway login role, so the test database's user needs CREATEROLE (the
`gridops` role of scripts/services.sh has it) or superuser rights.
"""
import pytest
from flask_migrate.cli import db as db_commands
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from gridops import create_app
from gridops.extensions import db as _db

GRID = "110199001001001"
INSUFFICIENT_PRIVILEGE = "42501"
FORBIDDEN = [
    "UPDATE event SET actor_label = 'someone else'",
    "DELETE FROM event",
    "TRUNCATE event",
    "ALTER TABLE event DISABLE TRIGGER event_append_only",
    "DROP TRIGGER event_append_only ON event",
    "DROP TABLE event CASCADE",
    "CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN NEW; END $$",
]


def drop_role(connection, role, database):
    """Take back every grant of `role`, then drop it (as the owner; idempotent)."""
    if not connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
        return
    for statement in ("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
                      "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
                      "REVOKE ALL ON SCHEMA public FROM {r}",
                      "REVOKE ALL ON DATABASE {d} FROM {r}",
                      "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {r}",
                      "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {r}",
                      "DROP ROLE {r}"):
        connection.execute(text(statement.format(r=f'"{role}"', d=f'"{database}"')))


@pytest.fixture
def runtime(app):
    """Create a login role, grant it with `gridops db grant-runtime`; return its database URL."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    role = f"{url.database}_runtime"  # roles are cluster-wide: one per test database
    with app.app_context(), _db.engine.begin() as connection:
        if not connection.scalar(text("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                                      "WHERE rolname = current_user")):
            pytest.skip("the test database's user may not create roles (needs CREATEROLE)")
        drop_role(connection, role, url.database)  # left over by an interrupted run
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    result = app.test_cli_runner().invoke(db_commands, ["grant-runtime", role])
    assert result.exit_code == 0, result.output
    yield url.set(username=role, password=None)
    with app.app_context(), _db.engine.begin() as connection:
        drop_role(connection, role, url.database)


def report(client, world, token, n=0):
    lat, lon = world.center(GRID)
    return client.post("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"},
                       json={"lat": lat + n * 0.0001, "lon": lon, "category": "event:0102",
                             "description": "路边暴露垃圾"})


def test_the_runtime_role_can_read_and_append_the_event_log_and_nothing_more(
        app, client, world, runtime):
    worker = world.user("worker", "grid_worker", areas=[GRID])
    assert report(client, world, worker.token).status_code == 201
    engine = create_engine(runtime)
    try:
        with engine.begin() as connection:
            assert connection.scalar(text("SELECT count(*) FROM event")) == 1
            connection.execute(text(
                "INSERT INTO event (incident_id, action, actor_label, to_state, payload, at) "
                "SELECT incident_id, 'comment', 'test', to_state, '{}', now() FROM event"))
        for statement in FORBIDDEN:
            with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
                connection.execute(text(statement))
            # Refused for want of privilege or ownership, not by the trigger's own check.
            assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, statement
            assert ("permission denied" in str(refused.value.orig)
                    or "must be owner" in str(refused.value.orig)), statement
        with engine.begin() as connection:
            assert connection.scalar(text("SELECT count(*) FROM event")) == 2
            assert connection.scalar(text("SELECT current_user")) != \
                connection.scalar(text("SELECT tableowner FROM pg_tables "
                                       "WHERE tablename = 'event'"))
    finally:
        engine.dispose()


def test_the_app_works_connected_as_the_runtime_role(app, world, runtime):
    worker = world.user("worker", "grid_worker", areas=[GRID])
    dispatcher = world.user("dispatcher", "dispatcher", areas=["110199001"])
    as_runtime = create_app({**{n: app.config[n] for n in ("TESTING", "REDIS_URL",
                                                           "SECRET_KEY")},
                             "SQLALCHEMY_DATABASE_URI": runtime.render_as_string(False)})
    with as_runtime.app_context():
        try:
            client = as_runtime.test_client()
            case = report(client, world, worker.token).get_json()
            accepted = client.post(
                f"/api/v1/incidents/{case['id']}/actions/accept",
                headers={"Authorization": f"Bearer {dispatcher.token}"},
                json={"version": case["version"], "triage": "big", "lead_unit": "HW"})
            assert accepted.status_code == 200, accepted.get_json()
            assert accepted.get_json()["state"] == "assignment"
            assert _db.session.scalar(text("SELECT current_user")) == runtime.username
        finally:
            _db.session.remove()
            _db.engine.dispose()


def test_the_owner_is_refused_as_a_runtime_role(app):
    with app.app_context():
        owner = _db.session.scalar(text("SELECT current_user"))
        _db.session.remove()
    result = app.test_cli_runner().invoke(db_commands, ["grant-runtime", owner])
    assert result.exit_code != 0 and "runtime role must be none" in result.output
    missing = app.test_cli_runner().invoke(db_commands, ["grant-runtime", "no_such_role_h6"])
    assert missing.exit_code != 0 and "No database role" in missing.output
