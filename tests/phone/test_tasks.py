"""我的任务: on-site checks, result checks and return visits in my grids, with lights."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select

from gridops.dispatch.models import Deadline, Incident
from gridops.phone.tasks import light

from web.kit import resident_report, sign_in, to_supervision


def test_the_light_is_green_yellow_then_red():
    start = SimpleNamespace(started_at=0, warn_at=80, due_at=100, paused_at=None)
    assert [light(start, t) for t in (0, 79, 80, 100, 101)] == \
        ["green", "green", "yellow", "yellow", "red"]
    paused = SimpleNamespace(started_at=0, warn_at=80, due_at=100, paused_at=50)
    assert light(paused, 500) == "green"


def test_a_resident_report_in_my_grid_is_an_on_site_check_for_me_only(app, worker_client, world,
                                                                      db):
    mine = resident_report(db, app, world)
    resident_report(db, app, world, grid="110199002002001")
    page = worker_client.get("/phone/tasks").get_data(as_text=True)
    assert page.count("data-task=") == 1
    assert f'data-task="confirm" data-case="{mine.case_number}"' in page
    assert "现场核实" in page and "暴露垃圾" in page and 'data-light="green"' in page
    other = app.test_client()
    sign_in(other, "li")
    assert mine.case_number not in other.get("/phone/tasks").get_data(as_text=True)
    assert other.get(f"/phone/tasks/{mine.id}").status_code == 404


def test_newest_deadline_first_and_lights_follow_the_clock(app, worker_client, world, db):
    older = resident_report(db, app, world)
    newer = resident_report(db, app, world, grid="110199001001002")
    late = db.scalar(select(Deadline).where(Deadline.incident_id == older.id,
                                            Deadline.kind == "onsite_check"))
    now = datetime.now(timezone.utc)
    late.started_at, late.warn_at, late.due_at = (now - timedelta(hours=h) for h in (3, 2, 1))
    db.commit()
    page = worker_client.get("/phone/tasks").get_data(as_text=True)
    assert page.index(newer.case_number) < page.index(older.case_number)
    assert 'data-light="red"' in page and "超时" in page


def test_the_on_site_check_is_done_from_the_task_page(app, worker_client, world, db):
    incident = resident_report(db, app, world)
    page = worker_client.get(f"/phone/tasks/{incident.id}").get_data(as_text=True)
    assert "问题是否属实" in page and "tel:13800000000" in page and "geo:" in page
    answer = worker_client.post(f"/phone/tasks/{incident.id}/confirm", data={
        "csrf_token": worker_client.csrf, "version": incident.version, "found": "yes",
        "note": "现场确有垃圾"})
    assert answer.status_code == 302 and answer.location == "/phone/tasks"
    db.expire_all()
    incident = db.get(Incident, incident.id)
    assert incident.verified_on_site is True and incident.state == "screening"
    check = db.scalar(select(Deadline).where(Deadline.incident_id == incident.id,
                                             Deadline.kind == "onsite_check"))
    assert check.state == "met"
    assert incident.events[-1].payload["note"] == "现场确有垃圾"
    after = worker_client.get("/phone/tasks").get_data(as_text=True)
    assert "已完成" in after and "data-task=" not in after


def test_a_missing_answer_or_a_stale_page_is_explained(app, worker_client, world, db):
    incident = resident_report(db, app, world)
    url = f"/phone/tasks/{incident.id}/confirm"
    unanswered = worker_client.post(url, data={"csrf_token": worker_client.csrf,
                                               "version": incident.version})
    assert unanswered.status_code == 400 and "请检查：结果" in unanswered.get_data(as_text=True)
    stale = worker_client.post(url, data={"csrf_token": worker_client.csrf, "version": 99,
                                          "found": "no"})
    assert stale.status_code == 409 and "请刷新后重试" in stale.get_data(as_text=True)
    wrong = worker_client.post(f"/phone/tasks/{incident.id}/verify", data={
        "csrf_token": worker_client.csrf, "version": incident.version, "passed": "yes"})
    assert wrong.status_code == 302
    assert "不再由您负责" in worker_client.get("/phone/tasks").get_data(as_text=True)
    missing_token = worker_client.post(url, data={"version": incident.version, "found": "no"})
    assert missing_token.status_code == 400 and "页面已过期" in missing_token.get_data(as_text=True)


def test_result_check_then_return_visit(app, worker_client, world, db):
    incident = to_supervision(db, world, resident_report(db, app, world))
    page = worker_client.get("/phone/tasks").get_data(as_text=True)
    assert 'data-task="verify"' in page and "核查" in page
    worker_client.post(f"/phone/tasks/{incident.id}/verify", data={
        "csrf_token": worker_client.csrf, "version": incident.version, "passed": "yes"})
    db.expire_all()
    incident = db.get(Incident, incident.id)
    assert incident.state == "evaluation"
    page = worker_client.get("/phone/tasks").get_data(as_text=True)
    assert 'data-task="evaluate"' in page and "回访" in page
    worker_client.post(f"/phone/tasks/{incident.id}/evaluate", data={
        "csrf_token": worker_client.csrf, "version": incident.version, "contacted": "yes",
        "solved": "yes", "satisfaction": "basically_satisfied"})
    db.expire_all()
    incident = db.get(Incident, incident.id)
    assert incident.satisfaction == "basically_satisfied"
    event = incident.events[-1]
    assert (event.action, event.actor_label, event.payload["solved"]) == \
        ("evaluate", "王网格", True)
    assert "data-task=" not in worker_client.get("/phone/tasks").get_data(as_text=True)
