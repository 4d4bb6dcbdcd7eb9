"""Fixtures for the timer tests: a driver that walks cases through the loop at chosen times."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gridops.api.locating import locator_for
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.dispatch.models import Deadline, Event, SupervisionOrder
from gridops.dispatch.operations import apply_action

GRID = "110199001001001"
STREET = "110199001"
DISTRICT = "110199"


class Cases:
    """Report cases and act on them as the usual roles, each at a time the test chooses."""

    def __init__(self, world, app):
        self.world, self.db, self.now = world, world.session, world.now
        self.locate = locator_for(app, world.session).locate
        self.actors = {
            "dispatcher": Actor("dispatcher", "调度员", area_codes=frozenset({STREET})),
            "district": Actor("district", "区中心", area_codes=frozenset({DISTRICT})),
            "grid_worker": Actor("grid_worker", "网格员", area_codes=frozenset({GRID})),
            "department": Actor("department", "环卫", unit_id=world.units["HW"].id),
        }

    def report(self, category="event:0102", source="grid_worker", at=None, **extra):
        lat, lon = self.world.center(GRID)
        raw = {"lat": lat, "lon": lon, "category": category, **extra}
        incident, _ = report_incident(self.db, raw, source, self.actors["grid_worker"],
                                      at or self.now, self.locate)
        self.db.commit()
        return incident

    def act(self, incident, action, fields=None, role="dispatcher", at=None):
        result = apply_action(self.db, incident.id, action, self.actors[role], fields or {},
                              incident.version, at or self.now)
        self.db.commit()
        return result

    def in_handling(self, category="event:0102", at=None, **extra):
        """Return a case the lead unit HW has signed for at `at`."""
        incident = self.report(category, at=at, **extra)
        incident = self.act(incident, "accept", {"triage": "big"}, at=at)
        return self.act(incident, "sign", role="department", at=at)

    def clock(self, incident, kind):
        return self.db.scalar(select(Deadline).where(
            Deadline.incident_id == incident.id, Deadline.kind == kind)
            .order_by(Deadline.id.desc()).limit(1))

    def count(self, model, **where):
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return self.db.scalar(query)

    def orders(self, incident):
        return self.count(SupervisionOrder, incident_id=incident.id)

    def events(self, incident, action):
        return self.count(Event, incident_id=incident.id, action=action)


@pytest.fixture
def cases(world, app):
    return Cases(world, app)


@pytest.fixture
def people(world):
    """Users who receive notices: a dispatcher of the street, the district, HW and CG staff."""
    return {
        "dispatcher": world.user("disp", "dispatcher", [STREET]),
        "district": world.user("dist", "district", [DISTRICT]),
        "grid_worker": world.user("gw", "grid_worker", [GRID]),
        "hw": world.user("hw1", "department", unit="HW"),
        "cg": world.user("cg1", "department", unit="CG"),
    }


def seconds(n):
    return timedelta(seconds=n)


def clocks_due(cases, due, count, cases_count=1):
    """Add `count` handling clocks due at `due` (spread over `cases_count` cases); return ids.

    They are queued after the commit like any clock the loop starts.
    """
    from gridops.dispatch.timers import TOUCHED
    incidents = [cases.in_handling() for _ in range(cases_count)]
    rows = [Deadline(incident_id=incidents[i % cases_count].id, kind="handling",
                     basis="natural", limit_minutes=1, started_at=due - timedelta(minutes=1),
                     warn_at=due - timedelta(seconds=12), due_at=due, state="pending")
            for i in range(count)]
    cases.db.add_all(rows)
    cases.db.info.setdefault(TOUCHED, []).extend(rows)
    cases.db.commit()
    return [row.id for row in rows]


def effects_per_clock(db, ids):
    """Return {deadline id: (supervision orders, breach events)} for the clocks `ids`."""
    from sqlalchemy import Integer, cast
    orders = dict(db.execute(select(SupervisionOrder.deadline_id, func.count()).where(
        SupervisionOrder.deadline_id.in_(ids)).group_by(SupervisionOrder.deadline_id)).all())
    deadline_id = cast(Event.payload["deadline_id"].astext, Integer)
    events = dict(db.execute(select(deadline_id, func.count()).where(
        Event.action == "deadline_breached", deadline_id.in_(ids)).group_by(deadline_id)).all())
    return {i: (orders.get(i, 0), events.get(i, 0)) for i in ids}
