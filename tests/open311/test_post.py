"""POST requests: form-urlencoded and JSON reports through the one intake, and every refusal."""
import re
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from gridops.dispatch.models import Incident
from gridops.open311 import keys
from tests.open311.scene import EAST_GRID, NOW, case


def descriptions(response):
    return [error["description"] for error in response.get_json()]


def test_form_report_becomes_a_case_in_screening(db, submit, world):
    response = submit(first_name="三", last_name="张", phone="(010) 6512-3456",
                      email="zs@example.com", address_string="朝阳路12号", account_id="u-77")
    assert response.status_code == 200
    [receipt] = response.get_json()
    assert re.fullmatch(r"20261118-\d{6}", receipt["service_request_id"])
    assert receipt["account_id"] == "u-77"
    assert "token" not in receipt  # the spec: a token only when no id can be given at once
    assert "4个工作小时" in receipt["service_notice"]
    incident = case(db, receipt["service_request_id"])
    assert (incident.state, incident.source, incident.source_detail) == (
        "screening", "open311", "fixmystreet")
    assert incident.grid.code == EAST_GRID and incident.category.key == "event:0102"
    assert (incident.reporter_name, incident.reporter_phone) == ("张三", "010 6512-3456")
    assert incident.address == "朝阳路12号" and incident.description == "路边暴露垃圾"
    assert incident.events[0].actor_label == "Open311: fixmystreet"


def test_xml_receipt(submit):
    response = submit(fmt="xml")
    tree = ElementTree.fromstring(response.data)
    assert tree.tag == "service_requests"
    assert re.fullmatch(r"20261118-\d{6}", tree.find("request/service_request_id").text)


def test_no_suffix_answers_json(submit):
    assert submit(fmt=None).mimetype == "application/json"


def test_json_body_with_key_in_query_string(db, o311, world, api_key):
    lat, lon = world.center(EAST_GRID)
    response = o311.post(f"/requests.json?api_key={api_key}", json={
        "service_code": "event:0102", "lat": lat, "long": lon, "first_name": "Ann",
        "last_name": "Lee", "attribute": {"urgency": "urgent"}})
    assert response.status_code == 200
    incident = case(db, response.get_json()[0]["service_request_id"])
    assert (incident.urgency, incident.reporter_name) == ("urgent", "Ann Lee")


def test_attributes_set_urgency_and_coordinate_system(db, submit, world):
    lat, lon = world.center(EAST_GRID)
    gcj_lon, gcj_lat = lon + 0.0062, lat + 0.0014  # roughly where GCJ-02 shifts Beijing
    response = submit(lat=gcj_lat, long=gcj_lon, **{"attribute[urgency]": "Urgent",
                                                    "attribute[crs]": "GCJ-02"})
    incident = case(db, response.get_json()[0]["service_request_id"])
    assert (incident.urgency, incident.crs) == ("urgent", "gcj02")
    assert incident.grid.code == EAST_GRID


def test_unknown_attributes_are_ignored(submit):
    assert submit(**{"attribute[WHISPAWN]": "123456"}).status_code == 200


def test_retry_with_the_same_client_id_returns_the_first_request(db, submit, issue_key):
    first = submit(device_id="tt222111", **{"attribute[client_id]": "report-1"}).get_json()
    again = submit(device_id="tt222111", **{"attribute[client_id]": "report-1"}).get_json()
    assert again == first
    other_device = submit(device_id="tt999", **{"attribute[client_id]": "report-1"}).get_json()
    other_key = submit(key=issue_key("other"), **{"attribute[client_id]": "report-1"}).get_json()
    numbers = {r[0]["service_request_id"] for r in (first, other_device, other_key)}
    assert len(numbers) == 3
    assert db.scalar(select(Incident.client_id).limit(1)).startswith("open311-")


def test_without_client_id_every_post_is_a_new_request(submit):
    numbers = {submit().get_json()[0]["service_request_id"] for _ in range(2)}
    assert len(numbers) == 2


