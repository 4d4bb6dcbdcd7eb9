"""Open311 fixtures: an app serving /open311/v2, a fixed clock, keys, and a checking client."""
from datetime import timedelta

import pytest

from gridops import create_app
from gridops.dispatch.decide import Actor
from gridops.dispatch.operations import apply_action
from gridops.extensions import db as _db
from gridops.open311 import bp, keys, views
from tests.open311.scene import DISPATCHER, EAST_GRID, NOW, case
from tests.open311.spec import Open311Client


@pytest.fixture(scope="session")
def app(app):
    """Return an app that serves /open311/v2.

    Until create_app registers the blueprint, a second app is built for these tests: Flask
    refuses a blueprint on an app that has already served a request.
    """
    if "open311" in app.blueprints:
        yield app
        return
    names = ("TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY")
    served = create_app({name: app.config[name] for name in names})
    served.register_blueprint(bp)
    yield served
    with served.app_context():
        _db.engine.dispose()


class Clock:
    """The time the Open311 views see; tests move it."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock(NOW)
    monkeypatch.setattr(views, "now", clock)
    return clock


@pytest.fixture
def issue_key(db):
    """Return a function that issues a key (name, rate limit) and returns it in clear."""
    def issue(name="fixmystreet", rate_limit=60):
        key = keys.issue_key(db, name, rate_limit)
        db.commit()
        return key
    return issue


@pytest.fixture
def api_key(world, issue_key):
    return issue_key()


@pytest.fixture
def o311(client):
    """Return a client that checks every response against the GeoReport v2 schemas."""
    return Open311Client(client)




@pytest.fixture
def submit(world, o311, api_key):
    """Return a function that POSTs a report (form-urlencoded) and returns the response."""
    lat, lon = world.center(EAST_GRID)

    def post(fmt="json", key=api_key, **fields):
        data = {"api_key": key, "service_code": "event-0102", "lat": lat, "long": lon,
                "description": "路边暴露垃圾", **fields}
        return o311.post(f"/requests.{fmt}" if fmt else "/requests",
                         data={k: v for k, v in data.items() if v is not None})
    return post


@pytest.fixture
def reported(submit):
    """Return the service_request_id of a fresh report."""
    def report(**fields):
        response = submit(**fields)
        assert response.status_code == 200, response.get_json()
        return response.get_json()[0]["service_request_id"]
    return report


@pytest.fixture
def act(db, world):
    """Return a function that applies an action to a case `minutes` after NOW, as the
    dispatcher or as the department `unit`."""
    def run(number, action, fields=None, unit=None, minutes=0):
        incident = case(db, number)
        actor = DISPATCHER if unit is None else Actor("department", unit,
                                                      unit_id=world.units[unit].id)
        apply_action(db, incident.id, action, actor, fields or {}, incident.version,
                     NOW + timedelta(minutes=minutes))
        db.commit()
    return run
