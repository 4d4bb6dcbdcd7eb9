"""The demo a new user gets from `make run`: seed it, log in, push a case through every stage."""
from shapely import from_wkb
from sqlalchemy import func, select

from gridops.demo import DEMO_PASSWORD, demo
from gridops.geo.models import Area


def login(client, username):
    response = client.post("/api/v1/tokens", json={"username": username,
                                                  "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_seed_then_run_a_case_through_the_loop(app, db, client):
    runner = app.test_cli_runner()
    result = runner.invoke(demo, ["seed"])
    assert result.exit_code == 0, result.output
    assert "dispatcher1" in result.output and DEMO_PASSWORD in result.output
    assert runner.invoke(demo, ["seed", "--if-empty"]).exit_code == 0
    assert runner.invoke(demo, ["seed"]).exit_code == 1  # refuses a database with data

    grid = db.scalar(select(Area).where(Area.code == "110199001001001"))
    point = from_wkb(bytes(db.scalar(select(func.ST_AsBinary(
        func.ST_PointOnSurface(Area.geom))).where(Area.id == grid.id))))
    worker = login(client, "worker1")
    case = client.post("/api/v1/incidents", headers=worker, json={
        "lat": point.y, "lon": point.x, "category": "event:0102",
        "description": "小区门口暴露垃圾"}).get_json()
    assert case["grid"]["code"] == grid.code
    steps = [("dispatcher1", "accept", {"triage": "big"}), ("dept-hw", "sign", {}),
             ("dept-hw", "submit_result", {"note": "已清运"}),
             ("worker1", "verify", {"passed": True}),
             ("dispatcher1", "evaluate", {"satisfaction": "satisfied"}),
             ("dispatcher1", "close", {})]
    for username, action, fields in steps:
        response = client.post(f"/api/v1/incidents/{case['id']}/actions/{action}",
                               headers=login(client, username),
                               json={"version": case["version"], **fields})
        assert response.status_code == 200, (action, response.get_json())
        case = response.get_json()
    assert case["state"] == "closed"
