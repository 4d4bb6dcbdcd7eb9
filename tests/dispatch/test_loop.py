"""The transition table, exercised pair by pair through the real operations and database."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from gridops.api.locating import locator_for
from gridops.dispatch.decide import Actor, in_scope
from gridops.dispatch.intake import report_incident
from gridops.dispatch.models import Deadline, Event, Incident, Whistle
from gridops.dispatch.models.incident import STATES
from gridops.dispatch.operations import apply_action, facts_of
from gridops.dispatch.transitions import ACTIONS, TABLE
from gridops.errors import Forbidden, InvalidTransition, ValidationError, VersionConflict

GRID = "110199001001001"
STREET = "110199001"

#: Valid fields for each action, enough to pass its pydantic model.
FIELDS = {
    "accept": {"triage": "big"}, "reject": {"reason": "不属于受理范围"},
    "merge": {"into": None}, "confirm": {"found": True}, "sign": {},
    "return": {"reason": "不属本单位职责"}, "assign": {"lead_unit": "CG"},
    "request_extension": {"minutes": 420, "reason": "等待材料"},
    "request_hold": {"reason": "需长期整治"}, "approve_extension": {}, "deny_extension": {},
    "hold": {"reason": "挂账"}, "resume": {}, "submit_result": {"note": "已清运"},
    "verify": {"passed": True}, "evaluate": {"satisfaction": "satisfied"}, "close": {},
    "reopen": {"reason": "群众不满意"}, "supervise": {"note": "请尽快处置"},
    "whistle": {"reason": "enforcement", "units": ["CG"]}, "comment": {"note": "现场有积水"},
}
#: Actions that need another first, to satisfy their guard.
BEFORE = {"approve_extension": "request_extension", "deny_extension": "request_extension",
          "resume": "hold"}
#: The path from screening to each state: (action, fields) pairs.
PATHS = {
    "screening": [], "assignment": [("accept", {"triage": "big"})],
    "handling": [("accept", {"triage": "big"}), ("sign", {})],
    "supervision": [("accept", {"triage": "big"}), ("sign", {}), ("submit_result", {"note": "好"})],
    "evaluation": [("accept", {"triage": "big"}), ("sign", {}), ("submit_result", {"note": "好"}),
                   ("verify", {"passed": True})],
    "closed": [("accept", {"triage": "private", "note": "建议自行协商"})],
    "rejected": [("reject", {"reason": "重复"})],
}


@pytest.fixture
def loop(world, app):
    return Loop(world, app)


class Loop:
    """Drive cases through the loop with one actor per role."""

    def __init__(self, world, app):
        self.world, self.db, self.now = world, world.session, world.now
        self.locate = locator_for(app, world.session).locate
        hw = world.units["HW"]
        self.actors = {
            "dispatcher": Actor("dispatcher", "调度员", area_codes=frozenset({STREET})),
            "district": Actor("district", "区中心", area_codes=frozenset({"110199"})),
            "grid_worker": Actor("grid_worker", "网格员", area_codes=frozenset({GRID})),
            "department": Actor("department", "环卫", unit_id=hw.id),
        }

    def report(self, category="event:0102", source="grid_worker", **extra):
        lat, lon = self.world.center(GRID)
        raw = {"lat": lat, "lon": lon, "category": category, **extra}
        incident, _ = report_incident(self.db, raw, source, self.actors["grid_worker"], self.now,
                                      self.locate)
        self.db.commit()
        return incident

    def actor_for(self, action, incident):
        row = next(r for (s, a), r in TABLE.items() if a == action)
        for role in ("dispatcher", "department", "grid_worker", "reporter"):
            if role in row.roles:
                if role == "reporter":
                    return Actor("reporter", "群众", incident_id=incident.id)
                return self.actors[role]

    def act(self, incident, action, fields=None, actor=None):
        actor = actor or self.actor_for(action, incident)
        fields = dict(FIELDS[action] if fields is None else fields)
        if action == "merge" and fields.get("into") is None:
            fields["into"] = self.report().case_number
        result = apply_action(self.db, incident.id, action, actor, fields, incident.version,
                              self.now)
        self.db.commit()
        return result

    def case_in(self, state):
        if state == "merged":
            incident = self.report()
            return self.act(incident, "merge")
        incident = self.report()
        for action, fields in PATHS[state]:
            incident = self.act(incident, action, fields)
        return incident


PAIRS = [(state, action) for state in STATES for action in ACTIONS]


@pytest.mark.parametrize("state,action", PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_state_action_pair(loop, state, action):
    incident = loop.case_in(state)
    row = TABLE.get((state, action))
    if row is None:
        actor = loop.actor_for(action, incident)
        if in_scope(actor, facts_of(incident)):
            with pytest.raises(InvalidTransition) as refused:
                loop.act(incident, action, actor=actor)
            assert state in str(refused.value) and action in str(refused.value)
        else:  # e.g. a department before any unit is assigned: it may not even look
            with pytest.raises(Forbidden):
                loop.act(incident, action, actor=actor)
        loop.db.rollback()
        assert loop.db.get(Incident, incident.id).state == state
        return
    if action in BEFORE:
        incident = loop.act(incident, BEFORE[action])
    events_before = len(incident.events)
    version = incident.version
    result = loop.act(incident, action)
    assert result.state == row.target(FIELDS[action] | {"passed": True})
    assert result.version == version + 1
    loop.db.expire_all()
    events = loop.db.get(Incident, incident.id).events
    assert len(events) == events_before + 1 and events[-1].action == action
    assert events[-1].from_state == state and events[-1].to_state == result.state


def test_a_stale_version_is_a_conflict_and_changes_nothing(loop):
    incident = loop.report()
    with pytest.raises(VersionConflict):
        apply_action(loop.db, incident.id, "accept", loop.actors["dispatcher"],
                     {"triage": "big"}, incident.version + 1, loop.now)
    loop.db.rollback()
    assert loop.db.get(Incident, incident.id).state == "screening"


def test_a_wrong_role_or_scope_is_forbidden(loop):
    incident = loop.report()
    with pytest.raises(Forbidden):
        loop.act(incident, "accept", actor=loop.actors["department"])
    loop.db.rollback()
    other_street = Actor("dispatcher", "他街", area_codes=frozenset({"110199002"}))
    with pytest.raises(Forbidden):
        loop.act(incident, "accept", actor=other_street)


def test_fields_are_validated(loop):
    incident = loop.report()
    with pytest.raises(ValidationError) as refused:
        loop.act(incident, "accept", {"triage": "urgent-ish"})
    assert refused.value.extra["errors"][0]["field"] == "triage"


def test_a_private_matter_closes_with_the_advice_given(loop):
    incident = loop.report()
    with pytest.raises(InvalidTransition):
        loop.act(incident, "accept", {"triage": "private"})
    loop.db.rollback()
    closed = loop.act(loop.db.get(Incident, incident.id), "accept",
                      {"triage": "private", "note": "建议与物业协商"})
    assert (closed.state, closed.closing_note) == ("closed", "建议与物业协商")


def test_a_small_matter_goes_to_the_community_grid_station(loop):
    incident = loop.act(loop.report(), "accept", {"triage": "small"})
    assert incident.lead_unit.code == "GS110199001001"


def test_units_default_from_the_most_specific_responsibility_line(loop):
    rubbish = loop.act(loop.report("event:0102"), "accept", {"triage": "big"})
    assert (rubbish.lead_unit.code, [u.code for u in rubbish.co_units]) == ("HW", ["CG"])
    building = loop.act(loop.report("event:0101"), "accept", {"triage": "big"})
    assert building.lead_unit.code == "CG" and building.co_units == []


def test_a_hard_matter_goes_straight_to_a_whistle(loop):
    incident = loop.act(loop.report("event:0402"), "accept", {"triage": "hard"})
    whistle = loop.db.scalar(select(Whistle))
    assert [i.id for i in whistle.incidents] == [incident.id]
    assert sorted(s.unit.code for s in whistle.summonses) == ["CG", "RQ", "SW"]


def test_failed_verification_is_counted_rework(loop):
    incident = loop.case_in("supervision")
    incident = loop.act(incident, "verify", {"passed": False, "note": "仍有垃圾"})
    assert (incident.state, incident.rework_count) == ("handling", 1)


def test_a_return_goes_back_to_screening_and_restarts_its_clock(loop):
    incident = loop.case_in("assignment")
    incident = loop.act(incident, "return")
    kinds = {(d.kind, d.state) for d in loop.db.scalars(select(Deadline).where(
        Deadline.incident_id == incident.id))}
    assert ("screening", "pending") in kinds and ("sign", "met") in kinds
    assert incident.lead_unit is None and incident.return_count == 1


def test_an_approved_extension_moves_the_deadline(loop):
    incident = loop.case_in("handling")
    before = incident.due_at
    incident = loop.act(incident, "request_extension", {"minutes": 420, "reason": "材料"})
    incident = loop.act(incident, "approve_extension")
    assert incident.due_at > before
    handling = [d for d in incident.deadlines if d.kind == "handling"][0]
    assert handling.limit_minutes == 240 + 420


def test_a_hold_stops_the_handling_clock(loop):
    incident = loop.act(loop.case_in("handling"), "hold")
    assert incident.due_at is None and incident.on_hold_since is not None
    incident = loop.act(incident, "resume")
    assert incident.due_at is not None and incident.on_hold_since is None


def test_merge_refuses_a_missing_target(loop):
    incident = loop.report()
    with pytest.raises(Exception) as refused:
        loop.act(incident, "merge", {"into": "20990101-999999"})
    assert refused.value.code == "not_found"


def test_the_event_log_refuses_update_and_delete(loop):
    loop.report()
    for statement in ("UPDATE event SET action = 'x'", "DELETE FROM event"):
        with pytest.raises(DBAPIError, match="append-only"):
            loop.db.execute(text(statement))
        loop.db.rollback()
    assert loop.db.scalar(select(Event.action)) == "report"


def test_a_repeated_client_id_returns_the_same_case(loop):
    first = loop.report(client_id="phone-0001-abc")
    again = loop.report(client_id="phone-0001-abc", description="重发")
    assert again.id == first.id
    assert loop.db.scalar(select(Incident.id).where(Incident.id != first.id)) is None


def test_concurrent_reports_with_one_client_id_make_one_case(loop, app):
    """A retry racing the first try: the second insert waits on the first, then returns it."""
    import threading
    import time

    from gridops.extensions import db

    results, lat_lon, first_in = [], loop.world.center(GRID), threading.Event()

    def submit(first):
        with app.app_context():
            if not first:
                first_in.wait(timeout=10)
            raw = {"lat": lat_lon[0], "lon": lat_lon[1], "category": "event:0102",
                   "client_id": "race-0000-0001"}
            incident, created = report_incident(db.session, raw, "grid_worker",
                                                loop.actors["grid_worker"], loop.now,
                                                loop.locate)
            if first:
                first_in.set()
                time.sleep(0.5)  # the second is now blocked on the unique index
            db.session.commit()
            results.append((incident.id, created))
            db.session.remove()

    threads = [threading.Thread(target=submit, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2 and len({incident_id for incident_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, True]
