"""Redis down: every intake still makes its case, nothing waits long, and timers catch up later.

The app runs on a redis-server of the test's own. While it is down, after-commit queuing of
timer and delivery jobs and the rate limits log and carry on; the deadline rows and the
outbox rows are committed with the case. When Redis returns (empty, as after a crash), one
sweep fires what fell due meanwhile and queues what is still to come.
"""
import logging
import re
import time
from datetime import datetime, timedelta, timezone

from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select, text

from gridops.dispatch import tasks, timers
from gridops.dispatch.models import Channel, Deadline, Event, Incident, OutboxMessage
from gridops.extensions import db as _db
from gridops.open311 import keys
from web.kit import COMMUNITY, csrf_of, sign_in

GRID = "110199001001002"
#: Each request may wait this long in all for a Redis that is gone.
PATIENCE_S = 3


def body(world, client_id):
    lat, lon = world.center(GRID)
    return {"client_id": client_id, "lat": lat, "lon": lon, "category": "event:0102",
            "description": "路边堆了三袋垃圾"}


class Timed:
    """Call the test client and note the slowest answer."""

    def __init__(self):
        self.slowest = 0.0

    def __call__(self, call, *args, **kwargs):
        started = time.monotonic()
        answer = call(*args, **kwargs)
        self.slowest = max(self.slowest, time.monotonic() - started)
        return answer


def intake_everywhere(faulty, world, people, timed, open311_key):
    """Report through the API, the phone, the resident page and Open311; act as dispatcher."""
    api, phone, resident = (faulty.test_client() for _ in range(3))
    worker = {"Authorization": f"Bearer {people['worker'].token}"}
    dispatcher = {"Authorization": f"Bearer {people['dispatcher'].token}"}
    made = timed(api.post, "/api/v1/incidents", json=body(world, "redis-down-api"),
                 headers=worker)
    assert made.status_code == 201, made.get_json()
    assert timed(sign_in, phone, "wang").status_code == 302  # the sign-in limit is not counted
    answer = timed(phone.post, "/phone/reports", json=body(world, "redis-down-phone"),
                   headers={"X-CSRFToken": csrf_of(phone, "/phone/")})
    assert answer.status_code == 201, answer.get_json()
    page = resident.get(f"/r/{COMMUNITY}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|client_id)" value="([^"]*)"', page))
    lat, lon = world.center(GRID)
    answer = timed(resident.post, f"/r/{COMMUNITY}", data={
        **fields, "lat": str(lat), "lon": str(lon), "category": "event:0505",
        "description": "小区门口有车堵住消防通道"})
    assert answer.status_code == 302 and answer.location.startswith("/t/")
    answer = timed(resident.post, "/open311/v2/requests.json", data={
        "api_key": open311_key, "service_code": "event-0102", "lat": lat, "long": lon,
        "description": "路边暴露垃圾"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    case = made.get_json()
    for action, fields in (("accept", {"triage": "big", "lead_unit": "HW"}),
                           ("whistle", {"reason": "public_demand"})):
        answer = timed(api.post, f"/api/v1/incidents/{case['id']}/actions/{action}",
                       json={"version": case["version"], **fields}, headers=dispatcher)
        assert answer.status_code == 200, answer.get_json()
        case = answer.get_json()


def time_passes(session, until):
    """Move every waiting deadline so it fell due by `until`; return their ids."""
    ids = session.scalars(text("""
        UPDATE deadline SET started_at = started_at - (due_at - :until),
               warn_at = warn_at - (due_at - :until), due_at = :until
        WHERE state = 'pending' RETURNING id"""), {"until": until}).all()
    session.commit()
    return ids


def test_with_redis_down_intake_goes_on_and_the_sweep_catches_up_when_it_returns(
        make_app, private_redis, world, people, caplog):
    faulty = make_app(REDIS_URL=private_redis.url, GRIDOPS_REDIS_TIMEOUT=0.5)
    world.session.add(Channel(unit_id=world.units["HW"].id, kind="webhook",
                              target="http://127.0.0.1:9/hook"))
    open311_key = keys.issue_key(world.session, "fixmystreet")
    world.session.commit()
    private_redis.stop()

    timed = Timed()
    with caplog.at_level(logging.WARNING):
        intake_everywhere(faulty, world, people, timed, open311_key)
    assert timed.slowest < PATIENCE_S, f"a request waited {timed.slowest:.1f} s for Redis"
    session = world.session
    assert session.scalar(select(func.count()).select_from(Incident)) == 4
    outbox = session.scalars(select(OutboxMessage.id)).all()
    assert outbox, "the whistle wrote its notices to the outbox"
    logged = caplog.text
    assert "timer jobs" in logged and "deliveries" in logged and "the sweep will" in logged

    # The outage lasts: every deadline the intake started falls due, but one that is still
    # to come within the sweep's horizon.
    now = datetime.now(timezone.utc)
    overdue = time_passes(session, now - timedelta(minutes=1))
    later = overdue.pop(0)
    warn_at, due_at = now + timedelta(seconds=20), now + timedelta(seconds=30)
    session.execute(text("UPDATE deadline SET warn_at = :warn, due_at = :due WHERE id = :id"),
                    {"warn": warn_at, "due": due_at, "id": later})
    session.commit()
    cases_overdue = session.scalar(select(func.count()).select_from(Deadline).where(
        Deadline.id.in_(overdue), Deadline.incident_id.is_not(None)))

    private_redis.start()  # back, and empty
    with faulty.app_context():
        swept = tasks.sweep_job()
        _db.session.remove()
    assert swept["fired"] >= len(overdue)
    states = dict(session.execute(select(Deadline.id, Deadline.state)).all())
    assert {states[i] for i in overdue} == {"breached"}
    assert states[later] == "pending"
    breaches = session.scalar(select(func.count()).select_from(Event).where(
        Event.action == "deadline_breached"))
    assert breaches == cases_overdue > 0
    redis = private_redis.client()
    scheduled = ScheduledJobRegistry("timers", connection=redis).get_job_ids()
    assert {timers.job_id(timers.bucket(m)) for m in (warn_at, due_at)} <= set(scheduled)
    queued = set(Queue("notify", connection=redis).job_ids)
    assert {f"outbox-{i}-0" for i in outbox} <= queued


def test_a_redis_that_hangs_costs_each_request_its_timeout_not_more(
        make_app, private_redis, world, people):
    """A frozen server accepts connections and never answers: only the timeouts end the wait."""
    faulty = make_app(REDIS_URL=private_redis.url, GRIDOPS_REDIS_TIMEOUT=0.5)
    open311_key = keys.issue_key(world.session, "fixmystreet")
    world.session.add(Channel(unit_id=world.units["HW"].id, kind="webhook",
                              target="http://127.0.0.1:9/hook"))
    world.session.commit()
    private_redis.pause()
    timed = Timed()
    intake_everywhere(faulty, world, people, timed, open311_key)
    private_redis.unpause()
    assert timed.slowest < PATIENCE_S, f"a request waited {timed.slowest:.1f} s for Redis"
    assert world.session.scalar(select(func.count()).select_from(Incident)) == 4
