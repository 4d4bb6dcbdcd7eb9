"""The incident API end to end: every stage through HTTP, and every kind of bad input."""
import json

import pytest
from sqlalchemy import func, select

from gridops.dispatch.models import Event, Incident

GRID = "110199001001001"


@pytest.fixture
def people(world):
    return {
        "worker": world.user("worker", "grid_worker", areas=[GRID]),
        "dispatcher": world.user("disp", "dispatcher", areas=["110199001"]),
        "other_dispatcher": world.user("disp2", "dispatcher", areas=["110199002"]),
        "hw": world.user("hw", "department", unit="HW"),
        "cg": world.user("cg", "department", unit="CG"),
        "sw": world.user("sw", "department", unit="SW"),
        "district": world.user("district", "district", areas=["110199"]),
    }


def report(api, world, user, **extra):
    lat, lon = world.center(GRID)
    body = {"lat": lat, "lon": lon, "category": "event:0102", "description": "路边垃圾堆积",
            **extra}
    return api.post("/incidents", user, body)


def act(api, user, incident, action, **fields):
    return api.post(f"/incidents/{incident['id']}/actions/{action}", user,
                    {"version": incident["version"], **fields})


def test_a_case_travels_the_whole_loop(api, world, people):
    created = report(api, world, people["worker"], client_id="phone-0001")
    assert created.status_code == 201
    case = created.get_json()
    assert case["state"] == "screening" and case["grid"]["code"] == GRID
    assert {d["kind"] for d in case["deadlines"]} == {"screening"}
    steps = [("dispatcher", "accept", {"triage": "big"}), ("hw", "sign", {}),
             ("hw", "submit_result", {"note": "已清运", "photos": []}),
             ("worker", "verify", {"passed": True}),
             ("dispatcher", "evaluate", {"satisfaction": "satisfied", "unit_score": 95}),
             ("dispatcher", "close", {})]
    for who, action, fields in steps:
        response = act(api, people[who], case, action, **fields)
        assert response.status_code == 200, response.get_json()
        case = response.get_json()
    assert case["state"] == "closed"
    detail = api.get(f"/incidents/{case['id']}", people["dispatcher"]).get_json()
    assert [e["action"] for e in detail["events"]] == ["report"] + [s[1] for s in steps]


def test_a_repeated_client_id_returns_the_same_case(api, world, people, db):
    first = report(api, world, people["worker"], client_id="phone-0002")
    again = report(api, world, people["worker"], client_id="phone-0002")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert db.scalar(select(func.count()).select_from(Incident)) == 1


def test_allowed_actions_come_from_the_table(api, world, people):
    case = report(api, world, people["worker"]).get_json()
    seen = api.get(f"/incidents/{case['id']}", people["dispatcher"]).get_json()
    assert set(seen["allowed_actions"]) == {"accept", "reject", "merge", "confirm", "whistle",
                                            "comment"}
    by_worker = api.get(f"/incidents/{case['id']}", people["worker"]).get_json()
    assert set(by_worker["allowed_actions"]) == {"confirm", "comment"}


def test_listing_is_scoped_filtered_and_paged(api, world, people):
    for i in range(3):
        report(api, world, people["worker"], client_id=f"phone-list-{i}")
    mine = api.get("/incidents?page_size=2", people["dispatcher"]).get_json()
    assert len(mine["items"]) == 2 and mine["next_cursor"]
    rest = api.get(f"/incidents?page_size=2&cursor={mine['next_cursor']}",
                   people["dispatcher"]).get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert api.get("/incidents", people["other_dispatcher"]).get_json()["items"] == []
    assert api.get("/incidents", people["hw"]).get_json()["items"] == []
    assert len(api.get(f"/incidents?area={GRID}&state=screening",
                       people["district"]).get_json()["items"]) == 3
    assert api.get("/incidents?state=handling", people["district"]).get_json()["items"] == []


