"""GET requests and GET requests/{id}: a create-and-track round trip in both formats, filters,
paging and every refusal."""
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from gridops.api.locating import locator_for
from gridops.dispatch.intake import report_incident
from gridops.dispatch.models import Deadline
from tests.open311.scene import DISPATCHER, NOW
from tests.open311.spec import both_formats


def test_create_and_track_in_xml(db, o311, submit, act):
    created = ElementTree.fromstring(submit(fmt="xml", address_string="朝阳路12号").data)
    number = created.find("request/service_request_id").text
    tree = ElementTree.fromstring(o311.get(f"/requests/{number}.xml").data)
    [request] = tree.findall("request")
    assert request.find("service_request_id").text == number
    assert request.find("status").text == "open"
    assert request.find("service_code").text == "event-0102"
    assert request.find("address").text == "朝阳路12号, 社区2-1, 街道2, 测试区"
    assert request.find("agency_responsible").text is None
    act(number, "accept", {"triage": "big"}, minutes=10)
    tree = ElementTree.fromstring(o311.get(f"/requests/{number}.xml").data)
    assert tree.find("request/agency_responsible").text == "城管执法队"


def test_create_and_track_in_json(db, o311, submit, act):
    number = submit().get_json()[0]["service_request_id"]
    [request] = both_formats(o311, f"/requests/{number}")
    assert request == {
        "service_request_id": number, "status": "open",
        "status_notes": "甄别中 / Received, being screened", "service_name": "暴露垃圾",
        "service_code": "event-0102", "description": "路边暴露垃圾", "agency_responsible": None,
        "service_notice": "受理后4个工作小时内办结 / To be handled within 4 working hours of "
                          "acceptance",
        "requested_datetime": "2026-11-18T10:00:00+08:00",
        "updated_datetime": "2026-11-18T10:00:00+08:00", "expected_datetime": None,
        "address": "社区2-1, 街道2, 测试区", "address_id": None, "zipcode": None,
        "lat": 39.91, "long": 116.425, "media_url": None}

    act(number, "accept", {"triage": "big"}, minutes=10)
    act(number, "sign", unit="CG", minutes=20)
    [request] = both_formats(o311, f"/requests/{number}")
    handling = db.scalar(select(Deadline).where(Deadline.kind == "handling"))
    assert request["status_notes"] == "办理中 / Being handled by the responsible unit"
    assert request["agency_responsible"] == "城管执法队"
    assert handling.due_at == NOW + timedelta(hours=6, minutes=20)
    # 4 working hours from 10:20, with the 12:00-14:00 lunch break
    assert request["expected_datetime"] == "2026-11-18T16:20:00+08:00"
    assert request["updated_datetime"] == "2026-11-18T10:20:00+08:00"

    act(number, "submit_result", {"note": "已清运"}, unit="CG", minutes=60)
    act(number, "verify", {"passed": True}, minutes=90)
    act(number, "close", minutes=120)
    [request] = both_formats(o311, f"/requests/{number}")
    assert request["status"] == "closed"
    assert request["status_notes"] == "已结案 / Closed"
    assert request["updated_datetime"] == "2026-11-18T12:00:00+08:00"
    assert request["service_notice"] is None


def test_rejected_and_merged_are_closed_with_the_reason(o311, reported, act):
    kept, duplicate, refused = reported(), reported(), reported()
    act(duplicate, "merge", {"into": kept})
    act(refused, "reject", {"reason": "不属于受理范围"})
    notes = {r["service_request_id"]: (r["status"], r["status_notes"])
             for r in o311.get("/requests.json").get_json()}
    assert notes[duplicate] == ("closed", f"已合并（{kept}） / Merged as a duplicate of {kept}")
    assert notes[refused] == ("closed", "不予受理 / Not accepted: 不属于受理范围")
    assert notes[kept][0] == "open"


def test_on_hold_is_said(o311, reported, act):
    number = reported()
    act(number, "accept", {"triage": "big"})
    act(number, "sign", unit="CG")
    act(number, "hold", {"reason": "需长期整治"})
    [request] = o311.get(f"/requests/{number}.json").get_json()
    assert request["status_notes"] == ("办理中，挂账（长期整治） / Being handled by the responsible "
                                       "unit, on hold as a long-term case")


@pytest.mark.parametrize("path", ["/requests/20260101-999999.json", "/requests/x.xml",
                                  "/request/20260101-999999.json"])
def test_unknown_request_is_404(world, o311, path):
    assert o311.get(path).status_code == 404


def test_swagger_path_and_no_suffix(o311, reported):
    number = reported()
    assert o311.get(f"/request/{number}.json").get_json()[0]["service_request_id"] == number
    assert o311.get(f"/requests/{number}").mimetype == "application/json"
    assert o311.get(f"/requests/{number}?format=xml").mimetype == "text/xml"


