"""Helpers for the web, phone and photo tests: sign in like a browser, make photos, move cases."""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from werkzeug.security import generate_password_hash

from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.dispatch.operations import apply_action
from gridops.geo.cache import EXTENSION_KEY
from gridops.api.locating import locator_for

PASSWORD = "correct horse"
#: Cheap hashing keeps the suite fast; production uses werkzeug's default.
FAST_HASH = "pbkdf2:sha256:1000"
COMMUNITY = "110199001001"
OTHER_COMMUNITY = "110199002002"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh(request, tmp_path, monkeypatch):
    """Store each test's photos in its own directory; rebuild the locator from its grids."""
    if "app" not in request.fixturenames:
        return  # a pure unit test: no app, no database to empty afterwards
    app = request.getfixturevalue("app")
    monkeypatch.setitem(app.config, "GRIDOPS_UPLOAD_DIR", str(tmp_path / "uploads"))
    cache = app.extensions[EXTENSION_KEY]
    # Every test's layer is version 1 again: the cached locator may be another test's.
    cache.version, cache.locator, cache._checked_at = None, None, None


@pytest.fixture
def people(world):
    """A worker for community 110199001001, one for another community, and a dispatcher."""
    made = {
        "worker": world.user("wang", "grid_worker", areas=[COMMUNITY]),
        "other": world.user("li", "grid_worker", areas=[OTHER_COMMUNITY]),
        "dispatcher": world.user("zhao", "dispatcher", areas=["110199001"]),
    }
    for user in made.values():
        user.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
        user.display_name = {"wang": "王网格", "li": "李网格", "zhao": "赵调度"}[user.username]
    world.session.commit()
    return made


def csrf_of(client, path="/login"):
    """Return the CSRF token a page gives the browser."""
    page = client.get(path).get_data(as_text=True)
    return CSRF_META.search(page).group(1)


def sign_in(client, username, remember=True):
    """Sign in through the login form, as a browser would; return the response."""
    token = csrf_of(client)
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    if remember:
        form["remember"] = "y"
    return client.post("/login", data=form)


@pytest.fixture
def worker_client(app, people):
    """A test client signed in as worker wang, with its CSRF token in `.csrf`."""
    client = app.test_client()
    assert sign_in(client, "wang").status_code == 302
    client.csrf = csrf_of(client, "/phone/")
    return client


def photo_bytes(size=(640, 480), fmt="JPEG", exif=True, color="red", orientation=None):
    """Return an image file's bytes; JPEGs carry EXIF with a GPS position by default."""
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", size, color)
    out = io.BytesIO()
    if fmt == "JPEG" and exif:
        tags = Image.Exif()
        tags[0x010F] = "PhoneMaker"
        tags[0x8825] = {1: "N", 2: (39.0, 54.0, 36.0), 3: "E", 4: (116.0, 24.0, 0.0)}
        if orientation:
            tags[0x0112] = orientation
        image.save(out, fmt, exif=tags.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


def resident_report(session, app, world, grid="110199001001001", **extra):
    """Create a resident report in `grid` now, directly through intake; return the case.

    Now, not the world's fixed time: the pages judge deadlines by the real clock.
    """
    lat, lon = world.center(grid)
    raw = {"lat": lat, "lon": lon, "category": "event:0102", "description": "垃圾堆在路边",
           "reporter_phone": "13800000000", **extra}
    incident, _ = report_incident(session, raw, "resident", Actor("resident", "resident"),
                                  datetime.now(timezone.utc), locator_for(app, session).locate)
    session.commit()
    return incident


DISPATCHER = Actor("dispatcher", "调度", area_codes=frozenset({"110199"}))


def to_supervision(session, world, incident, now=None):
    """Accept, sign for and report the result of a case, so it waits for the result check."""
    now = now or datetime.now(timezone.utc)
    department = Actor("department", "环卫", unit_id=world.units["HW"].id)
    steps = [("accept", DISPATCHER, {"triage": "big", "lead_unit": "HW"}),
             ("sign", department, {}), ("submit_result", department, {"note": "已清理"})]
    for i, (action, actor, fields) in enumerate(steps):
        apply_action(session, incident.id, action, actor, fields, incident.version,
                     now + timedelta(minutes=i + 1))
    session.commit()
    return incident

