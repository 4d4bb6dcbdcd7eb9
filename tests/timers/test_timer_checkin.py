"""报到: check-ins, missed check-ins escalated to the district, summoning more, scoring."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from gridops.dispatch import sweep, whistles
from gridops.dispatch.checkin import AlreadyCheckedIn, check_in, checkin_record
from gridops.dispatch.models import Deadline, Event, InboxMessage, Summons, Whistle
from gridops.errors import Forbidden, NotFound, ValidationError


@pytest.fixture
def whistled(cases):
    """A hard matter (难事) accepted at NOW: whistled at once, HW, CG summoned (0102 lines)."""
    incident = cases.report("event:0102")
    incident = cases.act(incident, "accept", {"triage": "hard"})
    return incident, cases.db.scalar(select(Whistle))


def summons_of(whistle, code):
    return next(s for s in whistle.summonses if s.unit.code == code)


def clock_of(db, summons):
    return db.scalar(select(Deadline).where(Deadline.summons_id == summons.id))


def test_a_summoned_unit_checks_in(cases, people, whistled):
    incident, whistle = whistled
    summons = summons_of(whistle, "CG")
    arrive = cases.now + timedelta(minutes=20)
    check_in(cases.db, summons.id, people["cg"], "张队长等3人", arrive, (39.91, 116.405),
             cases.now + timedelta(minutes=5))
    cases.db.commit()
    assert (summons.status, summons.attendee, summons.arrive_at) == ("checked_in", "张队长等3人",
                                                                      arrive)
    assert summons.location is not None and summons.checked_in_by_id == people["cg"].id
    assert clock_of(cases.db, summons).state == "met"
    event = cases.db.scalar(select(Event).where(Event.action == "checked_in"))
    assert event.incident_id == incident.id and event.payload["unit"] == "CG"


def test_only_the_summoned_unit_checks_in_and_only_once(cases, people, whistled):
    _, whistle = whistled
    summons = summons_of(whistle, "CG")
    with pytest.raises(Forbidden):
        check_in(cases.db, summons.id, people["hw"], "李", None, None, cases.now)
    cases.db.rollback()
    with pytest.raises(ValidationError):
        check_in(cases.db, summons.id, people["cg"], "  ", None, None, cases.now)
    cases.db.rollback()
    check_in(cases.db, summons.id, people["cg"], "张", None, None, cases.now)
    cases.db.commit()
    with pytest.raises(AlreadyCheckedIn):
        check_in(cases.db, summons.id, people["cg"], "张", None, None, cases.now)
    cases.db.rollback()
    with pytest.raises(NotFound):
        check_in(cases.db, 999999, people["cg"], "张", None, None, cases.now)


def test_the_check_in_clock_reminds_then_escalates_to_the_district(cases, people, whistled):
    incident, whistle = whistled
    summons = summons_of(whistle, "CG")
    clock = clock_of(cases.db, summons)
    sweep.fire_batch(cases.db, clock.warn_at, 100)
    cases.db.commit()
    cg = cases.world.units["CG"].id
    assert cases.db.scalar(select(InboxMessage).where(
        InboxMessage.unit_id == cg, InboxMessage.subject.like("【报到提醒】%"))) is not None
    sweep.fire_batch(cases.db, clock.due_at, 100)
    cases.db.commit()
    cases.db.refresh(summons)
    cases.db.refresh(whistle)
    assert summons.status == "missed" and summons.escalated_at == clock.due_at
    assert whistle.escalated_at == clock.due_at
    assert cases.db.scalar(select(InboxMessage).where(
        InboxMessage.user_id == people["district"].id,
        InboxMessage.subject.like("【未按时报到】%"))) is not None
    assert cases.events(incident, "checkin_missed") == 2  # HW and CG both missed
    assert checkin_record(cases.db, [cg])[cg] == {"summoned": 1, "on_time": 0, "missed": 1,
                                                 "mean_score": None}


def test_a_late_check_in_is_recorded_and_stays_missed(cases, people, whistled):
    _, whistle = whistled
    summons = summons_of(whistle, "CG")
    due = clock_of(cases.db, summons).due_at
    sweep.fire_batch(cases.db, due, 100)
    cases.db.commit()
    check_in(cases.db, summons.id, people["cg"], "张", None, None, due + timedelta(minutes=10))
    cases.db.commit()
    assert summons.status == "missed" and summons.checked_in_at is not None


def test_a_missed_check_in_waits_while_its_case_is_busy(cases, app, whistled):
    incident, whistle = whistled
    due = max(s.checkin_due_at for s in whistle.summonses)
    clocks = {clock_of(cases.db, s).id for s in whistle.summonses}
    from gridops.extensions import db as _db
    with _db.engine.connect() as other:
        other.execute(text("SELECT id FROM incident WHERE id = :id FOR UPDATE"),
                      {"id": incident.id})
        fired = sweep.fire_batch(cases.db, due, 100)
        cases.db.commit()
        assert fired == []  # neither the case's own clocks nor its check-ins
        other.rollback()
    fired = sweep.fire_batch(cases.db, due, 100)
    cases.db.commit()
    assert {f.deadline_id for f in fired if f.threshold == "due"} >= clocks


def test_the_street_summons_more_units_and_scores_them(cases, people, whistled):
    incident, whistle = whistled
    dispatcher = cases.actors["dispatcher"]
    added = whistles.summon_more(cases.db, whistle.id, ["SW", "CG"], dispatcher, cases.now)
    cases.db.commit()
    assert [s.unit.code for s in added] == ["SW"] and added[0].added_by == "hand"
    assert clock_of(cases.db, added[0]).due_at == added[0].checkin_due_at
    whistles.score(cases.db, whistle.id, "SW", 85, dispatcher)
    cases.db.commit()
    assert added[0].score == 85
    with pytest.raises(ValidationError):
        whistles.score(cases.db, whistle.id, "SW", 101, dispatcher)
    with pytest.raises(Forbidden):
        whistles.score(cases.db, whistle.id, "SW", 90, cases.actors["department"])


def test_a_summoned_unit_may_pull_in_others_but_a_stranger_may_not(cases, whistled):
    _, whistle = whistled
    from gridops.dispatch.decide import Actor
    cg = Actor("department", "城管", unit_id=cases.world.units["CG"].id)
    assert [s.unit.code for s in whistles.summon_more(cases.db, whistle.id, ["RQ"], cg,
                                                       cases.now)] == ["RQ"]
    stranger = Actor("department", "水务", unit_id=cases.world.units["SW"].id)
    with pytest.raises(Forbidden):
        whistles.summon_more(cases.db, whistle.id, ["RQ"], stranger, cases.now)


def test_closing_the_case_closes_the_whistle_and_its_clocks(cases, whistled):
    incident, whistle = whistled
    incident = cases.act(incident, "sign", role="department")
    incident = cases.act(incident, "submit_result", {"note": "好"}, role="department")
    incident = cases.act(incident, "verify", {"passed": True})
    cases.act(incident, "close")
    cases.db.refresh(whistle)
    assert whistle.state == "closed"
    assert {d.state for d in cases.db.scalars(select(Deadline).where(
        Deadline.summons_id.in_([s.id for s in whistle.summonses])))} == {"cancelled"}
    assert cases.db.scalar(select(Summons).where(Summons.status == "missed")) is None
