"""The sweep: fires what is overdue in batches, re-queues lost jobs, measures, runs once."""
import math
from datetime import datetime, timedelta, timezone

import pytest
from rq import Queue
from sqlalchemy import select

from gridops.dispatch import queues, sweep, tasks, timer_metrics
from gridops.dispatch.models import Channel, Deadline, OutboxMessage, SlaLimit, SupervisionOrder


def wall_now():
    return datetime.now(timezone.utc)


@pytest.fixture
def settings(app, monkeypatch):
    def set_(**values):
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)
    return set_


@pytest.fixture
def two_minutes(cases):
    """Screening clocks of two natural minutes: yellow after one, red after two."""
    cases.db.add(SlaLimit(step="screening", urgency="normal", minutes=2, basis="natural",
                          category_kind="event", category_code="01"))
    cases.db.commit()


def test_the_sweep_fires_every_overdue_clock_in_batches(cases, settings):
    settings(GRIDOPS_TIMER_BATCH=2, GRIDOPS_TIMER_HELPERS=0)
    for _ in range(5):
        cases.report()  # a week before the machine's clock: long overdue
    result = tasks.sweep_job()
    assert result["fired"] == 5 and result["lateness"] == 0
    assert cases.count(SupervisionOrder) == 5
    assert {d.state for d in cases.db.scalars(select(Deadline))} == {"breached"}


def test_the_sweep_runs_once_per_period_however_often_it_is_queued(cases, settings):
    settings(GRIDOPS_SWEEP_SECONDS=3600)
    assert tasks.sweep_job() != "skipped"
    assert tasks.sweep_job() == "skipped"


def test_the_sweep_runs_ahead_of_a_backlog_of_firing_jobs(app, cases, redis):
    """The sweep notices a stuck or lost queue: it must not wait behind the jobs it checks."""
    backlog = [Queue(queues.TIMERS, connection=redis).enqueue(tasks.fire_due, 0)
               for _ in range(5)]
    swept = Queue(queues.SWEEP, connection=redis).enqueue(tasks.sweep_job)
    tasks.run_worker(queues.ALL, burst=True, with_scheduler=False, simple=True, app=app)
    started = {job.id: job.started_at for job in [swept, *backlog] if job.refresh() is None}
    assert started[swept.id] < min(started[job.id] for job in backlog)

    class Cron:  # stands in for rq's CronScheduler: records where each job is queued
        queued = {}

        def register(self, func, queue_name, **options):
            self.queued[func] = queue_name
    with app.app_context():
        tasks.register_periodic(Cron())
    assert Cron.queued[tasks.sweep_job] == queues.SWEEP


def test_claim_period_lets_one_caller_through_per_period(db):
    now = datetime(2026, 11, 18, 2, 0, 7, tzinfo=timezone.utc)
    assert tasks.claim_period(db, "sweep", now, 15)
    assert not tasks.claim_period(db, "sweep", now + timedelta(seconds=7), 15)
    assert tasks.claim_period(db, "sweep", now + timedelta(seconds=8), 15)
    assert tasks.claim_period(db, "report", now, 15)


def test_after_a_flush_the_sweep_requeues_the_coming_jobs(cases, redis, two_minutes, settings):
    settings(GRIDOPS_SWEEP_SECONDS=60)
    now = wall_now()
    incident = cases.report(at=now)
    clock = cases.clock(incident, "screening")
    wanted = [f"timers-{math.ceil(m.timestamp())}" for m in (clock.warn_at, clock.due_at)]
    redis.flushdb()
    tasks.sweep_job()
    queue = Queue("timers", connection=redis)
    assert all(queue.fetch_job(job_id) is not None for job_id in wanted)


def test_the_sweep_stores_the_lateness_of_the_oldest_waiting_clock(cases, redis, two_minutes):
    now = wall_now()
    incident = cases.report(at=now)
    clock = cases.clock(incident, "screening")
    assert sweep.timer_lateness(cases.db, now) == 0
    assert sweep.timer_lateness(cases.db, clock.warn_at + timedelta(seconds=3)) == 3
    assert sweep.timer_lateness(cases.db, clock.due_at + timedelta(seconds=5)) == 5
    tasks.sweep_job()
    assert timer_metrics.read_lateness(redis)["seconds"] == 0


def test_fired_lateness_goes_into_a_histogram(redis):
    due = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)
    fired = [sweep.Fired(1, "due", due), sweep.Fired(2, "due", due - timedelta(seconds=1.5))]
    timer_metrics.record_fired(redis, fired, due + timedelta(milliseconds=25))
    buckets = timer_metrics.histogram(redis, "due")
    assert buckets == {30: 1, 1530: 1}
    assert timer_metrics.percentile(buckets, 0.5) == 30
    assert timer_metrics.percentile(buckets, 0.99) == 1530


def test_deliveries_are_queued_after_the_commit_and_again_by_the_sweep(cases, redis,
                                                                      monkeypatch):
    cases.db.add(Channel(area_code="110199001", kind="webhook", target="https://example.test/h"))
    cases.db.commit()
    cases.report()
    tasks.sweep_job()  # fires the screening breach, which tells the street's channel
    message = cases.db.scalar(select(OutboxMessage))
    notify = Queue("notify", connection=redis)
    assert notify.fetch_job(f"outbox-{message.id}-0") is not None
    redis.flushdb()
    monkeypatch.setattr(tasks, "claim_period", lambda *args: True)
    tasks.sweep_job()
    assert notify.fetch_job(f"outbox-{message.id}-0") is not None
