"""/metrics: values read at scrape time from a world built here, and what is left without one
of PostgreSQL and Redis."""
import math
import time
from datetime import datetime, timedelta, timezone

from rq import Queue, Worker
from sqlalchemy import func, select

from gridops.api.locating import locator_for
from gridops.dispatch import tasks
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.dispatch.models import Deadline, OutboxMessage
from gridops.dispatch.operations import apply_action
from ops.kit import scrape

GRID = "110199001001001"
DISPATCHER = Actor("dispatcher", "调度", area_codes=frozenset({"110199"}))


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def report(world, app, at):
    lat, lon = world.center(GRID)
    incident, _ = report_incident(
        world.session, {"lat": lat, "lon": lon, "category": "event:0102"}, "grid_worker",
        Actor("grid_worker", "网格员", area_codes=frozenset({GRID})), at,
        locator_for(app, world.session).locate)
    world.session.commit()
    return incident


def test_queue_depth_and_registries_come_from_redis(client, redis):
    for _ in range(3):
        Queue("notify", connection=redis).enqueue("gridops.ops.probes.redis_up")
    Queue("default", connection=redis).enqueue("gridops.ops.probes.redis_up")
    Queue("timers", connection=redis).enqueue_at(
        datetime.now(timezone.utc) + timedelta(hours=1), "gridops.ops.probes.redis_up")
    samples = scrape(client)
    assert [value(samples, "gridops_rq_queue_jobs", queue=q)
            for q in ("timers", "notify", "default")] == [0, 3, 1]
    assert value(samples, "gridops_rq_registry_jobs", queue="timers", registry="scheduled") == 1
    assert value(samples, "gridops_rq_registry_jobs", queue="notify", registry="failed") == 0
    assert value(samples, "gridops_up", component="redis") == 1


def test_only_workers_with_a_live_heartbeat_count(client, redis):
    alive = Worker(["timers"], connection=redis, name="alive")
    gone = Worker(["notify"], connection=redis, name="gone")
    alive.register_birth()
    gone.register_birth()
    redis.delete(gone.key)  # what a killed worker leaves once its key expires
    assert value(scrape(client), "gridops_rq_workers") == 1


def test_overdue_deadlines_open_cases_and_what_a_sweep_records(client, world, app):
    now = datetime.now(timezone.utc)
    old = [report(world, app, now - timedelta(days=30)) for _ in range(3)]
    apply_action(world.session, old[0].id, "accept", DISPATCHER, {"triage": "big"},
                 old[0].version, now)  # met its screening clock; the next one just started
    fresh = report(world, app, now)
    world.session.add(Deadline(  # a handling clock in its yellow phase
        incident_id=fresh.id, kind="handling", basis="natural", limit_minutes=10,
        started_at=now - timedelta(minutes=9), warn_at=now - timedelta(minutes=1),
        due_at=now + timedelta(minutes=1), state="pending"))
    world.session.commit()
    oldest = world.session.scalar(select(func.min(Deadline.due_at)).where(
        Deadline.state == "pending", Deadline.incident_id.in_([old[1].id, old[2].id])))

    before = scrape(client)
    assert [value(before, "gridops_timer_overdue_deadlines", threshold=t)
            for t in ("due", "warn", "escalate")] == [2, 1, 0]
    late = value(before, "gridops_timer_overdue_oldest_seconds")
    assert abs(late - (datetime.now(timezone.utc) - oldest).total_seconds()) < 2
    assert {state: value(before, "gridops_incidents_open", state=state) for state in
            ("screening", "assignment", "handling", "supervision", "evaluation")} == {
        "screening": 3, "assignment": 1, "handling": 0, "supervision": 0, "evaluation": 0}
    assert math.isinf(value(before, "gridops_timer_sweep_age_seconds"))

    tasks.sweep_job()
    after = scrape(client)
    assert [value(after, "gridops_timer_overdue_deadlines", threshold=t)
            for t in ("due", "warn", "escalate")] == [0, 0, 0]
    assert value(after, "gridops_timer_overdue_oldest_seconds") == 0
    assert value(after, "gridops_timer_sweep_lateness_seconds") == 0
    assert value(after, "gridops_timer_sweep_age_seconds") < 5
    assert abs(value(after, "gridops_timer_sweep_timestamp_seconds") - time.time()) < 5
    # Two red clocks fired about 30 days late (whole-second buckets that far out) …
    assert value(after, "gridops_timer_fired_lateness_seconds_count", threshold="due") == 2
    assert value(after, "gridops_timer_fired_lateness_seconds_bucket", threshold="due",
                 le="300.0") == 0
    p50 = value(after, "gridops_timer_fired_lateness_quantile_seconds", threshold="due",
                quantile="0.5")
    assert abs(p50 - (datetime.now(timezone.utc) - oldest).total_seconds()) < 3
    # … and the yellow one about a minute late.
    warn = {le: value(after, "gridops_timer_fired_lateness_seconds_bucket", threshold="warn",
                      le=le) for le in ("30.0", "60.0", "300.0", "+Inf")}
    assert warn == {"30.0": 0, "60.0": 0, "300.0": 1, "+Inf": 1}
    assert 60 < value(after, "gridops_timer_fired_lateness_quantile_seconds",
                      threshold="warn", quantile="1") < 65


def test_outbox_pending_and_dead_messages(client, world):
    now = datetime.now(timezone.utc)

    def message(**state):
        return OutboxMessage(unit_id=world.units["HW"].id, topic="deadline.warned",
                             subject="黄灯", body="即将超时", created_at=now,
                             **{"next_attempt_at": now, **state})

    world.session.add_all([
        message(), message(attempts=3, next_attempt_at=now + timedelta(minutes=4)),
        message(attempts=1, delivered_at=now), message(attempts=8, dead=True)])
    world.session.commit()
    samples = scrape(client)
    assert value(samples, "gridops_notify_outbox_messages", status="pending") == 2
    assert value(samples, "gridops_notify_outbox_messages", status="dead") == 1


def test_without_redis_the_database_metrics_still_answer_quickly(redis_down, world):
    report(world, redis_down, datetime.now(timezone.utc))
    started = time.monotonic()
    samples = scrape(redis_down.test_client())
    assert time.monotonic() - started < 1
    assert value(samples, "gridops_up", component="redis") == 0
    assert value(samples, "gridops_up", component="postgresql") == 1
    assert value(samples, "gridops_incidents_open", state="screening") == 1
    assert not any(name.startswith("gridops_rq_") for name, _labels in samples)


def test_without_postgresql_the_redis_metrics_still_answer_quickly(database_down, redis):
    Queue("notify", connection=redis).enqueue("gridops.ops.probes.redis_up")
    started = time.monotonic()
    samples = scrape(database_down.test_client())
    assert time.monotonic() - started < 1
    assert value(samples, "gridops_up", component="postgresql") == 0
    assert value(samples, "gridops_up", component="redis") == 1
    assert value(samples, "gridops_rq_queue_jobs", queue="notify") == 1
    assert not any(name.startswith("gridops_incidents") for name, _labels in samples)
