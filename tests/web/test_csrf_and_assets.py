"""CSRF on everything cookies could authenticate; every asset served from this server."""
import re
from pathlib import Path

import gridops

from web.kit import COMMUNITY, csrf_of, sign_in

PACKAGE = Path(gridops.__file__).parent
OUTSIDE = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")


def report(world, client_id="c-0000001"):
    lat, lon = world.center("110199001001001")
    return {"client_id": client_id, "lat": lat, "lon": lon, "category": "event:0102"}


def test_the_phone_json_endpoint_refuses_a_post_without_the_token(worker_client, world):
    response = worker_client.post("/phone/reports", json=report(world),
                                  headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "csrf_failed" and "页面已过期" in body["detail"]


def test_the_token_in_a_header_lets_the_post_through(worker_client, world):
    response = worker_client.post("/phone/reports", json=report(world),
                                  headers={"X-CSRFToken": worker_client.csrf})
    assert response.status_code == 201


def test_a_token_from_another_session_is_refused(app, worker_client, people, world):
    other = app.test_client()
    sign_in(other, "li")
    foreign = csrf_of(other, "/phone/")
    response = worker_client.post("/phone/reports", json=report(world),
                                  headers={"X-CSRFToken": foreign})
    assert response.status_code == 400


def test_the_bearer_api_stays_free_of_csrf(client, people, world):
    token = people["worker"].token
    response = client.post("/api/v1/incidents", json=report(world),
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


def test_the_api_used_with_the_session_cookie_needs_the_token(worker_client, world):
    refused = worker_client.post("/api/v1/incidents", json=report(world))
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf_failed"
    accepted = worker_client.post("/api/v1/incidents", json=report(world),
                                  headers={"X-CSRFToken": worker_client.csrf})
    assert accepted.status_code == 201


def test_the_outbox_can_always_get_a_fresh_token(worker_client, client):
    assert worker_client.get("/phone/csrf").get_json()["csrf_token"]
    anonymous = client.get("/phone/csrf", headers={"Accept": "application/json"})
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "unauthorized"


def test_leaflet_is_served_from_this_server(client):
    for path in ("leaflet.js", "leaflet.css", "images/marker-icon.png"):
        with client.get(f"/assets/vendor/leaflet/{path}") as response:
            assert response.status_code == 200, path
            assert path != "leaflet.js" or b"Leaflet" in response.data[:400]


def test_no_page_or_script_loads_anything_from_another_host(worker_client, world):
    pages = ["/login", "/phone/", "/phone/tasks", "/phone/reports", f"/r/{COMMUNITY}",
             f"/r/{COMMUNITY}/poster"]
    for path in pages:
        page = worker_client.get(path).get_data(as_text=True)
        assert not OUTSIDE.search(page), path
    for path in (PACKAGE / "web" / "static" / "js").glob("*.js"):
        assert "http" not in path.read_text(), path
    for path in (PACKAGE / "phone" / "static").glob("*.js"):
        assert "http" not in path.read_text(), path


def test_templates_carry_no_inline_script(worker_client, world):
    # A Content-Security-Policy without 'unsafe-inline' must not break any page.
    for path in ["/login", "/phone/", "/phone/tasks", "/phone/reports", f"/r/{COMMUNITY}"]:
        page = worker_client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert not re.search(r"\son[a-z]+=", page), path
