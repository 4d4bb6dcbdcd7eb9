"""The department workspace, the district view and the map (with GCJ-02 tiles)."""
import json
import re

from gridops.dispatch.models import Incident
from gridops.geo.crs import from_wgs84

from console.kit import OTHER_STREET_GRID, client_for


def section(page, heading):
    """Return the part of a page under the heading, up to the next section."""
    return page.split(f"<h3>{heading}")[1].split("</section>")[0]


def test_the_workspace_lists_the_units_own_tasks_and_signs_in_one_click(app, staff, cases, db):
    to_sign, handling = cases.accepted(), cases.signed()
    theirs = cases.accepted(grid=OTHER_STREET_GRID)  # 0102 in street 2: lead CG, co-unit HW
    hw = client_for(app, "hw")
    page = hw.get("/console/workspace").get_data(as_text=True)
    assert to_sign.case_number in section(page, "待签收")
    assert handling.case_number in section(page, "办理中")
    assert theirs.case_number in section(page, "协办")  # co-handled: read only
    assert "签收" not in section(page, "协办").split("</thead>")[1]
    response = hw.post(f"/console/cases/{to_sign.id}/actions/sign",
                       data={"version": to_sign.version, "csrf_token": hw.csrf})
    assert response.headers["Location"].endswith(f"/console/cases/{to_sign.id}")
    db.expire_all()
    assert db.get(Incident, to_sign.id).state == "handling"


def test_a_returned_case_leaves_the_department(app, staff, cases, db):
    incident = cases.accepted()
    hw = client_for(app, "hw")
    response = hw.post(f"/console/cases/{incident.id}/actions/return", data={
        "reason": "不属于环卫职责", "version": incident.version, "csrf_token": hw.csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    assert hw.get(f"/console/cases/{incident.id}").status_code == 404


def test_the_district_sees_every_streets_queues(app, staff, cases):
    cases.report()
    cases.accepted(grid=OTHER_STREET_GRID)
    page = client_for(app, "dist").get("/console/district").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-street="(\d+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"110199001", "110199002"}
    assert re.findall(r">(\d+)</a>", rows["110199001"])[:2] == ["1", "0"]
    assert re.findall(r">(\d+)</a>", rows["110199002"])[:2] == ["0", "1"]


def test_the_map_draws_open_cases_with_their_light(app, staff, cases):
    incident = cases.report()
    cases.report(grid=OTHER_STREET_GRID)
    client = client_for(app, "disp")
    body = client.get("/console/map/cases").get_json()
    assert [f["properties"]["case_number"] for f in body["features"]] == [incident.case_number]
    point = body["features"][0]
    assert point["properties"]["light"] == "red"  # reported a week ago
    assert point["properties"]["url"].endswith(f"/console/cases/{incident.id}")
    lat, lon = cases.world.center("110199001001001")
    assert point["geometry"]["coordinates"] == [round(lon, 7), round(lat, 7)]
    page = client.get("/console/map?urgency=urgent").get_data(as_text=True)
    assert "/console/map/cases?urgency=urgent" in page and "crs=wgs84" in page


def test_overlays_move_to_gcj02_for_amap_tiles(app, staff, cases, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_MAP_TILE_CRS", "gcj02")
    monkeypatch.setitem(app.config, "GRIDOPS_MAP_TILE_URL",
                        "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}")
    incident = cases.report()
    client = client_for(app, "disp")
    lat, lon = cases.world.center("110199001001001")
    glon, glat = from_wgs84(lon, lat, "gcj02")
    feature = client.get("/console/map/cases").get_json()["features"][0]
    assert feature["geometry"]["coordinates"] == [round(glon, 7), round(glat, 7)]
    page = client.get(f"/console/cases/{incident.id}").get_data(as_text=True)
    point = json.loads(re.search(r'data-point="([^"]+)"', page).group(1).replace("&#34;", '"'))
    assert point == [round(glat, 7), round(glon, 7)]
    assert "autonavi" in page
    assert "crs=gcj02" in client.get("/console/map").get_data(as_text=True)
