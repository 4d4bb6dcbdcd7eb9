"""The RQ jobs of timers and notifications, the periodic sweep, and a worker runner.

Every job opens its own app context (the worker's app, or one created once per process) and
commits what it did; each batch of deadlines is one transaction. A job that loses its
database connection mid-batch (a restarted or killed server) rolls back and tries again with
a fresh connection: the claim was undone with the transaction, so nothing fires twice.
"""
import functools
import logging
import math
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker, Worker
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

from gridops.dispatch import queues, sweep, timer_metrics, timers
from gridops.dispatch.models import PeriodicRun
from gridops.extensions import db
from gridops.notify import delivery, outbox
from gridops.reports.tasks import weekly_if_due

log = logging.getLogger(__name__)

#: How far ahead the sweep makes sure Redis holds a job: four sweep periods.
HORIZON_PERIODS = 4
#: A job stops claiming after this long and leaves a continuation, so it never hits its timeout.
BUDGET_SECONDS = 120
#: How often a batch is retried after losing its database connection.
RETRIES = 3


def fire_due(epoch, helper=0):
    """Fire every deadline whose threshold has come (the job `timers-<epoch>`); return the count.

    Run before `epoch` (a clock ahead of the database's, a job queued by hand), it fires
    what is due and comes back at `epoch`, so its own rows still fire on time.
    """
    with job_context() as app:
        if time.time() < epoch:
            _come_back(app, epoch)
        return _fire_all(app, epoch, helper)


def sweep_job():
    """Once per sweep period, however many schedulers queue it: fire, re-queue, measure."""
    with job_context() as app:
        now = _now()
        seconds = app.config["GRIDOPS_SWEEP_SECONDS"]
        if not _resilient(lambda: claim_period(db.session, "sweep", now, seconds)):
            return "skipped"
        fired = _fire_all(app, math.ceil(now.timestamp()), helper=0)
        _resilient(lambda: _requeue(app, _now(), seconds))
        _resilient(lambda: _deliver_pending(app, _now()))
        lateness = _resilient(lambda: _measure(app, _now()))
        return {"fired": fired, "lateness": lateness}


def deliver(outbox_id):
    """Send one outbox message (the job `outbox-<id>-<attempts>`); return the outcome."""
    with job_context() as app:
        outcome = delivery.deliver(db.session, outbox_id, _now(), app.config)
        db.session.commit()
        if outcome.status in ("retry", "dead"):
            log.warning("outbox %s: %s (%s)", outbox_id, outcome.status, outcome.error)
        return outcome.status


def claim_period(session, name, now, seconds):
    """Return True for the first caller in this period of `name`, False for every later one."""
    start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, timezone.utc)
    won = session.scalar(insert(PeriodicRun).values(
        name=name, period=start.isoformat(), started_at=now)
        .on_conflict_do_nothing().returning(PeriodicRun.name))
    session.execute(delete(PeriodicRun).where(PeriodicRun.name == name,
                                              PeriodicRun.started_at < now - timedelta(days=1)))
    session.commit()
    return won is not None


def register_periodic(cron):
    """Register the periodic jobs on an rq CronScheduler (worker.py calls this)."""
    seconds = current_app.config["GRIDOPS_SWEEP_SECONDS"] if has_app_context() else 15
    cron.register(sweep_job, queue_name=queues.SWEEP, interval=seconds, job_timeout=600,
                  result_ttl=60, failure_ttl=86400)
    # Checks every five minutes and starts last week's reports once Monday 08:00 local passed.
    cron.register(weekly_if_due, queue_name=queues.DEFAULT, interval=300, job_timeout=1800,
                  result_ttl=3600, failure_ttl=86400)


@contextmanager
def job_context():
    """Run inside an app context of its own, with a session removed at the end."""
    app = current_app._get_current_object() if has_app_context() else process_app()
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()


@functools.cache
def process_app():
    """Return this process's app, created once (a worker serves many jobs)."""
    from gridops import create_app
    return create_app()


