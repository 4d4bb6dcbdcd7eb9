"""The whistle board: blow from the case page, check in, summon more, score; misses escalate."""
from sqlalchemy import select

from gridops.dispatch import sweep
from gridops.dispatch.models import Deadline, Event, Summons, Whistle

from console.kit import client_for


def blown(app, cases, db):
    """Blow the whistle on a case through its form; return the whistle (HW and CG summoned)."""
    incident = cases.accepted()
    client = client_for(app, "disp")
    response = client.post(f"/console/cases/{incident.id}/actions/whistle", data={
        "reason": "enforcement", "note": "占道经营屡教不改", "version": incident.version,
        "csrf_token": client.csrf})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return db.scalar(select(Whistle)), client


def summons_of(db, unit):
    db.expire_all()
    return db.scalar(select(Summons).join(Summons.unit).where(Summons.unit.has(code=unit)))


def test_a_blown_whistle_shows_its_units_and_countdowns(app, staff, cases, db):
    whistle, client = blown(app, cases, db)
    assert whistle.reason == "enforcement" and whistle.blown_by_id == staff["dispatcher"].id
    board = client.get("/console/whistles").get_data(as_text=True)
    assert f'id="whistle-{whistle.id}"' in board and "综合执法" in board
    assert board.count('data-status="pending"') == 2 and 'class="countdown"' in board


def test_a_summoned_unit_checks_in_on_the_board(app, staff, cases, db):
    whistle, _ = blown(app, cases, db)
    cg = client_for(app, "cg")
    assert "name=\"attendee\"" in cg.get("/console/whistles").get_data(as_text=True)
    response = cg.post(f"/console/whistles/{whistle.id}/checkin", data={
        "attendee": "张队长等3人", "arrive_at": "2026-11-25T15:30", "csrf_token": cg.csrf})
    assert response.status_code == 302
    summons = summons_of(db, "CG")
    assert (summons.status, summons.attendee) == ("checked_in", "张队长等3人")
    assert summons.arrive_at.isoformat() == "2026-11-25T07:30:00+00:00"
    assert db.scalar(select(Event).where(Event.action == "checked_in")) is not None


def test_a_bad_check_in_is_refused_readably_and_nothing_is_stored(app, staff, cases, db):
    whistle, dispatcher = blown(app, cases, db)
    cg = client_for(app, "cg")
    empty = cg.post(f"/console/whistles/{whistle.id}/checkin",
                    data={"attendee": " ", "csrf_token": cg.csrf})
    assert empty.status_code == 400 and "请填写到场人员" in empty.get_data(as_text=True)
    bad_time = cg.post(f"/console/whistles/{whistle.id}/checkin",
                       data={"attendee": "张", "arrive_at": "soon", "csrf_token": cg.csrf})
    assert bad_time.status_code == 400 and "预计到达" in bad_time.get_data(as_text=True)
    no_token = cg.post(f"/console/whistles/{whistle.id}/checkin", data={"attendee": "张"})
    assert no_token.status_code == 400
    # The dispatcher's unit was not summoned: there is nothing for them to check in to.
    assert dispatcher.post(f"/console/whistles/{whistle.id}/checkin", data={
        "attendee": "张", "csrf_token": dispatcher.csrf}).status_code == 404
    assert summons_of(db, "CG").status == "pending"


def test_the_street_summons_more_units_and_scores_them(app, staff, cases, db):
    whistle, client = blown(app, cases, db)
    nobody = client.post(f"/console/whistles/{whistle.id}/summons",
                         data={"csrf_token": client.csrf})
    assert nobody.status_code == 400 and "请指定要召集的单位" in nobody.get_data(as_text=True)
    more = client.post(f"/console/whistles/{whistle.id}/summons",
                       data={"units": ["SW"], "csrf_token": client.csrf})
    assert more.status_code == 302 and summons_of(db, "SW").added_by == "hand"
    bad = client.post(f"/console/whistles/{whistle.id}/scores",
                      data={"score-HW": "lots", "csrf_token": client.csrf})
    assert bad.status_code == 400 and "0 到 100" in bad.get_data(as_text=True)
    assert summons_of(db, "HW").score is None
    good = client.post(f"/console/whistles/{whistle.id}/scores",
                       data={"score-HW": "85", "score-CG": "", "csrf_token": client.csrf})
    assert good.status_code == 302 and summons_of(db, "HW").score == 85


def test_a_summoned_department_may_not_score(app, staff, cases, db):
    whistle, _ = blown(app, cases, db)
    hw = client_for(app, "hw")
    scored = hw.post(f"/console/whistles/{whistle.id}/scores",
                     data={"score-HW": "100", "csrf_token": hw.csrf})
    assert scored.status_code == 403 and summons_of(db, "HW").score is None


def test_a_missed_check_in_escalates_to_the_district(app, staff, cases, db):
    whistle, client = blown(app, cases, db)
    clock = db.scalar(select(Deadline).where(Deadline.summons_id == summons_of(db, "HW").id))
    sweep.fire_batch(db, clock.due_at, 100)
    db.commit()
    board = client.get("/console/whistles").get_data(as_text=True)
    assert 'data-unit="HW" data-status="missed"' in board and "已上报区级" in board
    district = client_for(app, "dist").get("/console/district").get_data(as_text=True)
    assert "环卫中心" in district and "未按时报到" in district
