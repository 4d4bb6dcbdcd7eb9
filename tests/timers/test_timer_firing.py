"""Yellow and red: what a warning and a breach do, and that a claim fires exactly once."""
from datetime import timedelta

from sqlalchemy import select

from gridops.dispatch import sweep
from gridops.dispatch.models import (Deadline, EscalationLevel, Event, InboxMessage,
                                     SupervisionOrder, Whistle)

SECOND = timedelta(seconds=1)


def fire(cases, at, limit=500):
    fired = sweep.fire_batch(cases.db, at, limit)
    cases.db.commit()
    return fired


def inbox_of(db, **who):
    query = select(InboxMessage.subject)
    for name, value in who.items():
        query = query.where(getattr(InboxMessage, name) == value)
    return list(db.scalars(query))


def test_at_80_percent_the_lead_unit_is_warned(cases, people):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    assert fire(cases, handling.warn_at - SECOND) == []
    fired = fire(cases, handling.warn_at)
    assert [(f.deadline_id, f.threshold) for f in fired] == [(handling.id, "warn")]
    cases.db.refresh(handling)
    assert handling.state == "warned" and handling.warned_at == handling.warn_at
    assert any("即将超时" in s for s in inbox_of(cases.db, unit_id=cases.world.units["HW"].id))
    assert cases.orders(incident) == 0


def test_at_100_percent_an_order_an_event_and_the_street_hears(cases, people):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    fired = fire(cases, handling.due_at)
    assert [(f.threshold, f.moment) for f in fired] == [("due", handling.due_at)]
    order = cases.db.scalar(select(SupervisionOrder))
    assert (order.unit.code, order.reason, order.deadline_id) == ("HW", "sla_breach", handling.id)
    event = cases.db.scalar(select(Event).where(Event.action == "deadline_breached"))
    assert (event.from_state, event.to_state, event.actor_label) == ("handling", "handling",
                                                                      "system")
    assert event.payload["kind"] == "handling" and event.payload["unit"] == "HW"
    assert any("已超时" in s for s in inbox_of(cases.db, user_id=people["dispatcher"].id))
    assert any("已超时" in s for s in inbox_of(cases.db, unit_id=cases.world.units["HW"].id))


def test_a_clock_breached_before_it_warned_skips_yellow(cases):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    fired = fire(cases, handling.due_at + timedelta(hours=1))
    assert [f.threshold for f in fired] == ["due"]
    cases.db.refresh(handling)
    assert handling.warned_at is None and handling.state == "breached"


def test_an_early_claim_does_nothing(cases):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    assert not sweep.fire_deadline(cases.db, handling.id, "due", handling.due_at - SECOND)
    cases.db.commit()
    assert cases.orders(incident) == 0 and cases.clock(incident, "handling").state == "pending"


def test_the_same_claim_twice_has_one_effect(cases):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    assert sweep.fire_deadline(cases.db, handling.id, "due", handling.due_at)
    cases.db.commit()
    assert not sweep.fire_deadline(cases.db, handling.id, "due", handling.due_at + SECOND)
    cases.db.commit()
    assert cases.orders(incident) == 1 and cases.events(incident, "deadline_breached") == 1


def test_a_case_that_moved_on_does_not_fire(cases):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    cases.act(incident, "submit_result", {"note": "已清运"}, role="department")
    fired = fire(cases, handling.due_at + SECOND)
    assert all(f.deadline_id != handling.id for f in fired)
    assert cases.count(SupervisionOrder, deadline_id=handling.id) == 0


def test_a_stopped_clock_does_not_fire_until_it_runs_again(cases):
    incident = cases.in_handling()
    due = cases.clock(incident, "handling").due_at
    incident = cases.act(incident, "hold", {"reason": "挂账"}, at=cases.now + timedelta(minutes=5))
    assert fire(cases, due + timedelta(days=3)) == []
    later = cases.now + timedelta(days=3)
    cases.act(incident, "resume", at=later)
    handling = cases.clock(incident, "handling")
    assert handling.due_at > later
    assert [f.threshold for f in fire(cases, handling.due_at)] == ["due"]


