"""The tracking link: stage and result without personal data, and the reporter's rating."""
from sqlalchemy import select

from gridops.dispatch.models import Incident
from gridops.dispatch.operations import apply_action

from web.kit import DISPATCHER, resident_report, to_supervision


def test_the_page_shows_the_stage_but_no_personal_data(app, client, world, db):
    incident = resident_report(db, app, world)
    page = client.get(f"/t/{incident.tracking_token}").get_data(as_text=True)
    assert incident.case_number in page and "暴露垃圾" in page and 'data-state="screening"' in page
    assert "13800000000" not in page and "垃圾堆在路边" not in page
    assert "resident" not in page and "rate-form" not in page
    missing = client.get("/t/not-a-token")
    assert missing.status_code == 404 and "链接无效" in missing.get_data(as_text=True)


def test_the_reporter_rates_the_result_once(app, client, world, db):
    incident = resident_report(db, app, world)
    url = f"/t/{incident.tracking_token}"
    early = client.post(f"{url}/rate", data={"csrf_token": csrf(client, url),
                                             "satisfaction": "satisfied"})
    assert early.status_code == 409 and "目前无法评价" in early.get_data(as_text=True)
    to_supervision(db, world, incident)
    apply_action(db, incident.id, "verify", DISPATCHER, {"passed": True}, incident.version,
                 incident.updated_at)
    db.commit()
    page = client.get(url).get_data(as_text=True)
    assert "rate-form" in page and "已清理" in page and "赵" not in page
    missing = client.post(f"{url}/rate", data={"csrf_token": csrf(client, url)})
    assert missing.status_code == 400 and "请检查：满意度" in missing.get_data(as_text=True)
    rated = client.post(f"{url}/rate", data={"csrf_token": csrf(client, url),
                                             "satisfaction": "dissatisfied", "solved": "no"})
    assert rated.status_code == 302
    db.expire_all()
    incident = db.get(Incident, incident.id)
    assert incident.satisfaction == "dissatisfied"
    event = incident.events[-1]
    assert (event.action, event.actor_label, event.actor_id, event.payload["solved"]) == \
        ("evaluate", "reporter", None, False)
    page = client.get(url).get_data(as_text=True)
    assert "感谢您的评价" in page and "您的评价：不满意" in page and "rate-form" not in page
    again = client.post(f"{url}/rate", data={"csrf_token": csrf(client, url),
                                             "satisfaction": "satisfied"})
    assert again.status_code == 409


def csrf(client, url):
    import re
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_a_tracking_token_only_rates_its_own_case(app, client, world, db):
    first = resident_report(db, app, world)
    second = resident_report(db, app, world)
    for incident in (first, second):
        to_supervision(db, world, incident)
        apply_action(db, incident.id, "verify", DISPATCHER, {"passed": True}, incident.version,
                     incident.updated_at)
    db.commit()
    url = f"/t/{first.tracking_token}"
    client.post(f"{url}/rate", data={"csrf_token": csrf(client, url),
                                     "satisfaction": "satisfied"})
    db.expire_all()
    assert db.get(Incident, first.id).satisfaction == "satisfied"
    assert db.scalar(select(Incident.satisfaction).where(Incident.id == second.id)) is None
