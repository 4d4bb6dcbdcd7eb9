"""上报 from the phone: the form, the idempotent JSON intake the outbox posts to, photos."""
import io

from sqlalchemy import func, select

from gridops.dispatch.models import Deadline, Incident, Photo

from web.kit import photo_bytes

GRID = "110199001001001"


def post(client, body, **headers):
    return client.post("/phone/reports", json=body,
                       headers={"X-CSRFToken": client.csrf, **headers})


def report(world, client_id="0b4a7c1e-1", grid=GRID, **extra):
    lat, lon = world.center(grid)
    return {"client_id": client_id, "lat": lat, "lon": lon, "accuracy_m": 8,
            "category": "event:0102", "description": "路边堆了三袋垃圾",
            "located_by": "gps", **extra}


def add_photo(client, client_id, data, role="report"):
    return client.post(f"/phone/reports/{client_id}/photos",
                       headers={"X-CSRFToken": client.csrf, "Accept": "application/json"},
                       data={"role": role, "photo": (io.BytesIO(data), "IMG.JPG")})


def count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_the_form_shows_the_workers_grids_categories_and_map_without_tiles(worker_client):
    page = worker_client.get("/phone/").get_data(as_text=True)
    assert "网格01001" in page and "网格01002" in page  # both grids of community 110199001001
    assert "网格02001" not in page
    assert "暴露垃圾" in page and 'capture="environment"' in page and "multiple" in page
    assert "/api/v1/locate" in page and "/api/v1/grids?level=grid" in page
    assert '"url": ""' in page  # no tile layer unless configured
    assert 'rel="manifest"' in page


def test_a_report_becomes_one_case_however_often_the_phone_sends_it(worker_client, world, db):
    first = post(worker_client, report(world))
    assert first.status_code == 201
    receipt = first.get_json()
    again = post(worker_client, report(world))
    assert again.status_code == 200 and again.get_json()["case_number"] == receipt["case_number"]
    incident = db.get(Incident, receipt["id"])
    assert count(db, Incident) == 1
    assert (incident.source, incident.source_detail, incident.state) == \
        ("grid_worker", "phone", "screening")
    assert incident.grid.code == GRID and incident.accuracy_m == 8
    assert receipt["url"] == f"/phone/reports/{incident.id}"
    # A worker's own report needs no on-site check (核实): only screening runs.
    kinds = {d.kind for d in db.scalars(select(Deadline).where(Deadline.incident_id == incident.id))}
    assert kinds == {"screening"}


def test_a_place_chosen_from_my_grids_is_noted_for_the_dispatcher(worker_client, world, db):
    answer = post(worker_client, report(world, located_by="grid", grid_name="网格01002",
                                        accuracy_m=None))
    incident = db.get(Incident, answer.get_json()["id"])
    assert "网格01002" in incident.address and incident.accuracy_m is None


def test_bad_reports_are_refused_with_readable_messages(worker_client, world, db):
    cases = [
        ({**report(world), "client_id": None}, 400, "上报编号"),
        (report(world, category="event:9999"), 422, "event:9999"),
        (report(world, lat=31.2, lon=121.5), 422, "不在任何网格内"),
        (report(world, lat="x"), 400, "位置"),
        (report(world, description="长" * 4001), 400, "描述"),
        (report(world, self_handled=True, photos=["report"]), 400, "处置前和处置后"),
    ]
    for body, status, words in cases:
        answer = post(worker_client, body)
        assert answer.status_code == status, body
        assert words in answer.get_json()["detail"], answer.get_json()
    assert post(worker_client, None).status_code == 400
    assert count(db, Incident) == 0


def test_self_handling_starts_where_the_config_says(app, worker_client, world, db, monkeypatch):
    body = report(world, self_handled=True, photos=["before", "after"])
    incident = db.get(Incident, post(worker_client, body).get_json()["id"])
    assert incident.self_handled and incident.state == "supervision"
    monkeypatch.setitem(app.config, "GRIDOPS_SELF_HANDLED_STATE", "evaluation")
    body = report(world, "0b4a7c1e-2", self_handled=True, photos=["before", "after"])
    assert db.get(Incident, post(worker_client, body).get_json()["id"]).state == "evaluation"


