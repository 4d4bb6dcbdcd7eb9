"""Fixtures for the fault tests: apps of their own, wired to a service that is about to fail.

Each app shares the test database and Redis settings of the suite's `app` except what a test
overrides, so the `world` the suite's app built is what the faulty app serves.
"""
import pytest
from sqlalchemy.engine import make_url

from faults.proxy import Proxy
from faults.redis_server import RedisServer
from web.kit import _fresh, people, worker_client  # noqa: F401  (fixtures)


@pytest.fixture
def pg_proxy(app):
    """A proxy in front of the test database's server; `.url` is the database through it."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    yield proxy
    proxy.close()


@pytest.fixture
def private_redis():
    """A redis-server of this test's own, to stop and start again (no persistence)."""
    server = RedisServer().start()
    yield server
    server.stop()