def test_the_screening_clock_warns_the_street_dispatchers(cases, people):
    incident = cases.report()
    screening = cases.clock(incident, "screening")
    fire(cases, screening.warn_at)
    assert any("甄别" in s for s in inbox_of(cases.db, user_id=people["dispatcher"].id))


def test_the_onsite_check_warns_the_grid_worker(cases, people):
    incident = cases.report(source="resident")
    check = cases.clock(incident, "onsite_check")
    fire(cases, check.warn_at)
    assert any("现场核实" in s for s in inbox_of(cases.db, user_id=people["grid_worker"].id))


def test_the_policy_climbs_to_a_whistle_and_then_the_district(cases, people):
    incident = cases.in_handling()
    handling = cases.clock(incident, "handling")
    fire(cases, handling.due_at)
    cases.db.refresh(handling)
    assert handling.escalated_position == 1  # the community was told at once
    assert handling.escalate_at == handling.due_at + timedelta(minutes=240)
    assert fire(cases, handling.escalate_at - SECOND) == []
    assert [f.threshold for f in fire(cases, handling.escalate_at)] == ["escalate"]
    whistle = cases.db.scalar(select(Whistle))
    assert whistle.reason == "sla_breach" and whistle.blown_by_id is None
    assert sorted(s.unit.code for s in whistle.summonses) == ["CG", "HW"]
    cases.db.refresh(handling)
    fire(cases, handling.escalate_at)
    assert any("上报区级" in s for s in inbox_of(cases.db, user_id=people["district"].id))
    cases.db.refresh(handling)
    assert handling.escalate_at is None and handling.escalated_position == 3
    steps = [e.payload["escalation"] for e in cases.db.scalars(
        select(Event).where(Event.action == "escalated").order_by(Event.id))]
    assert steps == ["notify", "whistle", "district"]


def test_a_second_supervision_order_blows_the_whistle(cases):
    incident = cases.in_handling()
    incident = cases.act(incident, "supervise", {"note": "请尽快处置"})
    assert cases.db.scalar(select(Whistle)) is None
    fire(cases, cases.clock(incident, "handling").due_at)
    whistle = cases.db.scalar(select(Whistle))
    assert whistle is not None and [i.id for i in whistle.incidents] == [incident.id]


def test_a_category_policy_replaces_the_default(cases):
    cases.db.add(EscalationLevel(category_kind="event", category_code="0102", position=1,
                                 area_level="street", after_minutes=0, action="supervise",
                                 options={"on": "breach"}))
    cases.db.commit()
    incident = cases.in_handling("event:0102")
    fire(cases, cases.clock(incident, "handling").due_at)
    # The breach's own order plus the rung's: two orders, and no default rung ran.
    assert cases.orders(incident) == 2
    assert [e.payload["escalation"] for e in cases.db.scalars(
        select(Event).where(Event.action == "escalated"))] == ["supervise"]


def test_an_emergency_is_whistled_at_acceptance(cases):
    from gridops.dispatch import escalation
    incident = cases.report("event:0402")
    incident = cases.act(incident, "accept", {"triage": "big"})
    escalation.on_accept(cases.db, incident, cases.now)
    cases.db.commit()
    whistle = cases.db.scalar(select(Whistle))
    assert whistle.reason == "emergency"
    assert {s.checkin_due_at for s in whistle.summonses} == {cases.now + timedelta(minutes=30)}


def test_a_batch_fires_at_most_its_limit(cases):
    for _ in range(3):
        cases.report()
    due = max(d.due_at for d in cases.db.scalars(select(Deadline)))
    assert len(fire(cases, due, limit=2)) == 2
    assert len(fire(cases, due, limit=2)) == 1
