"""A scene for the security tests: one user of every role, and two of everything they may or
may not see — "ours", inside every user's scope, and "theirs", in a second district nobody but
the admin may see, handled by another department.

Ours lies in grid 110199001001001 (street 110199001), reported by the grid worker of that
grid and handled by HW; theirs lies in district 110198, reported by that district's worker
and handled by CG. Each side has a case in handling with a photo and a whistle, a resident
report waiting for its on-site check, and an archived weekly report of its area.
"""
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from redis import Redis
from rq import Queue
from werkzeug.security import generate_password_hash

from gridops.api.auth import actor_for
from gridops.api.locating import locator_for
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.dispatch.models import Channel, Responsibility, SlaLimit
from gridops.dispatch.operations import apply_action
from gridops.geo.models import Area
from gridops.photos.operations import attach, clean_upload
from gridops.reports.models import ReportArchive, ReportFile
from web.kit import _fresh  # noqa: F401  (autouse: photos per test, a fresh locator)
from web.kit import FAST_HASH, PASSWORD, csrf_of, photo_bytes, sign_in
from world import box

#: The second district: one street, one community, one grid, east of the first.
OTHER = {"district": "110198", "street": "110198001", "community": "110198001001",
         "grid": "110198001001001"}
OTHER_BOX = (116.44, 39.90, 116.46, 39.92)
GRID = "110199001001001"
ROLES = ("anonymous", "grid_worker", "dispatcher", "department", "district", "admin")
WEEK = "2026-W47"
#: Where the scene's clients call from (TEST-NET-2): not loopback, which monitoring trusts.
OUTSIDE_ADDRESS = "198.51.100.7"


@dataclass
class Side:
    """What one side of the scene holds: ids, codes and the texts that must not leak."""

    case: object
    task: object
    photo: str
    whistle: int
    community: str
    area: str
    archive: int
    marker: str

    @property
    def secrets(self):
        """Return the texts that only those who may see this side's cases may read."""
        return (self.marker, self.case.case_number, self.task.case_number)


@dataclass
class Scene:
    users: dict
    ours: Side
    theirs: Side
    channel: int
    line: int
    limit: int
    job: str
    #: Reports and moves more cases, for tests that need other stages.
    build: object = None

    def side(self, which):
        return self.ours if which == "ours" else self.theirs


def add_other_district(session):
    """Add district 110198 (one street, community and grid, all the same box) to the layer."""
    parents = (None, OTHER["district"], OTHER["street"], OTHER["community"])
    for (level, code), parent in zip(OTHER.items(), parents):
        session.add(Area(code=code, name=f"外区{level}", level=level, parent_code=parent,
                         geom=box(*OTHER_BOX), layer_version=1))
    session.commit()


def make_users(world):
    """Return {role: user} with a password, and the other district's grid worker."""
    users = {
        "grid_worker": world.user("worker", "grid_worker", areas=[GRID]),
        "dispatcher": world.user("dispatcher", "dispatcher", areas=["110199001"]),
        "department": world.user("department", "department", unit="HW"),
        "district": world.user("district", "district", areas=["110199"]),
        "admin": world.user("admin", "admin"),
        "other_worker": world.user("other", "grid_worker", areas=[OTHER["grid"]]),
    }
    for user in users.values():
        user.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
    world.session.commit()
    return users


