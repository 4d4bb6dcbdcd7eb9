"""Report intake at peak rates: few queries per report, a response true to what was stored,
and tokens, scopes, the taxonomy and the SLA as the database has them at every request."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select, update

from gridops.auth.models import ApiToken, UserArea
from gridops.dispatch.models import Category, SlaLimit
from gridops.extensions import db as _db

GRID = "110199001001001"
#: What a grid worker's report costs: the reference data's version stamps (token and scope,
#: areas, taxonomy, SLA and calendar are then in memory); one statement inserting the case
#: (its number, due time and limits; its client_id settled by the unique index) with its
#: clocks and first event; possible duplicates. Intake at 300 reports/s depends on keeping
#: it this small.
MOST_STATEMENTS = 3


@pytest.fixture
def worker(world):
    return world.user("worker", "grid_worker", areas=[GRID])


def report(api, world, user, client_id):
    lat, lon = world.center(GRID)
    return api.post("/incidents", user, {"lat": lat, "lon": lon, "category": "event:0102",
                                         "description": "路边垃圾堆积", "client_id": client_id})


def statements_during(app, call):
    """Return call()'s result and the SQL statements it sent."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)
    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        return call(), seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_report_costs_few_statements(app, api, world, worker):
    report(api, world, worker, "phone-warm-1")  # builds this process's locator and calendar
    response, statements = statements_during(
        app, lambda: report(api, world, worker, "phone-cost-1"))
    assert response.status_code == 201
    assert len(statements) <= MOST_STATEMENTS, "\n".join(statements)


def test_the_response_is_what_was_stored(api, world, worker):
    """The body is built before the commit: it must match the case read back afterwards."""
    created = report(api, world, worker, "phone-true-1")
    body = created.get_json()
    stored = api.get(f"/incidents/{body['id']}", worker).get_json()
    for key in ("case_number", "state", "version", "grid", "community", "street", "district",
                "category", "urgency", "due_at", "reported_at", "co_units", "lead_unit"):
        assert body[key] == stored[key], key
    assert body["deadlines"] == [d for d in stored["deadlines"] if d["state"] == "pending"]
    assert body["due_at"] == min(d["due_at"] for d in body["deadlines"])


def test_a_retry_answers_with_the_stored_case(api, world, worker):
    first = report(api, world, worker, "phone-retry-1").get_json()
    again = report(api, world, worker, "phone-retry-1")
    assert again.status_code == 200
    assert again.get_json() == first


def test_a_revoked_token_or_a_deactivated_user_is_refused_at_once(api, world, worker, db):
    assert report(api, world, worker, "phone-auth-1").status_code == 201
    token = db.query(ApiToken).filter_by(user_id=worker.id).one()
    token.revoked_at = datetime.now(timezone.utc)
    db.commit()
    assert report(api, world, worker, "phone-auth-2").status_code == 401
    token.revoked_at = None
    db.commit()
    assert report(api, world, worker, "phone-auth-3").status_code == 201
    worker.active = False
    db.commit()
    assert report(api, world, worker, "phone-auth-4").status_code == 401


def test_a_changed_scope_counts_at_once(api, world, worker, db):
    case = report(api, world, worker, "phone-scope-1").get_json()
    assert api.get(f"/incidents/{case['id']}", worker).status_code == 200
    db.query(UserArea).filter_by(user_id=worker.id).update({"area_code": "110199002002002"})
    db.commit()
    assert api.get(f"/incidents/{case['id']}", worker).status_code == 404


def test_a_changed_sla_counts_for_the_next_report(api, world, worker, db):
    before = report(api, world, worker, "phone-sla-1").get_json()["deadlines"][0]
    db.execute(update(SlaLimit).where(SlaLimit.step == "screening")
               .values(minutes=SlaLimit.minutes + 30))
    db.commit()
    after = report(api, world, worker, "phone-sla-2").get_json()["deadlines"][0]
    assert after["limit_minutes"] == before["limit_minutes"] + 30


def test_a_retry_finds_its_case_after_the_taxonomy_changed(api, world, worker, db):
    first = report(api, world, worker, "phone-taxonomy-1").get_json()
    db.execute(update(Category).values(retired_at=datetime.now(timezone.utc)))
    db.commit()
    again = report(api, world, worker, "phone-taxonomy-1")
    assert (again.status_code, again.get_json()["id"]) == (200, first["id"])
    refused = report(api, world, worker, "phone-taxonomy-2")
    assert refused.status_code == 422 and refused.get_json()["code"] == "unknown_category"
    assert db.scalar(select(Category.id).where(Category.retired_at.is_(None))) is None
