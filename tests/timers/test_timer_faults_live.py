"""Faults the timers survive with a worker running: a flushed Redis, duplicate and early jobs.

One long-running worker (with its scheduler) serves the module; each test waits for it to be
idle before the tables are emptied under it.
"""
import time
from datetime import datetime, timedelta, timezone

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.registry import StartedJobRegistry

from gridops.dispatch import tasks
from tests.timers.conftest import clocks_due, effects_per_clock
from tests.timers.test_timer_faults import breached, kill, lateness, start_worker, wait_for


def wall_now():
    return datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def live_worker(app, tmp_path_factory):
    """One long-running worker with its scheduler, shared by the tests that need one."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_worker(app, log)
    connection = Redis.from_url(app.config["REDIS_URL"])
    wait_for(lambda: Worker.count(connection=connection) > 0 or process.poll() is not None, 30)
    assert process.poll() is None, log.read_text()
    yield process
    kill(process)


@pytest.fixture
def worker(live_worker, redis):
    """The live worker, left idle when the test ends (the tables are emptied next)."""
    yield live_worker
    queue = Queue("timers", connection=redis)
    wait_for(lambda: queue.count == 0 and StartedJobRegistry(queue=queue).count == 0, 30)


def test_after_a_flush_pending_timers_still_fire_on_time(cases, redis, worker):
    due = wall_now() + timedelta(seconds=4)
    ids = clocks_due(cases, due, 30)
    redis.flushdb()  # every queued job is gone
    tasks.sweep_job()  # the next sweep re-queues them from the rows
    wait_for(lambda: breached(cases.db, ids), 15)
    assert lateness(cases.db, ids) < 2.5
    assert effects_per_clock(cases.db, ids) == {i: (1, 1) for i in ids}


def test_the_same_job_delivered_twice_has_one_effect(cases, redis, worker):
    ids = clocks_due(cases, wall_now() - timedelta(seconds=1), 20)
    queue = Queue("timers", connection=redis)
    epoch = int(time.time())
    jobs = [queue.enqueue(tasks.fire_due, epoch, job_id=f"timers-twice-{n}") for n in range(2)]
    wait_for(lambda: all(j.get_status(refresh=True) == "finished" for j in jobs), 20)
    assert effects_per_clock(cases.db, ids) == {i: (1, 1) for i in ids}


def test_a_job_run_before_its_time_does_nothing_and_it_still_fires_on_time(cases, redis,
                                                                           worker):
    due = wall_now() + timedelta(seconds=4)
    ids = clocks_due(cases, due, 10)
    redis.flushdb()  # only the early job is left to fire them
    epoch = int(due.timestamp()) + 1
    early = Queue("timers", connection=redis).enqueue(tasks.fire_due, epoch, job_id="early")
    wait_for(lambda: early.get_status(refresh=True) == "finished", 10)
    assert time.time() < due.timestamp()
    assert effects_per_clock(cases.db, ids) == {i: (0, 0) for i in ids}
    wait_for(lambda: breached(cases.db, ids), 10)
    assert lateness(cases.db, ids) < 2.5
    assert effects_per_clock(cases.db, ids) == {i: (1, 1) for i in ids}
