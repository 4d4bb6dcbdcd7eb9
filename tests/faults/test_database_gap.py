"""PostgreSQL restarts under a running app: 503s during the gap, then service without a restart.

The app reaches the database through a proxy the test runs (faults/proxy.py); cutting it kills
every pooled connection mid-stream and refuses new ones, as a restarting server does.
"""
import time

from web.kit import csrf_of, resident_report, sign_in

COMMUNITY = "110199001001"


def report_body(world, client_id):
    lat, lon = world.center("110199001001001")
    return {"client_id": client_id, "lat": lat, "lon": lon, "category": "event:0102",
            "description": "路边堆了三袋垃圾"}


def assert_unavailable(answer):
    """Fail unless `answer` is the 503 problem a client can retry on."""
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["Retry-After"] == "5"
    body = answer.get_json()
    assert body["code"] == "database_unavailable" and body["status"] == 503
    assert body["type"].endswith("/database_unavailable") and body["title"]
    assert "数据库" in body["detail"]


def assert_unavailable_page(answer):
    assert answer.status_code == 503 and answer.mimetype == "text/html"
    assert answer.headers["Retry-After"] == "5"
    page = answer.get_data(as_text=True)
    assert "请稍后再试" in page and "数据库" in page and "Traceback" not in page


def test_during_a_database_restart_every_entry_answers_503_then_serves_again(
        app, make_app, pg_proxy, world, people):
    faulty = make_app(SQLALCHEMY_DATABASE_URI=pg_proxy.url)
    incident = resident_report(world.session, app, world)
    api = faulty.test_client()
    dispatcher = {"Authorization": f"Bearer {people['dispatcher'].token}"}
    worker = {"Authorization": f"Bearer {people['worker'].token}"}
    phone, console, resident = (faulty.test_client() for _ in range(3))
    assert sign_in(phone, "wang").status_code == 302
    token = csrf_of(phone, "/phone/")
    assert sign_in(console, "zhao").status_code == 302
    assert api.get(f"/api/v1/incidents/{incident.id}", headers=dispatcher).status_code == 200
    assert console.get("/console/", follow_redirects=True).status_code == 200
    assert pg_proxy.accepted > 0  # the app's pool holds connections through the proxy

    pg_proxy.cut()
    started = time.monotonic()
    assert_unavailable(api.get(f"/api/v1/incidents/{incident.id}", headers=dispatcher))
    assert_unavailable(api.post("/api/v1/incidents", json=report_body(world, "gap-api-1"),
                                headers=worker))
    assert_unavailable(phone.post("/phone/reports", json=report_body(world, "gap-phone-1"),
                                  headers={"X-CSRFToken": token}))
    assert_unavailable_page(console.get("/console/"))
    assert_unavailable_page(resident.get(f"/r/{COMMUNITY}"))
    open311 = resident.get("/open311/v2/services.json")
    assert open311.status_code == 503 and open311.headers["Retry-After"] == "5"
    assert open311.get_json()[0]["code"] == 503
    assert time.monotonic() - started < 5, "requests during the gap must not hang"

    pg_proxy.resume()
    assert api.get(f"/api/v1/incidents/{incident.id}", headers=dispatcher).status_code == 200
    assert api.post("/api/v1/incidents", json=report_body(world, "gap-api-1"),
                    headers=worker).status_code == 201
    assert phone.post("/phone/reports", json=report_body(world, "gap-phone-1"),
                      headers={"X-CSRFToken": token}).status_code == 201
    assert console.get("/console/", follow_redirects=True).status_code == 200
    assert resident.get(f"/r/{COMMUNITY}").status_code == 200


def test_a_database_that_hangs_answers_503_after_the_connect_timeout(
        app, make_app, pg_proxy, world, people):
    """Connections are accepted and never answered: libpq's connect_timeout ends the wait."""
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "connect_args": {"connect_timeout": 1}}
    faulty = make_app(SQLALCHEMY_DATABASE_URI=pg_proxy.url, SQLALCHEMY_ENGINE_OPTIONS=options)
    api = faulty.test_client()
    dispatcher = {"Authorization": f"Bearer {people['dispatcher'].token}"}
    assert api.get("/api/v1/units", headers=dispatcher).status_code == 200
    pg_proxy.cut()
    pg_proxy.stall()
    started = time.monotonic()
    assert_unavailable(api.get("/api/v1/units", headers=dispatcher))
    assert time.monotonic() - started < 4
    pg_proxy.cut()
    pg_proxy.resume()
    assert api.get("/api/v1/units", headers=dispatcher).status_code == 200
