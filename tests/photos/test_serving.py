"""A case's photos are shown to the people who may see the case, and no one else."""
import io

from gridops.dispatch.models import Incident

from web.kit import photo_bytes, sign_in


def uploaded(worker_client, world, grid="110199001001001"):
    lat, lon = world.center(grid)
    headers = {"X-CSRFToken": worker_client.csrf}
    worker_client.post("/phone/reports", headers=headers, json={
        "client_id": "photo-case-1", "lat": lat, "lon": lon, "category": "event:0102"})
    answer = worker_client.post("/phone/reports/photo-case-1/photos", headers=headers, data={
        "role": "report", "photo": (io.BytesIO(photo_bytes()), "IMG_0001.JPG")})
    return answer.get_json()["sha256"]


def test_the_reporter_sees_the_photo_and_its_thumbnail(worker_client, world):
    sha = uploaded(worker_client, world)
    with worker_client.get(f"/photos/{sha}.jpg") as full:
        assert full.status_code == 200 and full.mimetype == "image/jpeg"
        assert "private" in full.headers["Cache-Control"]
        size = len(full.data)
    with worker_client.get(f"/photos/{sha}.thumb.jpg") as thumb:
        assert thumb.status_code == 200 and len(thumb.data) < size


def test_a_worker_of_another_community_does_not(app, worker_client, world):
    sha = uploaded(worker_client, world)
    other = app.test_client()
    sign_in(other, "li")
    assert other.get(f"/photos/{sha}.jpg").status_code == 404


def test_my_report_outside_my_grids_still_shows_me_its_photo(worker_client, world):
    sha = uploaded(worker_client, world, grid="110199002002001")
    with worker_client.get(f"/photos/{sha}.thumb.jpg") as thumb:
        assert thumb.status_code == 200


def test_strangers_are_sent_to_sign_in(client, worker_client, world):
    sha = uploaded(worker_client, world)
    assert client.get(f"/photos/{sha}.jpg").status_code == 302


def test_the_generic_upload_stores_a_photo_for_an_action(worker_client, world, db):
    answer = worker_client.post("/photos", headers={"X-CSRFToken": worker_client.csrf},
                                data={"photo": (io.BytesIO(photo_bytes()), "a.jpg")})
    assert answer.status_code == 201 and len(answer.get_json()["id"]) == 64
    refused = worker_client.post("/photos", headers={"X-CSRFToken": worker_client.csrf,
                                                     "Accept": "application/json"},
                                 data={"photo": (io.BytesIO(b"not an image"), "a.jpg")})
    assert refused.status_code == 422 and refused.get_json()["code"] == "not_an_image"
    assert db.query(Incident).count() == 0
