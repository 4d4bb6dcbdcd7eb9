"""我的上报, the QR posters and the home-screen app files."""
from werkzeug.security import generate_password_hash

from web.kit import COMMUNITY, FAST_HASH, PASSWORD, sign_in


def report(client, world, client_id):
    lat, lon = world.center("110199001001001")
    return client.post("/phone/reports", headers={"X-CSRFToken": client.csrf}, json={
        "client_id": client_id, "lat": lat, "lon": lon, "category": "event:0102",
        "description": "井盖松动"}).get_json()


def test_my_reports_list_each_with_its_stage_and_timeline(app, worker_client, world):
    first = report(worker_client, world, "mine-000001")
    page = worker_client.get("/phone/reports").get_data(as_text=True)
    assert first["case_number"] in page and "甄别" in page and 'id="outbox-list"' in page
    detail = worker_client.get(first["url"]).get_data(as_text=True)
    assert "井盖松动" in detail and "处理过程" in detail and "王网格" in detail
    assert 'class="now"' in detail and "上报" in detail
    other = app.test_client()
    sign_in(other, "li")
    assert other.get(first["url"]).status_code == 404


def test_posters_for_my_community_with_a_qr_code(app, worker_client, client, world):
    listing = worker_client.get("/posters").get_data(as_text=True)
    assert f"/r/{COMMUNITY}/poster" in listing and "/r/110199002002/poster" not in listing
    poster = worker_client.get(f"/r/{COMMUNITY}/poster").get_data(as_text=True)
    assert "<svg" in poster and f"http://localhost/r/{COMMUNITY}" in poster
    with worker_client.get(f"/r/{COMMUNITY}/qr.svg") as svg:
        assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<?xml")
    app.config["GRIDOPS_PUBLIC_URL"] = "https://grid.example.gov.cn/"
    try:
        poster = worker_client.get(f"/r/{COMMUNITY}/poster").get_data(as_text=True)
        assert f"https://grid.example.gov.cn/r/{COMMUNITY}" in poster
    finally:
        app.config["GRIDOPS_PUBLIC_URL"] = ""
    assert client.get(f"/r/{COMMUNITY}/poster").status_code == 302


def test_the_district_prints_every_communitys_poster(app, world, people):
    district = world.user("qu", "district", areas=["110199"])
    district.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
    world.session.commit()
    client = app.test_client()
    sign_in(client, "qu")
    assert client.get("/posters").get_data(as_text=True).count('/poster"') == 4


def test_the_app_can_be_added_to_the_home_screen(client):
    manifest = client.get("/phone/manifest.webmanifest")
    body = manifest.get_json(force=True)
    assert manifest.mimetype == "application/manifest+json"
    assert body["start_url"] == "/phone/" and body["display"] == "standalone"
    assert {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200 and response.mimetype == "image/png"
    with client.get("/phone/sw.js") as worker:
        assert worker.mimetype == "text/javascript" and b"gridops-outbox" in worker.data
        assert worker.headers["Cache-Control"] == "no-cache"
