"""An admin enters next year's holiday notice, and opens the job dashboard."""
from sqlalchemy import select

from gridops.dispatch.models import CalendarYear

from console.browser import desk, shoot
from console.kit import staff  # noqa: F401  (fixtures)

NOTICE = """year 2027
status official
notice 国办发明电〔2026〕99号
holiday 2027-01-01..2027-01-03 元旦
holiday 2027-02-06..2027-02-12 春节
workday 2027-02-14 春节
"""


def test_the_admin_confirms_next_year(browser, live_server, staff, db):
    admin = desk(browser, live_server, "root")
    admin.wait_for_selector("text=2027 年节假日尚未确认")
    admin.click(".sub-nav >> text=工作日历")
    admin.goto("/console/admin/calendar?year=2027")
    admin.fill("textarea[name=notice]", NOTICE)
    shoot(admin, "calendar", full_page=True)
    admin.click("button:has-text('导入并确认该年')")
    admin.wait_for_selector("text=2027 年节假日已确认")
    assert db.get(CalendarYear, 2027).confirmed
    assert admin.locator("[data-unconfirmed]").count() == 0
    admin.click(".sub-nav >> text=任务队列")
    admin.wait_for_selector("text=RQ-dashboard")
    assert db.scalar(select(CalendarYear.source).where(CalendarYear.year == 2027)).startswith("国办")
