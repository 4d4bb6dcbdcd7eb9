"""Fixtures for the geo tests; the hand-built layers themselves are in handmade.py."""
import pytest

# The geo API registers its routes on import; until gridops/api/__init__.py imports it, do it
# here, before any app registers the blueprint.
import gridops.api.geo  # noqa: F401
from tests.geo.handmade import grid_layer, parent_layer


@pytest.fixture
def layer():
    return parent_layer() + grid_layer()


@pytest.fixture
def locator(layer):
    from gridops.geo.locator import Locator
    return Locator.build(layer)


@pytest.fixture(autouse=True)
def _fresh_locator(request):
    """Give each database test a fresh locator cache: truncation restarts the version stamps."""
    if "app" in request.fixturenames:
        from gridops.geo.cache import init_app
        init_app(request.getfixturevalue("app"))
    yield
