"""A grid worker on a phone: report with a photo, report offline, do a verification task."""
from sqlalchemy import func, select

from gridops.dispatch.models import Incident, Photo

from e2e.conftest import shoot, sign_in, small_targets
from web.kit import photo_bytes, resident_report

GRID = "110199001001001"


def camera_photo(tmp_path):
    """A 12-megapixel-ish camera JPEG with EXIF and GPS, as the phone's camera gives it."""
    path = tmp_path / "IMG_20261118_100000.jpg"
    path.write_bytes(photo_bytes((4000, 3000), color="olive"))
    return str(path)


def choose_category(page, search, name):
    page.fill("#cat-search", search)
    page.locator("#catlist label.chip").get_by_text(name, exact=True).click()


def count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_a_report_with_a_photo_from_login_to_case_number(phone, world, people, db, tmp_path):
    lat, lon = world.center(GRID)
    page = phone(lat, lon).new_page()
    page.goto("/login")
    shoot(page, "login")
    sign_in(page)
    # The grid the fix falls in is shown before anything is sent.
    page.wait_for_selector("#place[data-grid='110199001001001']")
    assert "网格01001" in page.inner_text("#place-title")
    assert "±12" in page.inner_text("#place-detail")
    assert small_targets(page) == []
    shoot(page, "report")
    choose_category(page, "垃圾", "暴露垃圾")
    page.set_input_files("#photo-input", camera_photo(tmp_path))
    page.wait_for_selector("#photo-list figure img")
    page.fill("#description", "路口三袋垃圾")
    shoot(page, "report-filled", full_page=True)
    page.click("#submit")
    case = page.wait_for_selector("[data-case-number]").get_attribute("data-case-number")
    page.wait_for_selector("#outbox-list >> text=照片已发送 1/1")
    shoot(page, "sent", full_page=True)
    incident = db.scalar(select(Incident).where(Incident.case_number == case))
    assert incident.description == "路口三袋垃圾" and incident.grid.code == GRID
    assert incident.category.name == "暴露垃圾" and incident.accuracy_m == 12
    photo = db.scalar(select(Photo).where(Photo.incident_id == incident.id))
    assert max(photo.width, photo.height) <= 1600  # scaled on the phone before sending
    page.click("nav.tabs >> text=我的上报")
    page.click(f"#my-reports >> text={case}")
    page.wait_for_selector("text=处理过程")
    # Functions, not expressions: polling an expression evals it, which the CSP forbids.
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shoot(page, "case", full_page=True)


def test_outside_my_grids_i_pick_the_place_and_report_a_fix_i_made(phone, world, people, db,
                                                                  tmp_path):
    # Standing in another street's grid: the form says so and offers the fallbacks.
    lat, lon = world.center("110199002001001")
    page = phone(lat, lon).new_page()
    sign_in(page)
    page.wait_for_selector("#place.weak")
    assert "不在您负责的网格内" in page.inner_text("#place-detail")
    page.click("#btn-map")
    page.wait_for_selector("#pick-map .leaflet-interactive")
    target = world.center("110199001001001")
    x, y = page.evaluate("([lat, lon]) => { const p = document.getElementById('pick-map')"
                         ".gridMap.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
                         list(target))
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#place[data-grid='110199001001001']")
    assert "地图选点" in page.inner_text("#place-detail")
    shoot(page, "map")
    page.click("#btn-grid")
    page.select_option("#grid-select", index=2)
    assert "手动选择的网格" in page.inner_text("#place-detail")
    assert "网格01002" in page.inner_text("#place-title")
    choose_category(page, "乱停", "机动车乱停放")
    page.check("#self-handled")
    page.click("#submit")
    assert "处置前和处置后" in page.inner_text("#form-error")
    for side, color in (("before", "red"), ("after", "green")):
        path = tmp_path / f"{side}.jpg"
        path.write_bytes(photo_bytes(color=color))
        page.set_input_files(f"#{side}-input", str(path))
    page.wait_for_selector("#self-list figure:nth-child(2) img")
    shoot(page, "self-handled", full_page=True)
    page.click("#submit")
    page.wait_for_selector("#outbox-list >> text=照片已发送 2/2")
    incident = db.scalar(select(Incident))
    assert incident.grid.code == "110199001001002" and "网格01002" in incident.address
    assert incident.self_handled and incident.state == "supervision"
    assert sorted(p.role for p in incident.photos) == ["after", "before"]


def test_offline_the_report_waits_on_the_phone_and_is_sent_once(phone, world, people, db):
    lat, lon = world.center(GRID)
    context = phone(lat, lon)
    page = context.new_page()
    sign_in(page)
    page.wait_for_selector("#place[data-grid='110199001001001']")
    # The service worker keeps the form, so the page opens again without a signal.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    choose_category(page, "垃圾", "暴露垃圾")
    page.click("#submit")
    page.wait_for_selector("#outbox-list .status-waiting")
    page.wait_for_selector("#outbox-badge:not([hidden])")
    shoot(page, "offline", full_page=True)
    assert count(db, Incident) == 0
    page.close()  # the worker puts the phone away; the report is in IndexedDB
    page = context.new_page()
    page.goto("/phone/")
    page.wait_for_selector("#outbox-list .status-waiting")
    assert count(db, Incident) == 0
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto("/phone/reports")
    # Sent from the outbox as the page opens; the page then lists it from the server.
    page.wait_for_selector("#my-reports li")
    shoot(page, "mine", full_page=True)
    assert count(db, Incident) == 1
    case = db.scalar(select(Incident.case_number))
    assert case in page.inner_text("#my-reports")
    page.goto("/phone/")
    page.wait_for_selector(f"[data-case-number='{case}']")
    assert count(db, Incident) == 1


def test_a_lost_answer_is_retried_without_a_second_case(phone, world, people, db):
    lat, lon = world.center(GRID)
    context = phone(lat, lon, service_workers="block")
    page = context.new_page()
    sign_in(page)
    page.wait_for_selector("#place[data-grid='110199001001001']")
    lost = []

    def drop_first_answer(route):
        # The server gets the report and answers; the phone never hears it (signal gone).
        if not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route("**/phone/reports", drop_first_answer)
    choose_category(page, "垃圾", "暴露垃圾")
    page.click("#submit")
    page.wait_for_selector("[data-case-number]", timeout=15_000)
    assert lost == [201] and count(db, Incident) == 1


def test_a_verification_task_is_done_on_site(app, phone, world, people, db):
    incident = resident_report(db, app, world)
    page = phone(*world.center(GRID)).new_page()
    sign_in(page)
    page.click("nav.tabs >> text=我的任务")
    page.wait_for_selector(f"[data-case='{incident.case_number}'] [data-light='green']")
    shoot(page, "tasks")
    page.click(f"[data-case='{incident.case_number}'] a")
    page.wait_for_selector("text=问题是否属实？")
    assert small_targets(page) == []
    shoot(page, "task", full_page=True)
    page.fill("textarea[name=note]", "已到现场核实")
    page.click("button[name=found][value=yes]")
    page.wait_for_selector("text=已完成")
    db.expire_all()
    assert db.get(Incident, incident.id).verified_on_site is True
    assert page.locator("[data-task]").count() == 0
