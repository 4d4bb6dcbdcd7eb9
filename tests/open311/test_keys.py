"""Integration keys: the CLI that issues them, their storage, and the per-key rate limit."""
import logging
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from gridops import create_app
from gridops.auth.models import IntegrationKey
from gridops.extensions import db as _db
from gridops.open311 import keys
from gridops.open311.cli import open311
from gridops.web.limits import limiter_for
from tests.open311.scene import EAST_GRID


@pytest.fixture
def run(app, db):
    """Return a function that runs `gridops open311 ARGS…` and returns the click result."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(open311, [str(a) for a in args])


def test_create_prints_the_key_last_and_keeps_only_its_hash(db, run):
    result = run("keys", "create", "fixmystreet", "--rate-limit", 30)
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("o311_") and len(key) > 40
    row = db.scalar(select(IntegrationKey))
    assert (row.name, row.rate_limit, row.key_hash) == ("fixmystreet", 30, keys.key_hash(key))
    assert key not in str(row.__dict__)
    assert keys.active_key(db, key).id == row.id


def test_list_and_revoke(db, run):
    key = run("keys", "create", "app-a").output.strip().splitlines()[-1]
    run("keys", "create", "app-b")
    assert run("keys", "revoke", "app-a").exit_code == 0
    lines = run("keys", "list").output.splitlines()
    assert lines[0].startswith("app-a\t60/min\t") and "revoked" in lines[0]
    assert lines[1].startswith("app-b\t60/min\t") and lines[1].endswith("active")
    assert keys.active_key(db, key) is None


@pytest.mark.parametrize("args, text", [
    (("keys", "create", "app-a"), "A key named app-a exists already"),
    (("keys", "revoke", "nobody"), "No key named nobody"),
    (("keys", "create", " "), "A key name has 1 to 100 characters"),
])
def test_refusals_are_one_line_and_fail(db, run, args, text):
    run("keys", "create", "app-a")
    run("keys", "revoke", "app-a")  # a revoked name is not reused either
    result = run(*args)
    assert result.exit_code != 0
    assert text in result.output


def test_rate_limit_per_key_and_window(app, o311, submit, issue_key):
    limited = issue_key("limited", rate_limit=2)
    assert [submit(key=limited).status_code for _ in range(2)] == [200, 200]
    refused = submit(key=limited)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Rate limit of 2 requests per minute exceeded" in refused.get_json()[0]["description"]
    assert submit().status_code == 200  # another key has its own count
    assert o311.get("/requests.json").status_code == 200  # reading without a key is not counted
    limiter_for(app).reset()  # as a new minute would
    assert submit(key=limited).status_code == 200


def test_reads_with_a_key_count_and_are_recorded(db, o311, issue_key, clock):
    limited = issue_key("reader", rate_limit=1)
    assert o311.get(f"/requests.json?api_key={limited}").status_code == 200
    response = o311.get(f"/requests.xml?api_key={limited}")
    assert response.status_code == 429
    assert ElementTree.fromstring(response.data).find("error/code").text == "429"
    assert db.scalar(select(IntegrationKey.last_used_at)) == clock.moment


def test_a_wrong_key_on_a_read_is_403(world, o311):
    assert o311.get("/requests.json?api_key=o311_wrong").status_code == 403


def test_reports_still_arrive_when_redis_is_down(app, world, api_key, caplog, monkeypatch):
    # Alembic's logging setup, run by the schema build, disables loggers that existed then.
    monkeypatch.setattr(logging.getLogger("flask-limiter"), "disabled", False)
    names = ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY")
    cut_off = create_app({**{n: app.config[n] for n in names}, "GRIDOPS_REDIS_TIMEOUT": 0.2,
                          "REDIS_URL": "redis://127.0.0.1:9/0"})
    lat, lon = world.center(EAST_GRID)
    with cut_off.app_context():  # only this app's session in here
        response = cut_off.test_client().post("/open311/v2/requests.json", data={
            "api_key": api_key, "service_code": "event-0102", "lat": lat, "long": lon,
            "description": "路边暴露垃圾"})
        _db.session.remove()
        _db.engine.dispose()
    assert response.status_code == 200
    assert "Failed to rate limit" in caplog.text