def test_listing_refuses_a_cursor_no_case_id_can_reach(api, world, people):
    report(api, world, people["worker"])
    problem(api.get(f"/incidents?cursor={2**31}", people["district"]), 400, "validation_error")
    found = api.get(f"/incidents?cursor={2**31 - 1}", people["district"]).get_json()
    assert len(found["items"]) == 1
    assert api.get("/incidents?area=999999", people["district"]).get_json()["items"] == []


def problem(response, status, code):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code and body["detail"]
    return body


def test_another_department_cannot_see_the_case(api, world, people):
    case = report(api, world, people["worker"]).get_json()
    case = act(api, people["dispatcher"], case, "accept", triage="big").get_json()
    assert (case["lead_unit"]["code"], case["co_units"][0]["code"]) == ("HW", "CG")
    assert api.get(f"/incidents/{case['id']}", people["cg"]).status_code == 200  # a co-unit
    problem(api.get(f"/incidents/{case['id']}", people["sw"]), 404, "not_found")
    problem(act(api, people["sw"], case, "sign"), 404, "not_found")
    problem(act(api, people["other_dispatcher"], case, "assign", lead_unit="CG"), 404,
            "not_found")


def test_a_wrong_role_is_forbidden_and_changes_nothing(api, world, people, db):
    case = report(api, world, people["worker"]).get_json()
    problem(act(api, people["worker"], case, "accept", triage="big"), 403, "forbidden")
    assert db.scalar(select(Incident.state)) == "screening"


def test_a_stale_version_is_a_conflict(api, world, people):
    case = report(api, world, people["worker"]).get_json()
    fresh = act(api, people["dispatcher"], case, "comment", note="先看看").get_json()
    body = problem(act(api, people["dispatcher"], case, "accept", triage="big"), 409,
                   "version_conflict")
    assert body["current_version"] == fresh["version"]


def test_an_action_not_allowed_in_the_state_names_both(api, world, people):
    case = report(api, world, people["worker"]).get_json()
    body = problem(act(api, people["dispatcher"], case, "close"), 422, "invalid_transition")
    assert "close" in body["detail"] and "screening" in body["detail"]


BAD_REPORTS = [
    ({"category": None}, 400, "validation_error"),
    ({"description": "x" * 5000}, 400, "validation_error"),
    ({"surprise": 1}, 400, "validation_error"),
    ({"category": "event:9999"}, 422, "unknown_category"),
    ({"category": "event:01"}, 422, "unknown_category"),
    ({"lat": "abc"}, 400, "invalid_coordinates"),
    ({"lat": float("nan")}, 400, "invalid_coordinates"),
    ({"lat": None}, 400, "invalid_coordinates"),
    ({"lat": 116.41, "lon": 39.91}, 400, "invalid_coordinates"),
    ({"lat": 31.2, "lon": 121.5}, 422, "out_of_area"),
    ({"crs": "mars"}, 400, "invalid_coordinates"),
]


@pytest.mark.parametrize("change,status,code", BAD_REPORTS)
def test_bad_reports_are_refused_and_nothing_is_stored(api, world, people, db, change, status,
                                                       code):
    lat, lon = world.center(GRID)
    body = {"lat": lat, "lon": lon, "category": "event:0102", **change}
    body = {k: v for k, v in body.items() if v is not None}  # None: the field is left out
    response = api.call("POST", "/incidents", people["worker"], data=json.dumps(body),
                        headers={"Content-Type": "application/json"})
    problem(response, status, code)
    assert db.scalar(select(func.count()).select_from(Incident)) == 0


def test_swapped_coordinates_are_named(api, world, people):
    body = problem(report(api, world, people["worker"], lat=116.41, lon=39.91), 400,
                   "invalid_coordinates")
    assert "swapped" in body["detail"]


