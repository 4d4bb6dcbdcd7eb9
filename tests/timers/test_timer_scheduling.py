"""After the commit, one job per second of due time, with deterministic ids, on `timers`."""
import logging
import math
from datetime import datetime, timedelta, timezone

from rq import Queue
from rq.registry import ScheduledJobRegistry

from sqlalchemy import select

from gridops import create_app
from gridops.api.locating import locator_for
from gridops.dispatch import timers
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.dispatch.models import Deadline
from gridops.extensions import db as _db
from tests.conftest import TEST_DATABASE_URL
from tests.timers.conftest import GRID


def scheduled(redis):
    registry = ScheduledJobRegistry(queue=Queue("timers", connection=redis))
    return {job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()}


def epoch(moment):
    return math.ceil(moment.timestamp())


def wall_now():
    return datetime.now(timezone.utc)


def test_a_committed_clock_gets_jobs_at_its_warning_and_its_due_time(cases, redis):
    incident = cases.in_handling(at=wall_now())
    handling = cases.clock(incident, "handling")
    jobs = scheduled(redis)
    for moment in (handling.warn_at, handling.due_at):
        assert f"timers-{epoch(moment)}" in jobs
    job = Queue("timers", connection=redis).fetch_job(f"timers-{epoch(handling.due_at)}")
    assert job.func_name == "gridops.dispatch.tasks.fire_due"
    assert job.args == (epoch(handling.due_at),)


def test_clocks_due_in_the_same_second_share_one_job(cases, redis):
    now = wall_now()
    first, second = cases.report(at=now), cases.report(at=now)
    assert cases.clock(first, "screening").due_at == cases.clock(second, "screening").due_at
    due = f"timers-{epoch(cases.clock(first, 'screening').due_at)}"
    assert list(scheduled(redis)).count(due) == 1


def test_a_rolled_back_transaction_queues_nothing(cases, redis):
    incident = cases.report()
    redis.flushdb()
    from gridops.dispatch.operations import apply_action
    apply_action(cases.db, incident.id, "accept", cases.actors["dispatcher"], {"triage": "big"},
                 incident.version, wall_now())
    cases.db.rollback()
    cases.db.commit()
    assert scheduled(redis) == {}


def test_past_moments_are_queued_for_now(cases, redis):
    before = math.floor(wall_now().timestamp())
    cases.report()  # at the world's NOW, a week before the machine's clock
    (job_id,) = scheduled(redis)
    assert before <= int(job_id.removeprefix("timers-")) <= before + 2


def test_without_redis_the_action_still_commits(world, caplog, monkeypatch):
    # Alembic's logging setup (run by the session's migrations) disables existing loggers.
    monkeypatch.setattr(logging.getLogger("gridops.dispatch.timers"), "disabled", False)
    lat, lon = world.center(GRID)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
                      "REDIS_URL": "redis://127.0.0.1:1/0", "GRIDOPS_REDIS_TIMEOUT": 0.5})
    with app.app_context():  # only this app's session and objects in here
        with caplog.at_level(logging.WARNING, logger="gridops.dispatch.timers"):
            incident, _ = report_incident(
                _db.session, {"lat": lat, "lon": lon, "category": "event:0102"}, "grid_worker",
                Actor("grid_worker", "网格员", area_codes=frozenset({GRID})), world.now,
                locator_for(app, _db.session).locate)
            _db.session.commit()
        assert _db.session.scalar(select(Deadline).where(
            Deadline.incident_id == incident.id)) is not None
        assert "the sweep will" in caplog.text
        _db.session.remove()
        _db.engine.dispose()


def test_a_job_never_runs_before_its_moment_nor_in_the_past():
    now = datetime(2026, 11, 18, 2, 0, 0, tzinfo=timezone.utc)
    assert timers.bucket(now + timedelta(milliseconds=300)) == now.timestamp() + 1
    assert timers.bucket(now) == now.timestamp()
    assert timers.bucket(now - timedelta(hours=1), now) == now.timestamp()


def test_missing_names_the_jobs_redis_lost(redis, app):
    from gridops.dispatch import queues
    queue = queues.queue_for(app, "timers")
    timers.schedule(queue, [2_000_000_000, 2_000_000_001])
    assert timers.missing(queue, [2_000_000_000, 2_000_000_001, 2_000_000_002]) == [2_000_000_002]
    redis.flushdb()
    assert timers.missing(queue, [2_000_000_000]) == [2_000_000_000]
