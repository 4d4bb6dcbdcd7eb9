"""A street's day in the browser: a report arrives live, is screened, triaged and assigned; the
department signs for it and reports the result with a photo; it is checked, rated and closed."""
from sqlalchemy import select

from gridops.dispatch.models import Incident, Photo

from console.browser import desk, shoot
from console.kit import cases, staff  # noqa: F401  (fixtures)
from web.kit import photo_bytes

GRID = "110199001001001"


def state_of(db, number):
    db.expire_all()
    return db.scalar(select(Incident).where(Incident.case_number == number))


def report_from_a_phone(browser, live_server, world, token):
    """POST a grid worker's report to the API as their app would; return its case number."""
    lat, lon = world.center(GRID)
    phone = browser.new_context(base_url=live_server)
    response = phone.request.post("/api/v1/incidents", headers={
        "Authorization": f"Bearer {token}"}, data={
        "lat": lat + 0.003, "lon": lon + 0.002, "category": "event:0102",
        "description": "小区门口垃圾桶满溢，已堆到路面"})
    assert response.status == 201, response.text()
    number = response.json()["case_number"]
    phone.close()
    return number


def act(page, key, submit_label):
    """Open an action's form with its key and send it."""
    # The shortcuts live in a deferred script: on a busy machine a key pressed as soon as the
    # text shows can land before the handler exists.
    page.wait_for_load_state("load")
    page.keyboard.press(key)
    form = page.locator("details.action[open] form")
    return form, lambda: form.locator(f"button[type=submit]:has-text('{submit_label}')").click()


def test_a_case_travels_the_loop_through_the_console(browser, live_server, app, staff, cases,
                                                    world, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_CONSOLE_POLL_SECONDS", 1)
    for grid, off in (("110199001001002", (0.004, -0.002)),
                      ("110199001002001", (-0.005, 0.003))):
        cases.report(grid=grid, category="event:0101", off=off)  # last week's, for company
    cases.accepted(off=(-0.006, -0.002))
    dispatcher = desk(browser, live_server, "disp")
    dispatcher.wait_for_selector("table.cases tbody tr[data-href]")
    number = report_from_a_phone(browser, live_server, world, staff["worker"].token)

    # It appears without a reload: the list refreshes in place and the feed says what came.
    row = dispatcher.wait_for_selector(f'tr[data-case="{number}"]')
    dispatcher.wait_for_selector(f"#live-feed .live-item:has-text('{number}')")
    assert dispatcher.inner_text('[data-count="screening"]') == "3"
    shoot(dispatcher, "queue")

    # j/k move through the list, Enter opens; a opens the accept form; the list's units are set.
    position = dispatcher.eval_on_selector_all(
        "table.cases tbody tr[data-href]", f"rs => rs.findIndex(r => r.dataset.case === '{number}')")
    for _ in range(position):
        dispatcher.keyboard.press("j")
    assert row.get_attribute("class") == "selected"
    dispatcher.keyboard.press("Enter")
    dispatcher.wait_for_url("**/console/cases/*")
    form, send = act(dispatcher, "a", "受理")
    form.get_by_label("大事").check()
    assert form.locator("select[name=lead_unit]").input_value() == "HW"
    shoot(dispatcher, "case", full_page=True)
    send()
    dispatcher.wait_for_selector("text=已完成：受理")
    incident = state_of(db, number)
    assert (incident.state, incident.triage, incident.lead_unit.code) == ("assignment", "big", "HW")

    # The department signs for it from its own list and reports the result with a photo.
    department = desk(browser, live_server, "hw")
    department.wait_for_url("**/console/workspace")
    shoot(department, "workspace")
    department.locator(f'tr[data-case="{number}"] button:has-text("签收")').click()
    department.wait_for_selector("text=已完成：签收")
    assert state_of(db, number).state == "handling"
    form, send = act(department, "d", "反馈办理结果")
    form.locator("textarea[name=note]").fill("已清运，垃圾桶已增配两个")
    photo = tmp_path / "after.jpg"
    photo.write_bytes(photo_bytes((1600, 1200), color="green"))
    form.locator("input[name=photos]").set_input_files(str(photo))
    send()
    department.wait_for_selector("text=已完成：反馈办理结果")
    incident = state_of(db, number)
    assert incident.state == "supervision" and incident.result_note.startswith("已清运")
    assert db.scalar(select(Photo.role).where(Photo.incident_id == incident.id)) == "result"

    # The street checks the result, records the return visit and closes the case.
    dispatcher.reload()
    form, send = act(dispatcher, "v", "核查结果")
    form.get_by_label("是").check()
    send()
    dispatcher.wait_for_selector("text=已完成：核查结果")
    assert state_of(db, number).state == "evaluation"
    form, send = act(dispatcher, "p", "登记评价")
    form.get_by_label("满意", exact=True).check()
    form.locator("input[name=unit_score]").fill("92")
    send()
    dispatcher.wait_for_selector("text=已完成：登记评价")
    assert state_of(db, number).satisfaction == "satisfied"
    form, send = act(dispatcher, "c", "结案")
    send()
    dispatcher.wait_for_selector("text=已完成：结案")
    incident = state_of(db, number)
    assert (incident.state, incident.unit_score) == ("closed", 92)
    assert "Nothing" not in dispatcher.content()
    shoot(dispatcher, "closed", full_page=True)

    dispatcher.goto("/console/map")
    dispatcher.wait_for_selector("#overview-map[data-loaded='3']")
    dispatcher.wait_for_selector("#overview-map .grid-label")
    shoot(dispatcher, "map")
