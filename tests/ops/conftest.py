"""Fixtures for the health, metrics and banner tests: apps whose PostgreSQL or Redis is gone."""
import pytest

from gridops.geo.cache import EXTENSION_KEY
from gridops.ops import status
from ops.kit import closed_port


@pytest.fixture(autouse=True)
def _fresh(app):
    """Forget the cached locator (every test's layer is version 1) and the queue check."""
    cache = app.extensions[EXTENSION_KEY]
    cache.version, cache.locator, cache._checked_at = None, None, None
    app.extensions.pop(status.KEY, None)


@pytest.fixture
def redis_down(make_app):
    """An app whose Redis is a closed local port."""
    return make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def database_down(make_app):
    """An app whose PostgreSQL is a closed local port."""
    return make_app(SQLALCHEMY_DATABASE_URI=(
        f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/gridops"))