class Builder:
    """Report and move one side's cases along the loop through the domain operations."""

    def __init__(self, app, world, now):
        self.app, self.db, self.world, self.now = app, world.session, world, now
        self.locate = locator_for(app, world.session).locate
        self.dispatcher = Actor("dispatcher", "调度", area_codes=frozenset({"110198", "110199"}))

    def point(self, grid):
        if grid in self.world.grids:
            return self.world.center(grid)
        x0, y0, x1, y1 = OTHER_BOX
        return (y0 + y1) / 2, (x0 + x1) / 2

    def report(self, grid, source, actor, text, **extra):
        lat, lon = self.point(grid)
        raw = {"lat": lat, "lon": lon, "category": "event:0102", "description": text, **extra}
        incident, _ = report_incident(self.db, raw, source, actor, self.now, self.locate)
        self.db.commit()
        return incident

    def act(self, incident, action, actor, fields, minutes):
        apply_action(self.db, incident.id, action, actor, fields, incident.version,
                     self.now + timedelta(minutes=minutes))
        self.db.commit()

    def side(self, name, grid, reporter, unit, marker, area, tmp_path, colour):
        case = self.report(grid, "grid_worker", actor_for(reporter), f"{marker} 案件描述",
                           client_id=f"{name}-case-0001")
        department = Actor("department", unit, unit_id=self.world.units[unit].id)
        self.act(case, "accept", self.dispatcher, {"triage": "big", "lead_unit": unit}, 1)
        self.act(case, "sign", department, {}, 2)
        self.act(case, "whistle", self.dispatcher, {"reason": "enforcement"}, 3)
        photo = clean_upload(self.app, io.BytesIO(photo_bytes(color=colour)))
        attach(self.db, case, photo, "report")
        task = self.report(grid, "resident", Actor("resident", "resident"),
                           f"{marker} 居民上报", reporter_phone="13800000000")
        self.db.commit()
        return Side(case=case, task=task, photo=photo.sha256, whistle=case.whistles[0].id,
                    community=grid[:12], area=area, marker=marker,
                    archive=archive(self.db, self.app.config, area, tmp_path, marker))


def archive(session, config, area, root, marker):
    """Archive a small CSV weekly report of `area` under `root`; return its id."""
    data = f"周报,{marker}\n".encode()
    path = f"{WEEK}/{area}/weekly.csv"
    (root / WEEK / area).mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)
    start = datetime(2026, 11, 15, 16, tzinfo=timezone.utc)
    row = ReportArchive(period=WEEK, period_start=start, period_end=start + timedelta(days=7),
                        area_code=area, area_name=f"{marker}地区", trigger="demand",
                        generated_at=start + timedelta(days=7), summary={})
    row.files = [ReportFile(format="csv", path=path, sha256=hashlib.sha256(data).hexdigest(),
                            size=len(data), media_type="text/csv")]
    session.add(row)
    session.commit()
    return row.id


@pytest.fixture
def scene(app, world, tmp_path, monkeypatch):
    """Build the two sides, an admin's channel, routing line and limit, and one queued job."""
    monkeypatch.setitem(app.config, "GRIDOPS_REPORT_DIR", str(tmp_path / "reports"))
    add_other_district(world.session)
    users = make_users(world)
    build = Builder(app, world, datetime.now(timezone.utc))
    ours = build.side("ours", GRID, users["grid_worker"], "HW", "OURS-本方", "110199001",
                      tmp_path / "reports", "red")
    theirs = build.side("theirs", OTHER["grid"], users["other_worker"], "CG", "THEIRS-外方",
                        OTHER["district"], tmp_path / "reports", "blue")
    session = world.session
    channel = Channel(unit_id=world.units["HW"].id, kind="inbox", target="")
    session.add(channel)
    session.commit()
    job = Queue("default", connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
        "builtins.print", "never run")
    return Scene(users=users, ours=ours, theirs=theirs, channel=channel.id,
                 line=session.query(Responsibility.id).first()[0],
                 limit=session.query(SlaLimit.id).first()[0], job=job.id, build=build)


def outside_client(app):
    """Return a test client calling from an address on the internet, not from loopback."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = OUTSIDE_ADDRESS
    return client


def client_as(app, role, users):
    """Return a test client signed in as `role` (none for anonymous) with its CSRF token."""
    client = outside_client(app)
    if role != "anonymous":
        assert sign_in(client, users[role].username).status_code == 302
    client.csrf = csrf_of(client, "/login") if role == "anonymous" else \
        client.get("/phone/csrf").get_json()["csrf_token"]
    return client

