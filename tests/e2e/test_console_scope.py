"""A department user cannot open another department's case, by link or by API."""
from console.browser import desk, shoot
from console.kit import OTHER_STREET_GRID, cases, staff  # noqa: F401


def api_status(page, incident_id):
    return page.evaluate("id => fetch('/api/v1/incidents/' + id).then(r => r.status)",
                         incident_id)


def test_a_department_sees_only_its_own_cases(browser, live_server, staff, cases):
    hw_case = cases.accepted()  # lead HW
    cg_case = cases.accepted(grid=OTHER_STREET_GRID, category="event:0101")  # lead CG only
    hw = desk(browser, live_server, "hw")
    assert hw.goto(f"/console/cases/{hw_case.id}").status == 200
    assert api_status(hw, hw_case.id) == 200
    refused = hw.goto(f"/console/cases/{cg_case.id}")
    assert refused.status == 404
    assert "无权查看" in hw.inner_text("main") and cg_case.case_number not in hw.content()
    shoot(hw, "not-yours")
    assert api_status(hw, cg_case.id) == 404
    assert hw.goto("/console/queue").status == 403  # the street's queues are not theirs
