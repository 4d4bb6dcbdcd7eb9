"""extensions=true: extended attributes, and the timeline of hand-offs and whistles."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from gridops.dispatch.models import Summons
from tests.open311.scene import NOW
from tests.open311.spec import both_formats


@pytest.fixture
def travelled(db, reported, act):
    """Return a case passed between units, whistled and closed."""
    number = reported()
    act(number, "accept", {"triage": "big"}, minutes=10)
    act(number, "return", {"reason": "不属本单位职责"}, unit="CG", minutes=20)
    act(number, "accept", {"triage": "big", "lead_unit": "HW", "co_units": ["CG"]},
        minutes=30)
    act(number, "sign", unit="HW", minutes=40)
    act(number, "comment", {"note": "内部：联系人 13800138000"}, minutes=45)
    act(number, "whistle", {"reason": "enforcement", "units": ["SW"]}, minutes=50)
    summons = db.scalar(select(Summons).join(Summons.unit).where(Summons.unit.has(code="SW")))
    summons.checked_in_at = NOW + timedelta(minutes=70)
    db.commit()
    act(number, "submit_result", {"note": "已清运"}, unit="HW", minutes=90)
    act(number, "verify", {"passed": False}, minutes=100)
    act(number, "submit_result", {"note": "已清运完毕"}, unit="HW", minutes=110)
    act(number, "verify", {"passed": True}, minutes=120)
    act(number, "close", minutes=130)
    return number


def test_timeline_of_hand_offs_and_whistles(o311, travelled):
    [request] = both_formats(o311, f"/requests/{travelled}", "extensions=true&x=")
    notes = [(n["datetime"][11:16], n["type"], n["units"]) for n in request["notes"]]
    assert notes == [
        ("10:00", "report", []),
        ("10:10", "accept", ["城管执法队", "环卫中心"]),
        ("10:20", "return", ["城管执法队"]),
        ("10:30", "accept", ["环卫中心", "城管执法队"]),
        ("10:40", "sign", ["环卫中心"]),
        ("10:50", "whistle", ["环卫中心", "城管执法队", "水务所"]),
        ("11:10", "checkin", ["水务所"]),
        ("11:30", "submit_result", ["环卫中心"]),
        ("11:40", "verify", []),
        ("11:50", "submit_result", ["环卫中心"]),
        ("12:00", "verify", []),
        ("12:10", "close", []),
    ]
    words = [n["description"] for n in request["notes"]]
    assert words[1] == "受理并派遣：城管执法队、环卫中心 / Accepted and sent to 城管执法队, 环卫中心"
    assert words[6] == "报到：水务所 / Checked in: 水务所"
    assert words[8] == "核查未通过，返工 / Check failed: rework"
    assert "13800138000" not in str(request)  # comments stay internal


def test_extended_attributes(db, o311, travelled):
    [request] = o311.get(f"/requests.json?extensions=true&service_request_id={travelled}") \
        .get_json()
    extended = request["extended_attributes"]
    assert {k: extended[k] for k in ("case_number", "stage", "stage_name", "urgency",
                                     "grid_code", "street_code")} == {
        "case_number": travelled, "stage": "closed", "stage_name": "已结案", "urgency": "normal",
        "grid_code": "110199002001001", "street_code": "110199002"}
    assert extended["co_agencies"] == ["城管执法队"]
    kinds = [(d["kind"], d["state"]) for d in extended["deadlines"]]
    assert ("handling", "met") in kinds and ("screening", "met") in kinds
    assert all(d["due_datetime"].endswith("+08:00") for d in extended["deadlines"])
    assert request["agency_responsible"] == "环卫中心"


def test_without_extensions_there_are_none(o311, travelled):
    [request] = o311.get(f"/requests/{travelled}.json?extensions=false").get_json()
    assert "notes" not in request and "extended_attributes" not in request


def test_private_matter_closes_with_advice(o311, reported, act):
    number = reported()
    act(number, "accept", {"triage": "private", "note": "建议与物业协商"})
    [request] = o311.get(f"/requests/{number}.json?extensions=1").get_json()
    assert request["status_notes"] == "已结案 / Closed: 建议与物业协商"
    assert request["notes"][-1]["description"] == ("受理，私事已答复 / Accepted as a private "
                                                   "matter, advice given")