class AppWorker(Worker):
    """A forking rq worker whose work horses never reuse the parent's database connections."""

    def main_work_horse(self, job, queue):
        db.engine.dispose(close=False)  # the horse is a fork: drop, never close, the parent's
        return super().main_work_horse(job, queue)


def run_worker(queue_names=(queues.SWEEP, queues.TIMERS, queues.NOTIFY), burst=False,
               with_scheduler=True, simple=False, app=None):
    """Serve `queue_names` in this process until stopped (or, with `burst`, until empty)."""
    app = app or process_app()
    with app.app_context():
        connection = Redis.from_url(app.config["REDIS_URL"])
        worker_class = SimpleWorker if simple else AppWorker
        worker_class(list(queue_names), connection=connection).work(
            burst=burst, with_scheduler=with_scheduler, logging_level="WARNING")


def _fire_all(app, epoch, helper):
    batch = app.config["GRIDOPS_TIMER_BATCH"]
    started, total = time.monotonic(), 0
    while True:
        fired = _resilient(lambda: _fire_batch(app, batch))
        total += len(fired)
        if len(fired) < batch:
            return total
        if helper is not None and helper < app.config["GRIDOPS_TIMER_HELPERS"]:
            # A burst: ask an idle worker to join in; SKIP LOCKED keeps us apart.
            _enqueue(app, epoch, f"-h{helper + 1}", helper + 1)
            helper = None
        if time.monotonic() - started > BUDGET_SECONDS:
            _enqueue(app, epoch, f"-c{int(time.time())}", None)
            return total


def _fire_batch(app, batch):
    fired = sweep.fire_batch(db.session, _now(), batch)
    db.session.commit()
    if fired:
        try:
            timer_metrics.record_fired(queues.redis_for(app), fired, _now())
        except RedisError as error:
            log.warning("could not record timer lateness: %s", error)
    return fired


def _requeue(app, now, seconds):
    """Make sure every threshold of the next few periods has its job (after a Redis flush)."""
    until = now + timedelta(seconds=seconds * HORIZON_PERIODS)
    epochs = {timers.bucket(m, now) for m in sweep.upcoming(db.session, now, until)}
    db.session.rollback()
    queue = queues.queue_for(app, queues.TIMERS)
    lost = timers.missing(queue, epochs)
    if lost:
        log.warning("re-queuing %d timer jobs missing from Redis", len(lost))
        timers.schedule(queue, lost)
    return len(lost)


def _deliver_pending(app, now):
    waiting = delivery.due(db.session, now)
    db.session.rollback()
    if waiting:
        outbox.queue_deliveries(app, waiting)
    return len(waiting)


def _measure(app, now):
    lateness = sweep.timer_lateness(db.session, now)
    db.session.rollback()
    timer_metrics.store_lateness(queues.redis_for(app), lateness, now)
    return lateness


def _resilient(work):
    """Run `work`; after a lost database connection, roll back and run it again."""
    for attempt in range(RETRIES):
        try:
            return work()
        except DBAPIError as error:
            db.session.rollback()
            if not error.connection_invalidated or attempt == RETRIES - 1:
                raise
            log.warning("database connection lost (%s); retrying", error.orig)
            time.sleep(0.2 * (attempt + 1))


def _come_back(app, epoch):
    queue = queues.queue_for(app, queues.TIMERS)
    queue.enqueue_at(datetime.fromtimestamp(epoch, timezone.utc), fire_due, epoch,
                     job_id=timers.job_id(epoch, "-again"), **timers.JOB_OPTIONS)


def _enqueue(app, epoch, suffix, helper):
    queue = queues.queue_for(app, queues.TIMERS)
    queue.enqueue(fire_due, epoch, helper, job_id=timers.job_id(epoch, suffix),
                  **timers.JOB_OPTIONS)


def _now():
    return datetime.now(timezone.utc)
