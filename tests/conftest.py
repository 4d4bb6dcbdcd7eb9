"""Fixtures for the whole suite: real PostgreSQL+PostGIS and Redis, the schema from migrations.

`make test` exports TEST_DATABASE_URL and TEST_REDIS_URL for the private instances it starts.
Each test starts from empty tables and an empty Redis database.
"""
import os
import socket

import pytest
from redis import Redis
from sqlalchemy import text

from gridops import create_app
from gridops.extensions import db as _db
from gridops.geo import cache as locator_cache
from gridops.schema import rebuild_schema

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://gridops@127.0.0.1:55432/gridops_test")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:56379/1")
#: Tables PostGIS owns, and Alembic's own: never emptied between tests.
KEEP = {"spatial_ref_sys", "alembic_version"}


@pytest.fixture(scope="session")
def app():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
                      "REDIS_URL": TEST_REDIS_URL, "SECRET_KEY": "test-secret"})
    with app.app_context():
        rebuild_schema()
    yield app
    with app.app_context():
        _db.engine.dispose()  # close pooled connections, or psycopg warns at exit


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and the Redis database after each test that touched them."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            names = [t.name for t in _db.metadata.sorted_tables if t.name not in KEEP]
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        Redis.from_url(app.config["REDIS_URL"]).flushdb()
        app.extensions["gridops.timers"].clear()  # the seconds queued in the Redis just emptied
        # Truncation restarts the layer version: a fresh cache, or the next test may get
        # this test's locator within the cache's one-second check.
        locator_cache.init_app(app)


@pytest.fixture
def db(app):
    """Return the SQLAlchemy session inside an app context."""
    with app.app_context():
        yield _db.session


@pytest.fixture
def redis(app):
    return Redis.from_url(app.config["REDIS_URL"])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_app(app):
    """Return a factory of apps like the suite's `app` (same database, Redis, uploads), with
    config overrides: a dead Redis, a database behind a proxy that is about to fail, …"""
    made = []

    def make(**overrides):
        names = ("TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY",
                 "GRIDOPS_UPLOAD_DIR")
        other = create_app({**{n: app.config[n] for n in names}, **overrides})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            _db.engine.dispose()
        for extension in other.extensions.values():
            if isinstance(extension, Redis):
                extension.close()


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch):
    """Fail any connection to an address outside this machine."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and sock.family in (socket.AF_INET, socket.AF_INET6):
            if not (host.startswith("127.") or host in ("localhost", "::1")):
                raise OSError(f"test tried to reach {address}: outbound network is refused")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


pytest_plugins = ["world"]
