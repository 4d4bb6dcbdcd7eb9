"""Helpers for the console tests: staff who sign in like a browser, cases moved along the loop."""
from datetime import timedelta

import pytest
from werkzeug.security import generate_password_hash

from gridops.api.locating import locator_for
from gridops.console.lights import running_deadline
from gridops.dispatch.clocks import refresh_due
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.dispatch.operations import apply_action
from gridops.geo.cache import EXTENSION_KEY
from web.kit import FAST_HASH, PASSWORD, csrf_of, sign_in

GRID = "110199001001001"
OTHER_STREET_GRID = "110199002001001"
STREET = "110199001"
DISTRICT = "110199"


@pytest.fixture(autouse=True)
def _fresh(app, tmp_path, monkeypatch):
    """Store each test's photos in its own directory; rebuild the locator from its grids."""
    monkeypatch.setitem(app.config, "GRIDOPS_UPLOAD_DIR", str(tmp_path / "uploads"))
    cache = app.extensions[EXTENSION_KEY]
    cache.version, cache.locator, cache._checked_at = None, None, None


@pytest.fixture
def staff(world):
    """A dispatcher of street 1, one of street 2, the district, HW and CG handlers, an admin."""
    made = {
        "dispatcher": world.user("disp", "dispatcher", areas=[STREET]),
        "dispatcher2": world.user("disp2", "dispatcher", areas=["110199002"]),
        "district": world.user("dist", "district", areas=[DISTRICT]),
        "hw": world.user("hw", "department", unit="HW"),
        "cg": world.user("cg", "department", unit="CG"),
        "admin": world.user("root", "admin"),
        "worker": world.user("gw", "grid_worker", areas=[GRID]),
    }
    for user in made.values():
        user.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
    world.session.commit()
    return made


def client_for(app, username):
    """Return a test client signed in as `username`, with its CSRF token in `.csrf`."""
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    client.csrf = csrf_of(client, "/console/whistles")
    return client


class Cases:
    """Report cases and move them along the loop directly, at the world's time."""

    def __init__(self, world, app):
        self.world, self.db, self.app = world, world.session, app
        self.dispatcher = Actor("dispatcher", "调度", area_codes=frozenset({DISTRICT}))
        self.hw = Actor("department", "环卫", unit_id=world.units["HW"].id)

    def report(self, grid=GRID, category="event:0102", at=None, off=(0, 0), **extra):
        lat, lon = self.world.center(grid)
        lat, lon = lat + off[0], lon + off[1]
        raw = {"lat": lat, "lon": lon, "category": category, "description": "路边垃圾",
               **extra}
        actor = Actor("grid_worker", "网格员", area_codes=frozenset({grid}))
        incident, _ = report_incident(self.db, raw, "grid_worker", actor, at or self.world.now,
                                      locator_for(self.app, self.db).locate)
        self.db.commit()
        return incident

    def act(self, incident, action, fields=None, actor=None, minutes=1):
        apply_action(self.db, incident.id, action, actor or self.dispatcher, fields or {},
                     incident.version, self.world.now + timedelta(minutes=minutes))
        self.db.commit()
        return incident

    def move_clock(self, incident, by=timedelta(0), due_at=None, paused=False):
        """Move the case's running clock (and the case's due time that copies it)."""
        clock = running_deadline(incident)
        clock.due_at = due_at or clock.due_at + by
        clock.paused_at = incident.reported_at if paused else None
        refresh_due(self.db, incident)
        self.db.commit()
        return clock

    def accepted(self, grid=GRID, triage="big", **extra):
        """Return a case accepted and assigned to HW (the 0102 line of street 1)."""
        return self.act(self.report(grid, **extra), "accept", {"triage": triage})

    def signed(self, **extra):
        return self.act(self.accepted(**extra), "sign", actor=self.hw, minutes=2)


@pytest.fixture
def cases(world, app):
    return Cases(world, app)