def test_media_url_round_trip(db, submit, o311):
    url = "https://img.example.com/p/1.jpg"
    number = submit(media_url=url).get_json()[0]["service_request_id"]
    assert url in case(db, number).description  # where the dispatcher sees it
    [request] = o311.get(f"/requests/{number}.json").get_json()
    assert (request["media_url"], request["description"]) == (url, "路边暴露垃圾")


def test_empty_and_repeated_parameters(db, o311, world, api_key):
    lat, lon = world.center(EAST_GRID)
    body = (f"api_key={api_key}&service_code=&service_code=event-0102&lat={lat}&long={lon}"
            "&description=&description=first&description=second&email=&phone=")
    response = o311.post("/requests.json", data=body,
                         content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert response.status_code == 200
    incident = case(db, response.get_json()[0]["service_request_id"])
    assert (incident.description, incident.reporter_phone) == ("first", None)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_key_is_403(submit, fmt):
    response = submit(fmt=fmt, key=None)
    assert response.status_code == 403
    assert "api_key is missing" in response.get_data(as_text=True)


def test_wrong_key_is_403(submit):
    response = submit(key="o311_not-a-key")
    assert response.status_code == 403
    assert descriptions(response) == ["Invalid api_key: it is unknown or has been revoked."]


def test_revoked_key_is_403(db, submit, api_key):
    keys.revoke_key(db, "fixmystreet", NOW)
    db.commit()
    assert submit().status_code == 403


@pytest.mark.parametrize("fields, status, text", [
    ({"service_code": None}, 400, "service_code was not provided"),
    ({"service_code": "event-9999"}, 404, "service_code 'event-9999' was not found"),
    ({"service_code": "event-01"}, 404, "service_code 'event-01' was not found"),
    ({"lat": None, "long": None, "address_string": "朝阳路12号"}, 400,
     "No location can be derived from address_string or address_id alone"),
    ({"lat": None, "long": None, "address_id": "545483"}, 400, "No location can be derived"),
    ({"lat": None, "long": None}, 400, "lat and long were not provided"),
    ({"long": None}, 400, "long was not provided"),
    ({"lat": "abc"}, 400, "lat='abc' is not a number"),
    ({"lat": 116.43, "long": 39.91}, 400, "latitude and longitude look swapped"),
    ({"lat": 31.23, "long": 121.47}, 400, "is outside every grid"),
    ({"attribute[urgency]": "asap"}, 400, "attribute[urgency] must be one of normal, urgent"),
    ({"attribute[crs]": "osgb36"}, 400, "attribute[crs] must be one of"),
    ({"attribute[urgency][]": "urgent"}, 400, "attribute[urgency] takes one value"),
    ({"attribute[client_id]": "x" * 101}, 400, "attribute[client_id] has more than 100"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https URL"),
    ({"phone": "call me"}, 400, "phone: String should match pattern"),
    ({"description": "长" * 4001}, 400, "description: String should have at most 4000"),
    ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id 'sfgov.org' was not found"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_refusals(submit, fields, status, text, fmt):
    response = submit(fmt=fmt, **fields)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_refused_report_makes_no_case(db, submit):
    submit(lat=31.23, long=121.47)
    assert db.scalar(select(Incident.id)) is None


def test_body_that_is_not_a_json_object_is_400(o311, world, api_key):
    response = o311.post(f"/requests.json?api_key={api_key}", data="[1, 2",
                         content_type="application/json")
    assert response.status_code == 400
    assert "The body must be a JSON object" in descriptions(response)[0]


def test_body_too_large_is_an_error_list(o311, world, app, monkeypatch, api_key):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = o311.post(f"/requests.xml?api_key={api_key}", data={"description": "x" * 2000})
    assert response.status_code == 413
    assert ElementTree.fromstring(response.data).find("error/code").text == "413"


def test_unsupported_format_refuses_before_reporting(db, submit):
    assert submit(fmt="html").status_code == 400
    assert db.scalar(select(Incident.id)) is None
