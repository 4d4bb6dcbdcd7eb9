"""Rate limits: failed sign-ins per address and per username across the web form and the API,
resident reports per address, counted in Redis so every process shares them, and never in the
way when Redis is down."""
import logging

import pytest

from gridops import create_app
from gridops.extensions import db as _db
from web.kit import COMMUNITY, PASSWORD, csrf_of
from web.kit import people  # noqa: F401  (fixture)

PAGE = f"/r/{COMMUNITY}"


def from_address(app, address):
    """Return a test client whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def web_sign_in(client, username, password):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(client)})


def api_sign_in(client, username, password):
    return client.post("/api/v1/tokens", json={"username": username, "password": password})


@pytest.fixture
def failures(app, monkeypatch):
    """Allow two failed sign-ins an hour."""
    monkeypatch.setitem(app.config, "GRIDOPS_LOGIN_FAILURES_PER_HOUR", 2)


def test_only_failures_count_and_a_locked_out_address_is_told_readably(app, people, failures):
    client = from_address(app, "198.51.100.1")
    for _ in range(3):  # good sign-ins are never counted
        assert web_sign_in(client, "wang", PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_of(client, "/phone/")})
    assert [web_sign_in(client, "wang", "wrong").status_code for _ in range(2)] == [400, 400]
    locked = web_sign_in(client, "wang", PASSWORD)
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 3600
    page = locked.get_data(as_text=True)
    assert "登录失败次数过多" in page and 'value="wang"' in page
    assert client.get("/login").status_code == 200  # the form itself still shows


def test_a_username_is_protected_from_many_addresses(app, people, failures):
    for n in (1, 2):
        assert web_sign_in(from_address(app, f"198.51.100.{n}"), "wang", "x").status_code == 400
    fresh = from_address(app, "198.51.100.3")
    assert web_sign_in(fresh, "wang", PASSWORD).status_code == 429
    assert web_sign_in(fresh, "zhao", PASSWORD).status_code == 302  # other users are not


def test_the_api_shares_the_count_and_answers_with_a_problem(app, people, failures):
    browser, script = from_address(app, "198.51.100.4"), from_address(app, "198.51.100.4")
    assert web_sign_in(browser, "wang", "x").status_code == 400
    assert api_sign_in(script, "wang", "x").status_code == 401
    refused = api_sign_in(script, "wang", PASSWORD)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "too_many_requests"
    assert "请求过于频繁" in refused.get_json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0


def test_counts_live_in_redis_so_every_process_sees_them(app, people, failures, redis):
    web_sign_in(from_address(app, "198.51.100.5"), "wang", "x")
    web_sign_in(from_address(app, "198.51.100.5"), "li", "x")
    assert redis.keys("LIMITS:*")
    other_process = create_app({n: app.config[n] for n in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY",
        "GRIDOPS_LOGIN_FAILURES_PER_HOUR")})
    with other_process.app_context():
        response = web_sign_in(from_address(other_process, "198.51.100.5"), "zhao", PASSWORD)
        _db.session.remove()
        _db.engine.dispose()
    assert response.status_code == 429


def resident_report(client, world):
    page = client.get(PAGE).get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    lat, lon = world.center("110199001001002")
    return client.post(PAGE, data={"csrf_token": token, "lat": lat, "lon": lon,
                                   "category": "event:0505", "description": "消防通道被堵"})


def test_resident_reports_are_limited_per_address(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_RESIDENT_REPORTS_PER_HOUR", 1)
    first, neighbour = from_address(app, "198.51.100.6"), from_address(app, "198.51.100.7")
    assert resident_report(first, world).status_code == 302
    refused = resident_report(first, world)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "消防通道被堵" in refused.get_data(as_text=True)  # what they typed is kept
    assert resident_report(neighbour, world).status_code == 302


def test_without_redis_nothing_is_limited_and_everything_goes_on(app, world, people, caplog,
                                                                monkeypatch):
    # Alembic's logging setup, run by the schema build, disables loggers that existed then.
    monkeypatch.setattr(logging.getLogger("flask-limiter"), "disabled", False)
    cut_off = create_app({**{n: app.config[n] for n in ("TESTING", "SQLALCHEMY_DATABASE_URI",
                                                         "SECRET_KEY")},
                          "REDIS_URL": "redis://127.0.0.1:9/0", "GRIDOPS_REDIS_TIMEOUT": 0.2,
                          "GRIDOPS_LOGIN_FAILURES_PER_HOUR": 1,
                          "GRIDOPS_RESIDENT_REPORTS_PER_HOUR": 1})
    with cut_off.app_context():
        client = from_address(cut_off, "198.51.100.8")
        assert [web_sign_in(client, "wang", "x").status_code for _ in range(3)] == [400] * 3
        assert web_sign_in(client, "wang", PASSWORD).status_code == 302
        assert [resident_report(client, world).status_code for _ in range(2)] == [302, 302]
        _db.session.remove()
        _db.engine.dispose()
    assert "Failed to rate limit" in caplog.text
