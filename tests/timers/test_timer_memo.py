"""Each process remembers the seconds it has queued: a repeat costs no Redis round trip, and a
job Redis lost after that is the sweep's to bring back."""
import math
from datetime import datetime, timezone

from redis import Redis
from rq import Queue

from gridops.dispatch import tasks
from tests.timers.test_timer_sweep import settings, two_minutes  # noqa: F401 (fixtures)


def wall_now():
    return datetime.now(timezone.utc)


def job_ids(clock):
    return [f"timers-{math.ceil(m.timestamp())}" for m in (clock.warn_at, clock.due_at)]


def test_a_second_already_queued_is_not_queued_again(cases, redis, two_minutes, settings):
    settings(GRIDOPS_SWEEP_SECONDS=60)
    now = wall_now()
    wanted = job_ids(cases.clock(cases.report(at=now), "screening"))
    queue = Queue("timers", connection=redis)
    assert all(queue.fetch_job(job_id) is not None for job_id in wanted)
    redis.flushdb()  # Redis loses the jobs behind the process's back
    again = job_ids(cases.clock(cases.report(at=now), "screening"))
    assert again == wanted
    assert all(queue.fetch_job(job_id) is None for job_id in wanted), "queued again"
    tasks.sweep_job()
    assert all(queue.fetch_job(job_id) is not None for job_id in wanted)


def test_a_new_second_is_queued(cases, redis, two_minutes):
    first = job_ids(cases.clock(cases.report(at=wall_now()), "screening"))
    later = datetime.fromtimestamp(math.ceil(wall_now().timestamp()) + 5, timezone.utc)
    second = job_ids(cases.clock(cases.report(at=later), "screening"))
    assert set(first).isdisjoint(second)
    queue = Queue("timers", connection=redis)
    assert all(queue.fetch_job(job_id) is not None for job_id in first + second)


def test_a_second_redis_refused_is_tried_again(cases, redis, two_minutes, app, monkeypatch):
    now = wall_now()
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    monkeypatch.setitem(app.extensions, "gridops.redis", down)
    wanted = job_ids(cases.clock(cases.report(at=now), "screening"))  # queued nothing
    monkeypatch.undo()
    cases.report(at=now)
    queue = Queue("timers", connection=redis)
    assert all(queue.fetch_job(job_id) is not None for job_id in wanted)
