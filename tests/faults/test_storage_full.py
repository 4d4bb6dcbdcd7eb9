"""Photo storage full: the report is kept and the sender is told the photo was not saved.

The disk is filled for real where the test may mount a small tmpfs on GRIDOPS_UPLOAD_DIR (as
root); everywhere, creating a file there also fails the way the kernel fails it (os.open
raising ENOSPC, as when a file system runs out of inodes).
"""
import errno
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridops.dispatch.models import Incident, Photo
from web.kit import COMMUNITY, photo_bytes

GRID = "110199001001001"


@pytest.fixture(params=["tmpfs", "os.open"])
def full_disk(request, app, monkeypatch):
    """Fill the upload folder's file system; return a function that makes room again."""
    uploads = Path(app.config["GRIDOPS_UPLOAD_DIR"])
    uploads.mkdir(parents=True, exist_ok=True)
    if request.param == "tmpfs":
        yield from _full_tmpfs(uploads)
    else:
        real_open = os.open

        def no_space(path, flags, *args, **kwargs):
            if flags & os.O_CREAT and Path(path).is_relative_to(uploads):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", no_space)
        yield lambda: monkeypatch.setattr(os, "open", real_open)


def _full_tmpfs(uploads):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs to fill needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(uploads)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not allowed here: {mounted.stderr.strip()}")
    ballast = uploads / "ballast"
    try:
        descriptor = os.open(ballast, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(descriptor, b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(descriptor)
        yield ballast.unlink
    finally:
        subprocess.run(["umount", str(uploads)], check=True)


def stored_files(app):
    return sorted(p.name for p in Path(app.config["GRIDOPS_UPLOAD_DIR"]).rglob("*")
                  if p.is_file() and p.name != "ballast")


def assert_storage_full(answer):
    assert answer.status_code == 507, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["code"] == "storage_full" and body["status"] == 507
    assert "照片未能保存" in body["detail"] and "上报内容已保留" in body["detail"]


def test_the_phone_keeps_the_report_and_its_outbox_sends_the_photo_once_there_is_room(
        app, worker_client, world, db, full_disk):
    lat, lon = world.center(GRID)
    headers = {"X-CSRFToken": worker_client.csrf, "Accept": "application/json"}
    report = worker_client.post("/phone/reports", headers=headers, json={
        "client_id": "full-disk-1", "lat": lat, "lon": lon, "category": "event:0102",
        "description": "路边堆了三袋垃圾"})
    assert report.status_code == 201

    def send_photo():
        return worker_client.post("/phone/reports/full-disk-1/photos", headers=headers, data={
            "role": "report", "photo": (io.BytesIO(photo_bytes()), "IMG.JPG")})

    # 507 is a server error: the phone's outbox keeps the photo and sends it again later.
    assert_storage_full(send_photo())
    incident = db.scalar(select(Incident))
    assert incident.description == "路边堆了三袋垃圾" and incident.photos == []
    assert stored_files(app) == []  # no half-written file left behind

    full_disk()  # someone made room
    assert send_photo().status_code == 201
    db.expire_all()
    assert [p.role for p in db.scalar(select(Incident)).photos] == ["report"]
    assert len(stored_files(app)) == 2  # the photo and its thumbnail


def test_a_resident_report_is_made_without_its_photos_and_the_page_says_so(
        app, client, world, db, full_disk):
    page = client.get(f"/r/{COMMUNITY}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|client_id)" value="([^"]*)"', page))
    lat, lon = world.center(GRID)
    answer = client.post(f"/r/{COMMUNITY}", content_type="multipart/form-data", data={
        **fields, "lat": str(lat), "lon": str(lon), "category": "event:0505",
        "description": "小区门口有车堵住消防通道",
        "photos": [(io.BytesIO(photo_bytes()), "a.jpg"),
                   (io.BytesIO(photo_bytes(color="blue")), "b.jpg")]})
    assert answer.status_code == 302 and answer.location.startswith("/t/")
    incident = db.scalar(select(Incident))
    assert incident.description == "小区门口有车堵住消防通道"
    assert db.scalar(select(func.count()).select_from(Photo)) == 0
    tracking = client.get(answer.location).get_data(as_text=True)
    assert incident.case_number in tracking
    assert "有 2 张照片因服务器存储空间已满未能保存" in tracking
    assert stored_files(app) == []


def test_an_upload_for_an_action_answers_507_with_a_problem(worker_client, full_disk):
    answer = worker_client.post("/photos", headers={"X-CSRFToken": worker_client.csrf,
                                                    "Accept": "application/json"},
                                data={"photo": (io.BytesIO(photo_bytes()), "IMG.JPG")})
    assert_storage_full(answer)