def test_not_json_and_too_large_and_no_token(api, world, people, app):
    headers = {"Authorization": f"Bearer {people['worker'].token}"}
    problem(api.call("POST", "/incidents", data="lat=1", headers={
        **headers, "Content-Type": "application/x-www-form-urlencoded"}), 415,
        "unsupported_media_type")
    problem(api.call("POST", "/incidents", data="[1, 2]", headers={
        **headers, "Content-Type": "application/json"}), 400, "validation_error")
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    problem(api.call("POST", "/incidents", data=big, headers={
        **headers, "Content-Type": "application/json"}), 413, "payload_too_large")
    problem(api.get("/incidents"), 401, "unauthorized")
    problem(api.get("/incidents", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


def test_bad_action_fields_and_unknown_units(api, world, people, db):
    case = report(api, world, people["worker"]).get_json()
    body = problem(act(api, people["dispatcher"], case, "accept", triage="giant"), 400,
                   "validation_error")
    assert body["errors"][0]["field"] == "triage"
    problem(act(api, people["dispatcher"], case, "accept", triage="big", lead_unit="NOPE"), 422,
            "unknown_unit")
    problem(api.post(f"/incidents/{case['id']}/actions/accept", people["dispatcher"],
                     {"triage": "big"}), 400, "validation_error")
    problem(api.post(f"/incidents/{case['id']}/actions/fly", people["dispatcher"],
                     {"version": 1}), 404, "not_found")
    assert db.scalar(select(Incident.version)) == case["version"]
    assert db.scalar(select(func.count()).select_from(Event)) == 1


def test_problem_details_speak_chinese_by_default_and_english_on_request(api, world, people):
    case = report(api, world, people["worker"]).get_json()
    zh = act(api, people["worker"], case, "accept", triage="big").get_json()
    en = api.post(f"/incidents/{case['id']}/actions/accept", people["worker"],
                  {"version": case["version"], "triage": "big"},
                  headers={"Accept-Language": "en"}).get_json()
    assert en["detail"].startswith("Role grid_worker may not")
    assert zh["detail"] != en["detail"] and "不能" in zh["detail"]


def test_reference_endpoints(api, people):
    categories = api.get("/categories", people["worker"]).get_json()["items"]
    rubbish = next(c for c in categories if c["key"] == "event:0102")
    assert rubbish["name"] == "暴露垃圾" and rubbish["limits"]["normal"]["minutes"] == 240
    units = api.get("/units", people["worker"]).get_json()["items"]
    assert {"CG", "HW"} <= {u["code"] for u in units}


def test_log_in_for_a_token(api, world, db):
    from werkzeug.security import generate_password_hash
    user = world.user("pw", "dispatcher", areas=["110199001"])
    user.password_hash = generate_password_hash("s3cret-pass")
    db.commit()
    token = api.post("/tokens", json={"username": "pw", "password": "s3cret-pass"}).get_json()
    assert api.get("/incidents", headers={"Authorization": f"Bearer {token['token']}"}
                   ).status_code == 200
    problem(api.post("/tokens", json={"username": "pw", "password": "wrong"}), 401,
            "unauthorized")


def test_possible_duplicates_are_suggested_at_intake_and_screening(api, world, people):
    first = report(api, world, people["worker"]).get_json()
    assert first["possible_duplicates"] == []
    lat, lon = world.center(GRID)
    second = api.post("/incidents", people["worker"], {
        "lat": lat + 0.0002, "lon": lon, "category": "event:0102"}).get_json()
    other_kind = api.post("/incidents", people["worker"], {
        "lat": lat, "lon": lon, "category": "event:0104"}).get_json()
    assert [d["case_number"] for d in second["possible_duplicates"]] == [first["case_number"]]
    assert 20 < second["possible_duplicates"][0]["distance_m"] < 25
    assert other_kind["possible_duplicates"] == []
    seen = api.get(f"/incidents/{first['id']}", people["dispatcher"]).get_json()
    assert [d["id"] for d in seen["possible_duplicates"]] == [second["id"]]


def test_result_photos_are_attached_to_the_case(api, world, people, db, app, tmp_path):
    import io

    from PIL import Image

    from gridops.dispatch.models import Photo
    from gridops.photos import store
    from gridops.photos.process import clean_photo

    app.config["GRIDOPS_UPLOAD_DIR"] = str(tmp_path)
    raw = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(raw, "JPEG")
    raw.seek(0)
    photo = clean_photo(raw, 10_000_000, 40_000_000)
    store.save(tmp_path, photo)
    case = report(api, world, people["worker"]).get_json()
    case = act(api, people["dispatcher"], case, "accept", triage="big").get_json()
    case = act(api, people["hw"], case, "sign").get_json()
    problem(act(api, people["hw"], case, "submit_result", note="好", photos=["ab" * 32]), 422,
            "unknown_photo")
    assert db.scalar(select(Incident.state)) == "handling"
    done = act(api, people["hw"], case, "submit_result", note="已清运", photos=[photo.sha256])
    assert done.status_code == 200
    row = db.scalar(select(Photo))
    assert (row.role, row.sha256, row.width) == ("result", photo.sha256, 800)


def test_every_api_route_is_in_the_openapi_document(app, api):
    import re
    documented = {(path, method) for path, ops in api.doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is undocumented"


def test_a_case_shows_its_supervision_orders_and_whistles(api, world, people):
    case = report(api, world, people["worker"]).get_json()
    case = act(api, people["dispatcher"], case, "accept", triage="big").get_json()
    case = act(api, people["dispatcher"], case, "supervise", note="请尽快").get_json()
    case = act(api, people["dispatcher"], case, "whistle", reason="enforcement").get_json()
    assert len(case["supervision_orders"]) == 1 and len(case["whistles"]) == 1


def test_text_with_a_nul_character_is_refused_and_nothing_is_stored(api, world, people, db):
    """PostgreSQL text cannot hold U+0000: a 400 problem, not a 500 from the driver."""
    body = problem(report(api, world, people["worker"], client_id="phone-\x00-0003"), 400,
                   "validation_error")
    assert body["errors"] == [{"field": "body", "problem": "nul"}]
    problem(api.get("/incidents?area=110199%00", people["dispatcher"]), 400, "validation_error")
    assert db.scalar(select(func.count()).select_from(Incident)) == 0


def test_json_nested_too_deeply_is_refused(api, people):
    deep = "[" * 100_000 + "]" * 100_000
    problem(api.call("POST", "/incidents", people["worker"], data=deep,
                     headers={"Content-Type": "application/json"}), 400, "validation_error")


def test_an_id_larger_than_the_column_holds_is_not_found(api, people):
    problem(api.get(f"/incidents/{2**31}", people["dispatcher"]), 404, "not_found")
    problem(api.post(f"/incidents/{2**63}/actions/comment", people["dispatcher"],
                     {"version": 1, "note": "x"}), 404, "not_found")


def test_documented_action_bodies_accept_their_fields_and_the_version(api):
    import jsonschema
    operation = api.doc["paths"]["/incidents/{incident_id}/actions/accept"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": api.doc["components"]})
    assert validator.is_valid({"version": 3, "triage": "big"})
    assert not validator.is_valid({"triage": "big"})
    assert not validator.is_valid({"version": 3, "triage": "big", "surprise": 1})


def test_every_operation_documents_the_answers_any_request_may_get(api):
    for path, operations in api.doc["paths"].items():
        for method, operation in operations.items():
            if path == "/openapi.json":
                continue
            expected = {"400", "503"} | ({"413"} if "requestBody" in operation else set())
            assert expected <= set(operation["responses"]), f"{method} {path}"


def test_a_wrong_method_is_a_problem_that_names_the_allowed_ones(client):
    response = client.get("/api/v1/tokens")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
