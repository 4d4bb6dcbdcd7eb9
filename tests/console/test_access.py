"""Every console request checks role and scope on the server; forms need their CSRF token."""
import pytest
from sqlalchemy import select

from gridops.dispatch.models import Event, Incident

from console.kit import OTHER_STREET_GRID, client_for

PAGES = ["/console/", "/console/queue", "/console/map", "/console/map/cases", "/console/whistles",
         "/console/workspace", "/console/district", "/console/admin/", "/console/admin/users",
         "/console/admin/routing", "/console/admin/sla", "/console/admin/channels",
         "/console/admin/calendar", "/console/admin/rq/"]
#: Who may open each page (the rest are refused).
ALLOWED = {
    "dispatcher": {"/console/", "/console/queue", "/console/map", "/console/map/cases",
                   "/console/whistles"},
    "department": {"/console/", "/console/whistles", "/console/workspace"},
    "district": {"/console/", "/console/queue", "/console/map", "/console/map/cases",
                 "/console/whistles", "/console/district"},
}


def test_a_visitor_is_sent_to_sign_in(client, staff):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    live = client.get("/console/live", headers={"Accept": "application/json"})
    assert live.status_code == 401


@pytest.mark.parametrize("username,role", [("disp", "dispatcher"), ("hw", "department"),
                                           ("dist", "district")])
def test_each_role_opens_only_its_pages(app, staff, username, role):
    client = client_for(app, username)
    for path in PAGES:
        status = client.get(path).status_code
        if path in ALLOWED[role]:
            assert status in (200, 302), (path, status)
        else:
            assert status == 403, (path, status)


def test_a_grid_worker_has_no_console(app, staff):
    client = client_for(app, "gw")
    for path in ("/console/queue", "/console/whistles", "/console/workspace"):
        assert client.get(path).status_code == 403


def test_an_admin_opens_every_page_but_a_units_workspace(app, staff):
    client = client_for(app, "root")
    for path in PAGES:
        expected = (403,) if path == "/console/workspace" else (200, 302)
        assert client.get(path).status_code in expected, path


def test_a_dispatcher_cannot_open_another_streets_case(app, staff, cases, db):
    theirs = cases.report(grid=OTHER_STREET_GRID)
    client = client_for(app, "disp")
    page = client.get(f"/console/cases/{theirs.id}")
    assert page.status_code == 404 and "无权查看" in page.get_data(as_text=True)
    sent = client.post(f"/console/cases/{theirs.id}/actions/reject",
                       data={"reason": "不归我们管", "version": theirs.version,
                             "csrf_token": client.csrf})
    assert sent.status_code == 404
    db.expire_all()
    assert db.get(Incident, theirs.id).state == "screening"
    assert theirs.case_number not in client.get("/console/queue").get_data(as_text=True)
    assert client.get("/console/map/cases").get_json()["features"] == []


def test_a_department_cannot_open_another_departments_case(app, staff, cases):
    hw_case = cases.accepted()  # lead HW, co-unit CG on street 1 (class 01 line)
    street2 = cases.accepted(grid=OTHER_STREET_GRID, category="event:0101")  # lead CG
    hw = client_for(app, "hw")
    assert hw.get(f"/console/cases/{hw_case.id}").status_code == 200
    assert hw.get(f"/console/cases/{street2.id}").status_code == 404
    assert hw.get(f"/api/v1/incidents/{street2.id}").status_code == 404
    workspace = hw.get("/console/workspace").get_data(as_text=True)
    assert hw_case.case_number in workspace and street2.case_number not in workspace


def test_a_co_unit_reads_the_case_but_has_only_a_note_to_add(app, staff, cases):
    incident = cases.accepted()
    page = client_for(app, "cg").get(f"/console/cases/{incident.id}").get_data(as_text=True)
    assert 'id="act-comment"' not in page  # in_scope is the lead unit's; a co-unit reads
    assert 'id="act-sign"' not in page and incident.case_number in page


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app, staff, cases, db):
    incident = cases.report()
    client = client_for(app, "disp")
    response = client.post(f"/console/cases/{incident.id}/actions/accept",
                           data={"triage": "big", "version": incident.version})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Incident, incident.id).state == "screening"
    assert db.scalar(select(Event.id).where(Event.action == "accept")) is None


def test_live_updates_carry_only_the_users_cases(app, staff, cases):
    client = client_for(app, "disp")
    start = client.get("/console/live").get_json()["latest"]
    mine, theirs = cases.report(), cases.report(grid=OTHER_STREET_GRID)
    body = client.get(f"/console/live?since={start}").get_json()
    assert [e["case_number"] for e in body["events"]] == [mine.case_number]
    assert body["latest"] >= body["events"][0]["id"]
    assert theirs.case_number not in str(body)
    again = client.get(f"/console/live?since={body['latest']}").get_json()
    assert again["events"] == []


def test_cookies_are_http_only(app, staff):
    client = app.test_client()
    from web.kit import sign_in
    response = sign_in(client, "disp")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("HttpOnly" in c for c in cookies)
