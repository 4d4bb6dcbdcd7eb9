"""The case page shows exactly the actions the transition table allows the user now, as forms
with their required fields; sending them applies the action or says readably why not."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from gridops.console.actions import CASE_GUARDS, FIELD_GUARDS, fields_of
from gridops.dispatch.decide import GUARDS
from gridops.dispatch.models import Event, Incident, Photo
from gridops.dispatch.transitions import TABLE

from console.kit import client_for
from web.kit import photo_bytes

FORM = re.compile(r'<details class="action" id="act-([a-z_]+)"')

#: What each user may do in each situation, worked out by hand from the table and its guards.
EXPECTED = {
    "screening": {"disp": {"accept", "reject", "merge", "confirm", "whistle", "comment"},
                  "hw": set()},
    "assignment": {"disp": {"assign", "supervise", "whistle", "comment"},
                   "hw": {"sign", "return", "whistle", "comment"}},
    "handling": {"disp": {"assign", "hold", "supervise", "whistle", "comment"},
                 "hw": {"request_extension", "request_hold", "submit_result", "whistle",
                        "comment"}},
    "extension asked": {"disp": {"assign", "approve_extension", "deny_extension", "hold",
                                 "supervise", "whistle", "comment"},
                        "hw": {"submit_result", "whistle", "comment"}},
    "on hold": {"disp": {"assign", "resume", "supervise", "whistle", "comment"},
                "hw": {"request_extension", "request_hold", "resume", "submit_result",
                       "whistle", "comment"}},
    "supervision": {"disp": {"verify", "supervise", "comment"}, "hw": {"comment"}},
    "evaluation": {"disp": {"evaluate", "close", "reopen", "comment"}, "hw": {"comment"}},
    "closed": {"disp": set(), "hw": set()},
}


def situation(cases, name):
    """Return a case in the named situation."""
    if name == "screening":
        return cases.report()
    if name == "assignment":
        return cases.accepted()
    incident = cases.signed()
    steps = {"extension asked": [("request_extension", {"minutes": 60, "reason": "缺材料"},
                                  cases.hw)],
             "on hold": [("hold", {"reason": "等待拆迁"}, None)],
             "supervision": [("submit_result", {"note": "已清理"}, cases.hw)],
             "evaluation": [("submit_result", {"note": "已清理"}, cases.hw),
                            ("verify", {"passed": True}, None)],
             "closed": [("submit_result", {"note": "已清理"}, cases.hw),
                        ("verify", {"passed": True}, None), ("close", {}, None)]}
    for i, (action, fields, actor) in enumerate(steps.get(name, []), start=3):
        cases.act(incident, action, fields, actor, minutes=i)
    return incident


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_page_shows_exactly_the_allowed_actions(app, staff, cases, name):
    incident = situation(cases, name)
    for username, expected in EXPECTED[name].items():
        page = client_for(app, username).get(f"/console/cases/{incident.id}")
        if username == "hw" and name == "screening":
            assert page.status_code == 404  # not the department's case yet
            continue
        assert set(FORM.findall(page.get_data(as_text=True))) == expected, username


def test_every_guard_is_classified():
    assert CASE_GUARDS | FIELD_GUARDS == set(GUARDS)
    assert not CASE_GUARDS & FIELD_GUARDS


def test_every_form_asks_for_its_required_fields():
    for key, row in TABLE.items():
        specs = {s.name: s for s in fields_of(row.params)}
        required = {name for name, info in row.params.model_fields.items()
                    if info.is_required()}
        assert {name for name, s in specs.items() if s.required} == required, key
        assert set(specs) == set(row.params.model_fields), key


def test_a_form_carries_the_version_and_its_fields(app, staff, cases):
    incident = cases.report()
    page = client_for(app, "disp").get(f"/console/cases/{incident.id}").get_data(as_text=True)
    accept = page[page.index('id="act-accept"'):page.index('id="act-reject"')]
    assert f'name="version" value="{incident.version}"' in accept
    assert accept.count('name="triage"') == 4 and "required" in accept
    assert 'name="lead_unit"' in accept and '<option value="HW" selected>' in accept
    assert 'name="co_units" value="CG" checked' in accept  # the list's co-unit, pre-ticked
    assert 'name="csrf_token"' in accept


def test_accepting_through_the_form_assigns_the_case(app, staff, cases, db):
    incident = cases.report()
    client = client_for(app, "disp")
    response = client.post(f"/console/cases/{incident.id}/actions/accept", data={
        "triage": "big", "lead_unit": "HW", "co_units": ["CG"], "urgency": "",
        "category": "event:0102", "note": "", "version": incident.version,
        "csrf_token": client.csrf})
    assert response.status_code == 302
    db.expire_all()
    case = db.get(Incident, incident.id)
    assert (case.state, case.lead_unit.code, [u.code for u in case.co_units]) == \
        ("assignment", "HW", ["CG"])
    event = db.scalar(select(Event).where(Event.action == "accept"))
    assert event.actor_id == staff["dispatcher"].id
    assert "已完成：受理" in client.get(response.headers["Location"]).get_data(as_text=True)


def refused(client, incident, action, status, text, **fields):
    data = {"version": incident.version, "csrf_token": client.csrf, **fields}
    response = client.post(f"/console/cases/{incident.id}/actions/{action}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:500]
    assert text in body
    return body


def events(db):
    return db.scalar(select(func.count()).select_from(Event))


def test_bad_input_is_refused_readably_and_nothing_is_stored(app, staff, cases, db):
    screening, handling = cases.report(), cases.signed()
    before = events(db)
    disp, hw = client_for(app, "disp"), client_for(app, "hw")
    page = refused(disp, screening, "reject", 400, "请检查：原因", reason="  ")
    assert re.search(r'id="act-reject"[^>]* open>', page)  # the refused form stays open
    refused(hw, handling, "request_extension", 400, "请检查：延长时间", minutes="abc",
            reason="缺材料")
    kept = refused(disp, screening, "accept", 422, "私事", triage="private", note="")
    assert 'value="private" checked' in kept  # what was sent is kept in the form
    refused(disp, screening, "accept", 422, "LOST", triage="big", lead_unit="LOST")
    db.expire_all()
    assert events(db) == before
    assert db.get(Incident, screening.id).state == "screening"
    assert db.get(Incident, handling.id).extension_request is None


def test_a_stale_version_says_someone_else_acted(app, staff, cases, db):
    incident = cases.report()
    client = client_for(app, "disp")
    stale = incident.version
    cases.act(incident, "comment", {"note": "先看看"})
    body = refused(client, incident, "reject", 409, "其他人已处理", reason="重复",
                   version=stale)
    assert "先看看" in body  # the page shows the case as it is now
    db.expire_all()
    assert db.get(Incident, incident.id).state == "screening"


def test_an_action_the_state_does_not_allow_is_refused(app, staff, cases):
    incident = cases.report()
    client = client_for(app, "disp")
    refused(client, incident, "close", 422, "不能执行", note="")
    refused(client, incident, "fly", 404, incident.case_number)


def test_a_duplicate_nearby_is_merged_with_its_button(app, staff, cases, db):
    # Duplicates are looked for among the last 72 hours' reports, counted from now.
    first = cases.report(at=datetime.now(timezone.utc) - timedelta(hours=1))
    second = cases.report(at=datetime.now(timezone.utc))
    client = client_for(app, "disp")
    page = client.get(f"/console/cases/{second.id}").get_data(as_text=True)
    assert "附近可能重复的案卷" in page and first.case_number in page
    response = client.post(f"/console/cases/{second.id}/actions/merge", data={
        "into": first.case_number, "version": second.version, "csrf_token": client.csrf})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Incident, second.id).merged_into_id == first.id


def test_the_result_is_submitted_with_photos(app, staff, cases, db):
    incident = cases.signed()
    client = client_for(app, "hw")
    response = client.post(f"/console/cases/{incident.id}/actions/submit_result", data={
        "note": "已清运", "version": incident.version, "csrf_token": client.csrf,
        "photos": [(__import__("io").BytesIO(photo_bytes((800, 600))), "after.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.expire_all()
    photo = db.scalar(select(Photo).where(Photo.incident_id == incident.id))
    event = db.scalar(select(Event).where(Event.action == "submit_result"))
    assert (photo.role, photo.event_id) == ("result", event.id)
    assert event.payload["photos"] == [photo.sha256]
    assert db.get(Incident, incident.id).state == "supervision"


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(app, staff, cases, db):
    incident = cases.signed()
    client = client_for(app, "hw")
    response = client.post(f"/console/cases/{incident.id}/actions/submit_result", data={
        "note": "已清运", "version": incident.version, "csrf_token": client.csrf,
        "photos": [(__import__("io").BytesIO(b"not an image"), "notes.txt")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "不是照片" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Incident, incident.id).state == "handling"


def test_the_page_shows_place_timeline_deadlines_and_suggestion(app, staff, cases):
    incident = cases.signed()
    page = client_for(app, "disp").get(f"/console/cases/{incident.id}").get_data(as_text=True)
    assert 'id="case-map"' in page and "110199001001001" in page  # the grid outline
    assert "处理过程" in page and "签收" in page and "调度" in page
    assert "责任清单建议" in page and "环卫中心" in page
    assert "时限" in page and "办理" in page


def test_the_page_speaks_english_on_request(app, staff, cases):
    incident = cases.report()
    page = client_for(app, "disp").get(f"/console/cases/{incident.id}",
                                       headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert "What you can do now" in text and "Accept" in text
