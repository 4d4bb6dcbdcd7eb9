"""A resident scans the community's poster, reports with a photo and follows the link."""
from sqlalchemy import select

from gridops.dispatch.models import Incident
from gridops.dispatch.operations import apply_action

from e2e.conftest import shoot, sign_in, small_targets
from web.kit import COMMUNITY, DISPATCHER, photo_bytes, to_supervision


def test_a_resident_report_and_its_tracking_link(phone, world, people, db, tmp_path):
    picture = tmp_path / "street.jpg"
    picture.write_bytes(photo_bytes((3000, 2000), color="navy"))
    lat, lon = world.center("110199001001002")
    page = phone(lat, lon).new_page()
    page.goto(f"/r/{COMMUNITY}")
    page.wait_for_selector("#place.good")
    assert "±12" in page.inner_text("#place-title")
    page.fill("#cat-search", "乱停")
    page.locator("#catlist label.chip").get_by_text("机动车乱停放", exact=True).click()
    page.fill("textarea[name=description]", "消防通道被堵")
    page.set_input_files("#resident-photos", str(picture))
    page.wait_for_selector("#photo-note >> text=1 ✓")
    page.fill("input[name=reporter_phone]", "13912345678")
    assert small_targets(page) == []
    shoot(page, "resident", full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url("**/t/**")
    incident = db.scalar(select(Incident))
    assert page.inner_text("#case-number") == incident.case_number
    assert (incident.source, incident.state) == ("resident", "screening")
    assert incident.photos[0].width == 1600  # shrunk on the phone before the post
    assert "13912345678" not in page.content() and "消防通道被堵" not in page.content()
    shoot(page, "tracking", full_page=True)

    to_supervision(db, world, incident)
    apply_action(db, incident.id, "verify", DISPATCHER, {"passed": True}, incident.version,
                 incident.updated_at)
    db.commit()
    page.reload()
    page.check("input[name=solved][value=yes]")
    shoot(page, "rate", full_page=True)
    page.click("button[name=satisfaction][value=satisfied]")
    page.wait_for_selector("text=感谢您的评价")
    db.expire_all()
    assert db.get(Incident, incident.id).satisfaction == "satisfied"


def test_the_poster_a_worker_prints(phone, world, people):
    page = phone().new_page()
    sign_in(page)
    page.goto("/posters")
    page.click(f"a[href='/r/{COMMUNITY}/poster']")
    page.wait_for_selector(".poster svg")
    shoot(page, "poster", full_page=True)
