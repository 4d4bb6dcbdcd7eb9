"""Faults the timers survive, against real RQ worker processes, Redis and PostgreSQL.

Here: a worker killed in the middle of a batch, sweeps racing each other, a sweep whose
database connection is killed. test_timer_faults_live.py has the faults a running worker
meets (a flushed Redis, duplicate and early jobs). FLUSHDB stands in for FLUSHALL there: on a
shared server FLUSHALL would wipe other people's databases, and GridOps keeps all it has in
its own.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

from rq import Queue
from sqlalchemy import select, text

from gridops.dispatch import sweep, tasks
from gridops.dispatch.models import Deadline, Whistle
from gridops.extensions import db as _db
from tests.timers.conftest import clocks_due, effects_per_clock


def wall_now():
    return datetime.now(timezone.utc)


def wait_for(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"gave up after {timeout} s waiting for {condition.__name__}")


def start_worker(app, log_path, burst=False):
    """Start `run_worker` in a process group of its own, on the test database and Redis."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": app.config["REDIS_URL"]}
    code = f"from gridops.dispatch.tasks import run_worker; run_worker(burst={burst!r})"
    log = open(log_path, "a")
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return process


def kill(process):
    """SIGKILL a worker, its work horse and its scheduler (the horse is in a session of its own)."""
    for pid in [process.pid] + descendants(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def descendants(pid):
    children = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def blocked_on_the_event_log():
    """Return the pid of a backend waiting to write the event log, or None."""
    # A fresh connection each time: pg_stat_activity is a snapshot per transaction.
    with _db.engine.connect() as watcher:
        return watcher.scalar(text(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'INSERT INTO event%'"))


def gone(pid):
    with _db.engine.connect() as watcher:
        return not watcher.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                  {"pid": pid})


def breached(db, ids):
    db.expire_all()
    return db.scalar(select(text("count(*)")).select_from(Deadline).where(
        Deadline.id.in_(ids), Deadline.state == "breached")) == len(ids)


def lateness(db, ids):
    rows = db.execute(select(Deadline.due_at, Deadline.breached_at).where(Deadline.id.in_(ids)))
    return max((b - d).total_seconds() for d, b in rows)


def test_a_worker_killed_mid_batch_fires_every_timer_exactly_once(cases, app, redis, tmp_path):
    ids = clocks_due(cases, cases.now + timedelta(hours=1), 120, cases_count=4)
    redis.flushdb()
    queue = Queue("timers", connection=redis)
    with _db.engine.connect() as holder:
        # Hold the event log: the worker claims a batch, then stops at its first event.
        holder.execute(text("LOCK TABLE event IN ACCESS EXCLUSIVE MODE"))
        queue.enqueue(tasks.fire_due, int(time.time()), job_id="timers-kill")
        worker = start_worker(app, tmp_path / "killed.log", burst=True)
        backend = wait_for(blocked_on_the_event_log, 30)
        kill(worker)
        holder.rollback()
    wait_for(lambda: gone(backend), 10)  # the server notices its client is gone
    assert effects_per_clock(cases.db, ids) == {i: (0, 0) for i in ids}
    queue.enqueue(tasks.sweep_job)  # the periodic sweep, run by a fresh worker
    start_worker(app, tmp_path / "sweep.log", burst=True).wait(timeout=90)
    assert effects_per_clock(cases.db, ids) == {i: (1, 1) for i in ids}


def test_three_sweeps_at_once_fire_each_timer_once(cases, app):
    ids = clocks_due(cases, cases.now + timedelta(hours=1), 60, cases_count=6)
    errors = []

    def run():
        with app.app_context():
            try:
                while sweep.fire_batch(_db.session, wall_now(), 7):
                    _db.session.commit()
                _db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below, on the test's thread)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    while sweep.fire_batch(cases.db, wall_now(), 50):  # what a busy case made them leave
        cases.db.commit()
    cases.db.commit()
    assert effects_per_clock(cases.db, ids) == {i: (1, 1) for i in ids}
    assert cases.count(Whistle) == 6  # one per case, however the work was shared


def test_a_sweep_whose_connection_is_killed_recovers_on_its_own(cases, app):
    ids = clocks_due(cases, cases.now + timedelta(hours=1), 40)
    result = {}

    def run():
        with app.app_context():
            result["sweep"] = tasks.sweep_job()

    with _db.engine.connect() as holder:
        holder.execute(text("LOCK TABLE event IN ACCESS EXCLUSIVE MODE"))
        thread = threading.Thread(target=run)
        thread.start()
        backend = wait_for(blocked_on_the_event_log, 30)
        holder.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        holder.rollback()
    thread.join(60)
    assert gone(backend)  # the sweep's connection really died under it
    assert result["sweep"]["fired"] >= len(ids)
    assert effects_per_clock(cases.db, ids) == {i: (1, 1) for i in ids}
