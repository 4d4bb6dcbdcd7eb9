"""吹哨报到 in the browser: the street blows the whistle, one unit checks in, the other misses
its check-in and the matter goes to the district — each seen live on the whistle board."""
from sqlalchemy import select

from gridops.dispatch import sweep
from gridops.dispatch.models import Deadline, Summons, Whistle

from console.browser import desk, shoot
from console.kit import cases, staff  # noqa: F401  (fixtures)


def summons(db, code):
    db.expire_all()
    return db.scalar(select(Summons).where(Summons.unit.has(code=code)))


def test_a_whistle_one_check_in_and_one_miss(browser, live_server, app, staff, cases, db,
                                             monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_CONSOLE_POLL_SECONDS", 1)
    incident = cases.accepted(off=(0.003, 0.001))  # lead HW, co-unit CG
    dispatcher = desk(browser, live_server, "disp")
    dispatcher.goto(f"/console/cases/{incident.id}")
    dispatcher.keyboard.press("w")
    form = dispatcher.locator("details.action[open] form")
    form.get_by_label("应急处置").check()
    form.locator("textarea[name=note]").fill("雨水篦子堵塞，路口积水，需城管与环卫联合处置")
    form.locator("button[type=submit]").click()
    dispatcher.wait_for_selector("text=已完成：吹哨")
    whistle = db.scalar(select(Whistle))
    assert (whistle.reason, whistle.blown_by_id) == ("emergency", staff["dispatcher"].id)

    dispatcher.goto("/console/whistles")
    dispatcher.wait_for_selector('tr[data-unit="HW"][data-status="pending"] time.countdown')
    assert "剩余" in dispatcher.inner_text('tr[data-unit="HW"] time.countdown')

    # CG checks in from its own screen; the street's board shows it without a reload.
    cg = desk(browser, live_server, "cg")
    cg.goto("/console/whistles")
    row = cg.locator('tr[data-unit="CG"]')
    row.locator("input[name=attendee]").fill("城管张队长等3人")
    row.locator("button[type=submit]").click()
    cg.wait_for_selector("text=已向吹哨")
    assert summons(db, "CG").status == "checked_in"
    dispatcher.wait_for_selector('tr[data-unit="CG"][data-status="checked_in"]')
    assert "城管张队长等3人" in dispatcher.inner_text('tr[data-unit="CG"]')

    # HW lets its check-in time pass: the timer fires at the due time and goes to the district.
    clock = db.scalar(select(Deadline).where(Deadline.summons_id == summons(db, "HW").id))
    sweep.fire_batch(db, clock.due_at, 100)
    db.commit()
    assert summons(db, "HW").status == "missed"
    dispatcher.wait_for_selector('tr[data-unit="HW"][data-status="missed"]')
    dispatcher.wait_for_selector(f"#whistle-{whistle.id}.escalated")
    shoot(dispatcher, "whistles")

    district = desk(browser, live_server, "dist")
    district.goto("/console/district")
    assert "环卫中心" in district.inner_text("section:has-text('未按时报到')")
    shoot(district, "district")
