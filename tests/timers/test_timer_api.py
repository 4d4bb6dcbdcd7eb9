"""The whistle API: active whistles with countdowns, check-in, summoning more, scores."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from gridops.dispatch.models import Whistle


def auth(user):
    return {"Authorization": f"Bearer {user.token}"}


@pytest.fixture
def whistle(cases):
    """A hard matter accepted now: HW and CG summoned, check-in due in two working hours."""
    at = datetime.now(timezone.utc)
    incident = cases.act(cases.report(at=at), "accept", {"triage": "hard"}, at=at)
    return cases.db.scalar(select(Whistle)), incident


def test_the_street_sees_its_whistles_with_countdowns(client, people, whistle):
    answer = client.get("/api/v1/whistles", headers=auth(people["dispatcher"]))
    assert answer.status_code == 200
    (item,) = answer.json["items"]
    assert item["reason"] == "public_demand" and item["state"] == "active"
    assert sorted(s["unit"]["code"] for s in item["summonses"]) == ["CG", "HW"]
    assert all(s["seconds_left"] > 0 and s["status"] == "pending" for s in item["summonses"])


def test_a_unit_sees_only_whistles_it_was_summoned_to(client, people, world, whistle):
    sw = world.user("sw1", "department", unit="SW")
    assert client.get("/api/v1/whistles", headers=auth(sw)).json["items"] == []
    assert len(client.get("/api/v1/whistles", headers=auth(people["cg"])).json["items"]) == 1
    other = world.user("disp2", "dispatcher", ["110199002"])
    assert client.get("/api/v1/whistles", headers=auth(other)).json["items"] == []


def test_a_summoned_unit_checks_in_through_the_api(client, people, whistle):
    blown, _ = whistle
    arrive = (datetime.now(timezone.utc) + timedelta(minutes=20)).isoformat()
    answer = client.post(f"/api/v1/whistles/{blown.id}/checkin", headers=auth(people["cg"]),
                         json={"attendee": "张队长", "arrive_at": arrive, "lat": 39.91,
                               "lon": 116.405})
    assert answer.status_code == 200
    cg = next(s for s in answer.json["summonses"] if s["unit"]["code"] == "CG")
    assert (cg["status"], cg["attendee"], cg["seconds_left"]) == ("checked_in", "张队长", None)
    again = client.post(f"/api/v1/whistles/{blown.id}/checkin", headers=auth(people["cg"]),
                        json={"attendee": "张队长"})
    assert again.status_code == 422 and again.json["code"] == "already_checked_in"
    assert again.mimetype == "application/problem+json"


def test_check_in_refuses_bad_input_and_strangers(client, people, world, whistle):
    blown, _ = whistle
    url = f"/api/v1/whistles/{blown.id}/checkin"
    answer = client.post(url, headers=auth(people["cg"]),
                         json={"attendee": "张", "arrive_at": "tomorrow"})
    assert answer.status_code == 400 and answer.json["errors"][0]["field"] == "arrive_at"
    half = client.post(url, headers=auth(people["cg"]), json={"attendee": "张", "lat": 39.91})
    assert half.status_code == 400 and half.json["code"] == "validation_error"
    sw = world.user("sw1", "department", unit="SW")
    assert client.post(url, headers=auth(sw), json={"attendee": "王"}).status_code == 404
    assert client.post(url, json={"attendee": "王"}).status_code == 401


def test_the_street_summons_another_unit_and_scores_them(client, people, whistle):
    blown, _ = whistle
    headers = auth(people["dispatcher"])
    answer = client.post(f"/api/v1/whistles/{blown.id}/summons", headers=headers,
                         json={"units": ["SW"]})
    assert answer.status_code == 201
    sw = next(s for s in answer.json["summonses"] if s["unit"]["code"] == "SW")
    assert sw["added_by"] == "hand"
    answer = client.post(f"/api/v1/whistles/{blown.id}/scores", headers=headers,
                         json={"scores": {"SW": 90, "CG": 60}})
    assert {s["unit"]["code"]: s["score"] for s in answer.json["summonses"]} == {
        "HW": None, "CG": 60, "SW": 90}
    refused = client.post(f"/api/v1/whistles/{blown.id}/scores", headers=auth(people["cg"]),
                          json={"scores": {"SW": 90}})
    assert refused.status_code == 403
    unknown = client.post(f"/api/v1/whistles/{blown.id}/summons", headers=headers,
                          json={"units": ["NOPE"]})
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_unit"
