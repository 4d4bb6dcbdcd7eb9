"""Timer scheduling: after a commit, queue a job for every threshold the transaction set.

Deadline rows are the source of truth; a job is only the fast path that fires them on time.
Jobs are per second of due time, not per deadline: the job `timers-<epoch>` fires every row
whose threshold has come (see `gridops.dispatch.tasks.fire_due`). Ten thousand deadlines due
in one second are then one job, not ten thousand, and the id stays deterministic, so a second
commit naming the same second queues nothing new. If Redis is down the user's request still
succeeds: the sweep fires the row and re-queues what is missing.

Each process also remembers the seconds it has queued (`QueuedSeconds`), so a commit naming
only those skips Redis altogether: at peak, hundreds of new cases a second share their due
second. Should Redis lose a remembered job (flushed, restarted without its data), the sweep
re-queues it, as it does for any job Redis lost.
"""
import logging
import math
import threading
from datetime import datetime, timezone

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event, inspect

from gridops.dispatch import queues
from gridops.extensions import db

log = logging.getLogger(__name__)

TOUCHED = "gridops.deadlines"
MOMENTS = "gridops.timer_moments"
#: A finished job's record is only useful for a moment; a failed one is kept for a day.
JOB_OPTIONS = {"result_ttl": 60, "failure_ttl": 86400, "job_timeout": 600}


class QueuedSeconds:
    """The seconds this process has put a job on the timers queue for (one per app)."""

    #: Past seconds are never asked again (`bucket` never returns one); rather than sort them
    #: out, the memo starts afresh once it holds this many, at the cost of a few re-queues.
    LIMIT = 100_000

    def __init__(self):
        self._epochs = set()
        self._lock = threading.Lock()

    def new(self, epochs):
        """Return those of `epochs` not queued yet by this process."""
        with self._lock:
            return set(epochs) - self._epochs

    def add(self, epochs):
        with self._lock:
            if len(self._epochs) > self.LIMIT:
                self._epochs.clear()
            self._epochs.update(epochs)

    def clear(self):
        """Forget everything, e.g. after emptying Redis in tests."""
        with self._lock:
            self._epochs.clear()


def init_app(app):
    """Schedule timer jobs after each commit of the app's sessions; wire up notifications."""
    from gridops import notify
    app.extensions["gridops.timers"] = QueuedSeconds()
    for name, listener in (("after_flush_postexec", _snapshot_after_flush),
                           ("before_commit", _snapshot), ("after_commit", _schedule_committed),
                           ("after_rollback", _forget)):
        # One listener per session class serves every app; each looks at its own app's state.
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
    notify.init_app(app)


def note(session, *moments):
    """Ask for jobs at `moments` once the session commits (for rows changed by plain SQL)."""
    session.info.setdefault(MOMENTS, set()).update(m for m in moments if m is not None)


def bucket(moment, now=None):
    """Return the whole second a job for `moment` runs at: never before it, never in the past."""
    epoch = math.ceil(moment.timestamp())
    return max(epoch, math.ceil(now.timestamp())) if now is not None else epoch


def job_id(epoch, suffix=""):
    """Return the deterministic id of the job for second `epoch`."""
    return f"timers-{epoch}{suffix}"


def schedule(queue, epochs):
    """Put one `fire_due` job per second of `epochs` on `queue`, in one round trip."""
    from gridops.dispatch.tasks import fire_due
    with queue.connection.pipeline() as pipe:
        for epoch in sorted(set(epochs)):
            at = datetime.fromtimestamp(epoch, timezone.utc)
            queue.enqueue_at(at, fire_due, epoch, job_id=job_id(epoch), pipeline=pipe,
                             **JOB_OPTIONS)
        pipe.execute()


def missing(queue, epochs):
    """Return those of `epochs` whose job Redis does not know (lost to a flush or a restart)."""
    epochs = sorted(set(epochs))
    with queue.connection.pipeline() as pipe:
        for epoch in epochs:
            pipe.exists(queue.job_class.key_for(job_id(epoch)))
        found = pipe.execute()
    return [epoch for epoch, exists in zip(epochs, found) if not exists]


def moments_of(row):
    """Return the thresholds of a deadline row still to come, read without touching the database."""
    values = inspect(row).dict
    if values.get("paused_at") is not None or values.get("state") not in (None, "pending",
                                                                            "warned", "breached"):
        return ()
    return tuple(values.get(k) for k in ("warn_at", "due_at", "escalate_at") if values.get(k))


def _snapshot(session):
    rows = session.info.get(TOUCHED) or []
    note(session, *[m for row in rows for m in moments_of(row)])


def _snapshot_after_flush(session, flush_context):
    _snapshot(session)


def _schedule_committed(session):
    session.info.pop(TOUCHED, None)
    moments = session.info.pop(MOMENTS, None)
    if not moments or not has_app_context() or "gridops.timers" not in current_app.extensions:
        return
    now = datetime.now(timezone.utc)
    queued = current_app.extensions["gridops.timers"]
    epochs = queued.new(bucket(m, now) for m in moments)
    if not epochs:
        return
    try:
        schedule(queues.queue_for(current_app, queues.TIMERS), epochs)
        queued.add(epochs)
    except RedisError as error:
        # Never fail the user's request for this: the rows are committed, the sweep fires them.
        log.warning("could not queue %d timer jobs (%s); the sweep will", len(moments), error)


def _forget(session):
    session.info.pop(TOUCHED, None)
    session.info.pop(MOMENTS, None)