def test_reporter_contact_is_never_shown(o311, submit):
    submit(first_name="三", last_name="张", phone="13800138000", email="zs@example.com")
    text = o311.get("/requests.json?extensions=true").get_data(as_text=True)
    assert "13800138000" not in text and "张三" not in text and "zs@example" not in text


@pytest.fixture
def three(reported, clock, act):
    """Report an old case (100 days ago), a recent one of event:0103, and a rejected one."""
    clock.moment = NOW - timedelta(days=100)
    old = reported()
    clock.moment = NOW - timedelta(days=10)
    recent = reported(service_code="event-0103")
    clock.moment = NOW
    refused = reported()
    act(refused, "reject", {"reason": "重复"})
    return old, recent, refused


def ids(o311, query):
    response = o311.get(f"/requests.json?{query}")
    assert response.status_code == 200, response.get_json()
    return [r["service_request_id"] for r in response.get_json()]


def test_filters(o311, three):
    old, recent, refused = three
    assert ids(o311, "") == [refused, recent]  # the last 90 days, newest first
    assert ids(o311, "status=open") == [recent]
    assert ids(o311, "status=closed") == [refused]
    assert ids(o311, "status=open,closed") == [refused, recent]
    assert ids(o311, "status=open&status=closed") == [refused, recent]
    assert ids(o311, "service_code=event-0103") == [recent]
    assert ids(o311, "service_code=event:0102") == [refused]
    assert ids(o311, "service_code=event-0102,event-0103") == [refused, recent]
    assert ids(o311, "service_code=event-01") == [refused, recent]  # a group selects its services
    assert ids(o311, "service_code=event-9999") == []
    assert ids(o311, "service_code=&status=&jurisdiction_id=") == [refused, recent]


def test_service_request_id_overrides_other_filters(o311, three):
    old, recent, refused = three
    assert ids(o311, f"service_request_id={old},{refused}&status=open") == [refused, old]
    assert ids(o311, f"service_request_id={old}&service_request_id={recent}") == [recent, old]


def test_date_window(o311, three):
    old, recent, refused = three
    assert ids(o311, "start_date=2026-07-01T00:00:00Z&end_date=2026-09-01T00:00:00Z") == [old]
    assert ids(o311, "start_date=2026-11-01") == [refused, recent]
    assert ids(o311, "end_date=2026-11-10T00:00:00%2B08:00") == [recent]
    # a "+" the client forgot to escape arrives as a space
    assert ids(o311, "end_date=2026-11-10T00:00:00+08:00") == [recent]


@pytest.mark.parametrize("query, text", [
    ("start_date=2026-01-01&end_date=2026-11-18", "may not span more than 90 days"),
    ("start_date=2026-11-18&end_date=2026-11-01", "start_date is after end_date"),
    ("start_date=yesterday", "start_date must be a W3C date-time"),
    ("status=pending", "status must be open, closed or both"),
    ("page=0", "page must be between 1"),
    ("page_size=1001", "page_size must be between 1 and 1000"),
    ("page_size=ten", "page_size must be a whole number"),
    ("bbox=116.4,39.9,116.3", "bbox must be min_long,min_lat,max_long,max_lat"),
    ("bbox=116.44,39.9,116.40,39.94", "bbox must be"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_queries_are_400(world, o311, query, text, fmt):
    response = o311.get(f"/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)


def test_paging(o311, three):
    old, recent, refused = three
    assert ids(o311, "page_size=1") == [refused]
    assert ids(o311, "page_size=1&page=2") == [recent]
    assert ids(o311, "page_size=1&page=3") == []


def test_bbox(o311, world, reported, submit):
    east = reported()
    lat, lon = world.center("110199001002002")
    west = submit(lat=lat, long=lon).get_json()[0]["service_request_id"]
    assert ids(o311, "bbox=116.42,39.90,116.44,39.94") == [east]
    assert ids(o311, "bbox=116.40,39.90,116.42,39.94") == [west]
    assert ids(o311, "bbox=116.0,39.0,117.0,40.0") == [west, east]


def test_empty_result_is_an_empty_list(world, o311):
    assert o311.get("/requests.json").get_json() == []
    assert ElementTree.fromstring(o311.get("/requests.xml").data).tag == "service_requests"


def test_xml_leaves_out_characters_xml_cannot_carry(o311, reported):
    number = reported(description="垃圾\x01堆\x0b。")
    tree = ElementTree.fromstring(o311.get(f"/requests/{number}.xml").data)
    assert tree.find("request/description").text == "垃圾堆。"
    assert o311.get(f"/requests/{number}.json").get_json()[0]["description"] == "垃圾\x01堆\x0b。"


def test_reports_of_every_channel_are_listed(o311, world, app):
    lat, lon = world.center("110199001001001")
    locate = locator_for(app, world.session).locate
    worker, _ = report_incident(world.session, {"lat": lat, "lon": lon, "category": "event:0102"},
                                "grid_worker", DISPATCHER, NOW, locate)
    world.session.commit()
    [request] = o311.get("/requests.json").get_json()
    assert request["service_request_id"] == worker.case_number
