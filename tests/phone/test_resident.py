"""Residents report from their community's page without a login; the report is screened."""
import io
import re

from sqlalchemy import func, select

from gridops.dispatch.models import Deadline, Incident, Photo

from web.kit import COMMUNITY, photo_bytes

PAGE = f"/r/{COMMUNITY}"


def form_of(client, path=PAGE):
    page = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|client_id)" value="([^"]*)"', page))
    return page, fields


def send(client, world, photos=(), **changes):
    _page, fields = form_of(client)
    lat, lon = world.center("110199001001002")
    data = {**fields, "lat": str(lat), "lon": str(lon), "accuracy_m": "15",
            "category": "event:0505", "description": "小区门口有车堵住消防通道",
            "reporter_phone": "139 0000 0000", **changes}
    data["photos"] = [(io.BytesIO(p), f"p{i}.jpg") for i, p in enumerate(photos)]
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def test_the_page_is_public_and_names_the_community(client, world):
    page, fields = form_of(client)
    assert "社区1-1" in page and fields["csrf_token"] and len(fields["client_id"]) >= 20
    assert 'type="tel"' in page and 'accept="image/*"' in page
    street = client.get("/r/110199001")  # a street, not a community
    assert street.status_code == 404 and "链接无效" in street.get_data(as_text=True)
    grids = client.get(f"{PAGE}/grids.geojson").get_json()
    assert sorted(f["properties"]["code"] for f in grids["features"]) == \
        ["110199001001001", "110199001001002"]


def test_a_report_goes_to_screening_with_an_on_site_check_and_a_tracking_link(client, world,
                                                                             db):
    answer = send(client, world, photos=[photo_bytes()])
    assert answer.status_code == 302 and answer.location.startswith("/t/")
    incident = db.scalar(select(Incident))
    assert (incident.source, incident.state, incident.reporter_phone) == \
        ("resident", "screening", "139 0000 0000")
    assert incident.grid.code == "110199001001002" and incident.source_detail == f"qr:{COMMUNITY}"
    kinds = {d.kind for d in db.scalars(select(Deadline).where(Deadline.incident_id == incident.id))}
    assert kinds == {"screening", "onsite_check"}
    assert [p.role for p in incident.photos] == ["report"]
    page = client.get(answer.location).get_data(as_text=True)
    assert incident.case_number in page and "请保存本页地址" in page


def test_without_a_position_the_address_is_needed_and_the_text_is_kept(client, world, db):
    answer = send(client, world, lat="", lon="", accuracy_m="")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "请检查：地址" in page
    assert "小区门口有车堵住消防通道" in page and "139 0000 0000" in page
    assert 'value="event:0505" data-name="机动车乱停放" data-urgent="0" checked' in page
    answer = send(client, world, lat="", lon="", address="幸福路 8 号门口")
    assert answer.status_code == 302
    incident = db.scalar(select(Incident))
    assert incident.community.code == COMMUNITY and incident.accuracy_m is None


def test_a_refused_photo_keeps_the_report_text_and_makes_no_case(client, world, db):
    answer = send(client, world, photos=[photo_bytes(), b"<html>not a photo</html>"])
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "不是照片" in page
    assert "小区门口有车堵住消防通道" in page
    from photos.test_clean import png_header_only
    bomb = send(client, world, photos=[png_header_only(40_000, 40_000)])
    assert bomb.status_code == 422 and "像素过多" in bomb.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Incident)) == 0


def test_bad_input_is_explained(client, world, db):
    cases = [({"category": ""}, "分类"), ({"reporter_phone": "call me"}, "手机号码"),
             ({"lat": "91", "lon": "116.4"}, "位置"), ({"lat": "31.2", "lon": "121.5"},
                                                       "不在任何网格内")]
    for change, words in cases:
        answer = send(client, world, **change)
        assert answer.status_code in (400, 422) and words in answer.get_data(as_text=True), change
    assert db.scalar(select(func.count()).select_from(Incident)) == 0


def test_sending_twice_makes_one_case(client, world, db):
    _page, fields = form_of(client)
    first = send(client, world, client_id=fields["client_id"])
    second = send(client, world, client_id=fields["client_id"])
    assert first.location == second.location
    assert db.scalar(select(func.count()).select_from(Incident)) == 1


def test_each_client_may_send_a_few_reports_an_hour(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_RESIDENT_REPORTS_PER_HOUR", 2)
    assert [send(client, world).status_code for _ in range(2)] == [302, 302]
    third = send(client, world)
    assert third.status_code == 429 and "稍后再试" in third.get_data(as_text=True)
    assert "小区门口有车堵住消防通道" in third.get_data(as_text=True)


def test_an_expired_form_is_shown_again_with_what_was_typed(client, world, db):
    client.get(PAGE)
    answer = client.post(PAGE, data={"description": "路灯不亮", "category": "facility:0101",
                                     "csrf_token": "stale"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "页面已过期" in page and "路灯不亮" in page
    assert db.scalar(select(func.count()).select_from(Photo)) == 0