def test_photos_follow_the_report_once_each_with_their_role(worker_client, world, db):
    post(worker_client, report(world, self_handled=True, photos=["before", "after"]))
    before = add_photo(worker_client, "0b4a7c1e-1", photo_bytes(color="red"), "before")
    assert before.status_code == 201
    assert add_photo(worker_client, "0b4a7c1e-1", photo_bytes(color="red"), "before") \
        .status_code == 200
    after = add_photo(worker_client, "0b4a7c1e-1", photo_bytes(color="green"), "after")
    assert after.status_code == 201
    rows = db.scalars(select(Photo).order_by(Photo.id)).all()
    assert [(p.role, p.width) for p in rows] == [("before", 640), ("after", 640)]


def test_refused_photos_keep_the_report_and_say_why(app, worker_client, world, db, monkeypatch):
    post(worker_client, report(world))
    not_image = add_photo(worker_client, "0b4a7c1e-1", b"GIF89a but not really")
    assert not_image.status_code == 422 and "不是照片" in not_image.get_json()["detail"]
    from photos.test_clean import png_header_only
    bomb = add_photo(worker_client, "0b4a7c1e-1", png_header_only(30_000, 30_000))
    assert bomb.status_code == 422 and bomb.get_json()["code"] == "photo_too_many_pixels"
    monkeypatch.setitem(app.config, "GRIDOPS_PHOTO_MAX_BYTES", 2000)
    big = add_photo(worker_client, "0b4a7c1e-1", photo_bytes())
    assert big.status_code == 422 and "MB" in big.get_json()["detail"]
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    body = add_photo(worker_client, "0b4a7c1e-1", photo_bytes())
    assert body.status_code == 413 and "太大" in body.get_json()["detail"]
    incident = db.scalar(select(Incident))
    assert incident.description == "路边堆了三袋垃圾" and count(db, Photo) == 0


def test_at_most_eight_photos_reach_one_case(worker_client, world, db):
    post(worker_client, report(world))
    colors = [(i * 30, 0, 0) for i in range(9)]
    answers = [add_photo(worker_client, "0b4a7c1e-1", photo_bytes((64, 64), color=c))
               for c in colors]
    assert [a.status_code for a in answers] == [201] * 8 + [422]
    assert "最多 8 张" in answers[-1].get_json()["detail"]


def test_photos_go_only_to_my_own_reports(app, worker_client, world):
    from web.kit import csrf_of, sign_in
    post(worker_client, report(world))
    other = app.test_client()
    sign_in(other, "li")
    other.csrf = csrf_of(other, "/phone/")
    answer = add_photo(other, "0b4a7c1e-1", photo_bytes())
    assert answer.status_code == 404
    assert add_photo(worker_client, "never-sent", photo_bytes()).status_code == 404
    stolen = post(other, report(world, grid="110199002002001"))
    assert stolen.status_code == 409


def test_frequent_and_recent_categories_come_first(worker_client, world):
    for i, category in enumerate(["event:0505", "event:0505", "event:0201"]):
        post(worker_client, report(world, f"c-{i:08d}", category=category))
    page = worker_client.get("/phone/").get_data(as_text=True)
    pinned = page[page.index('id="pinned"'):page.index('id="cat-search"')]
    assert pinned.index("机动车乱停放") < pinned.index("非法小广告")
    assert "暴露垃圾" not in pinned


def test_only_grid_workers_use_the_phone_form(app, people, client):
    from web.kit import sign_in
    assert client.get("/phone/").status_code == 302
    answer = client.post("/phone/reports", json={}, headers={"Accept": "application/json"})
    assert answer.status_code in (400, 401)
    dispatcher = app.test_client()
    sign_in(dispatcher, "zhao")
    assert dispatcher.get("/phone/").status_code == 403
