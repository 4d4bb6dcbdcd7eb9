"""Benchmark the timers: many pending deadlines, a burst due in one second, real RQ workers.

    python bench/timers/bench_timers.py run --workers 2 [--timers 100000] [--burst 10000]
        [--hour-seconds 600] [--db URL] [--redis URL] [--out results.json]

It builds a fresh schema in its own database (default gridops_bench_timers, Redis db 8),
clones one real case into `--timers` cases, gives each a handling clock that has already
turned yellow, and puts their due times: `--burst` in one second, a third of the way through,
the rest spread evenly over an hour compressed into `--hour-seconds` of wall time. The jobs
are queued the way the after-commit hook queues them (`timers.schedule`, one per second);
`--workers` processes of `run_worker` (forking, with the rq scheduler) and one CronScheduler
process running the periodic sweep do the rest.

Lateness is measured from each clock's due time to the commit of its effects (supervision
order, event, notices): the workers are started by this script with `record_fired` wrapped so
that each batch also logs (deadline id, commit time) to Redis. Lost = clocks not breached or
without an order at the end; doubled = clocks with more than one order or breach event.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/gridops_bench_timers"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
FIRED_LOG = "bench:timers:fired"
WORKER_LOG = ROOT / "var" / "bench-timers-workers.log"
#: The planted clocks: handling clocks (a report that arrives meanwhile only starts screening).
PLANTED = "kind = 'handling'"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "worker", "cron"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--hour-seconds", type=int, default=600,
                        help="wall-clock seconds the hour of spread deadlines is compressed into")
    parser.add_argument("--lead", type=int, default=30,
                        help="seconds from the end of setup to the first due time")
    add_service_options(parser, DEFAULT_DB, DEFAULT_REDIS)
    parser.add_argument("--out", help="write the results as JSON here too")
    args = parser.parse_args()
    {"run": run, "worker": worker, "cron": cron}[args.command](args)


def add_service_options(parser, db, redis):
    """Add --db and --redis, defaulting to BENCH_DATABASE_URL / BENCH_REDIS_URL, then these."""
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", db))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", redis))


def make_app(args):
    from gridops import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": args.db, "REDIS_URL": args.redis,
                       "GRIDOPS_DEMO": 0})


def worker(args):
    """Run one worker whose batches also log their commit times (the bench's stopwatch)."""
    from gridops.dispatch import queues, tasks
    log_fired()
    tasks.run_worker((queues.SWEEP, queues.TIMERS, queues.NOTIFY), app=make_app(args))


def log_fired():
    """Make every batch of this process also log (deadline id, threshold, commit time)."""
    from gridops.dispatch import timer_metrics
    recorded = timer_metrics.record_fired

    def record_and_log(redis, fired, committed_at):
        recorded(redis, fired, committed_at)
        stamp = committed_at.timestamp()
        redis.rpush(FIRED_LOG, *[f"{f.deadline_id}:{f.threshold}:{stamp:.3f}" for f in fired])

    timer_metrics.record_fired = record_and_log


def cron(args):
    """Run the periodic sweep as worker.py would: an rq CronScheduler with register_periodic."""
    from redis import Redis
    from rq.cron import CronScheduler

    from gridops.dispatch import tasks
    app = make_app(args)
    with app.app_context():
        scheduler = CronScheduler(connection=Redis.from_url(args.redis), logging_level="WARNING")
        tasks.register_periodic(scheduler)
        scheduler.start()


def run(args):
    results = bench(args)
    print(json.dumps(results, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


def bench(args, poll=5):
    """Build the world, plant the clocks, let the workers fire them; return the measurements."""
    app = make_app(args)
    with app.app_context():
        redis, template = fresh_world(args)
        processes = start_processes(args)
        try:
            wait_for_workers(redis, args.workers)
            start, burst_at = plant_timers(template, args)
            print(f"{args.timers} clocks planted; first due {start:%H:%M:%S}, burst at "
                  f"{burst_at:%H:%M:%S}", flush=True)
            finished, loads = wait_until_fired(args, start, poll)
        finally:
            stop(processes)
        results = measure(args, redis, start, burst_at, finished)
        results["load_average_1m"] = {"mean": round(statistics.fmean(loads), 2),
                                      "max": round(max(loads), 2)}
    return results


def fresh_world(args):
    """Empty the bench's Redis db, rebuild its schema, seed the world; return (redis, case id)."""
    from redis import Redis

    from gridops.schema import rebuild_schema
    redis = Redis.from_url(args.redis)
    redis.flushdb()
    t0 = time.monotonic()
    rebuild_schema()
    template = seed_world()
    print(f"schema and world: {time.monotonic() - t0:.1f} s", flush=True)
    return redis, template


def seed_world():
    """Build the test district, one dispatcher and grid worker, and one case in handling."""
    from flask import current_app

    import world as w
    from gridops.api.locating import locator_for
    from gridops.auth.models import User, UserArea
    from gridops.dispatch import catalog, sla
    from gridops.dispatch.calendar_store import seed_calendar
    from gridops.dispatch.decide import Actor
    from gridops.dispatch.intake import report_incident
    from gridops.dispatch.operations import apply_action
    from gridops.extensions import db
    session, now = db.session, datetime.now(timezone.utc)
    grids = w.build_areas(session)
    units = w.build_units(session, grids)
    catalog.load_taxonomy(session, catalog.read_taxonomy(), now)
    session.add_all(sla.default_rows())
    seed_calendar(session, now)
    for name, role, area in (("disp", "dispatcher", w.STREETS[0]),
                             ("gw", "grid_worker", "110199001001001")):
        user = User(username=name, display_name=name, role=role)
        session.add(user)
        session.flush()
        session.add(UserArea(user_id=user.id, area_code=area))
    session.commit()
    grid = "110199001001001"
    lat, lon = (39.91, 116.405)
    actor = Actor("dispatcher", "调度员", area_codes=frozenset({w.STREETS[0]}))
    incident, _ = report_incident(session, {"lat": lat, "lon": lon, "category": "event:0102"},
                                  "grid_worker", Actor("grid_worker", "网格员",
                                                       area_codes=frozenset({grid})), now,
                                  locator_for(current_app, session).locate)
    session.commit()
    incident = apply_action(session, incident.id, "accept", actor, {"triage": "big"},
                            incident.version, now)
    incident = apply_action(session, incident.id, "sign",
                            Actor("department", "环卫", unit_id=units["HW"].id), {},
                            incident.version, now)
    session.commit()
    return incident.id


def plant_timers(template_id, args):
    """Clone the case and give every clone a yellow handling clock due in the bench window."""
    from sqlalchemy import text

    from gridops.dispatch import queues, timers
    from gridops.dispatch.models import Incident
    from gridops.extensions import db
    columns = [c.name for c in Incident.__table__.columns if c.name not in ("id", "case_number",
                                                                            "client_id",
                                                                            "tracking_token")]
    listed = ", ".join(columns)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM deadline"))
        conn.execute(text(
            f"INSERT INTO incident (case_number, {listed}) SELECT 'B-' || g, {listed} "
            f"FROM incident, generate_series(1, :n) AS g WHERE id = :id"),
            {"n": args.timers - 1, "id": template_id})
        conn.execute(text("INSERT INTO incident_co_unit (incident_id, unit_id) SELECT i.id, "
                          "c.unit_id FROM incident i, incident_co_unit c "
                          "WHERE c.incident_id = :id AND i.id <> :id"), {"id": template_id})
    start = datetime.now(timezone.utc) + timedelta(seconds=args.lead)
    burst_at = start + timedelta(seconds=args.hour_seconds // 3)
    spread = args.timers - args.burst
    with db.engine.begin() as conn:
        # Row n (ordered by case id): the first `burst` in one second, the rest evenly spread.
        # A burst clock is marked by its limit (61 minutes, not 60) for the measurement.
        conn.execute(text("""
            INSERT INTO deadline (incident_id, kind, basis, limit_minutes, started_at, warn_at,
                                  due_at, state, warned_at, escalated_position)
            SELECT id, 'handling', 'natural', minutes, due - interval '60 minutes',
                   due - interval '12 minutes', due, 'warned', due - interval '12 minutes', 0
            FROM (SELECT id, CASE WHEN n <= :burst THEN 61 ELSE 60 END AS minutes,
                         CASE WHEN n <= :burst
                         THEN :burst_at + (random() * interval '0.999 seconds')
                         ELSE :start + ((n - :burst - 1) * :window / :spread)
                              * interval '1 second' END AS due
                  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM incident) r) d"""),
            {"burst": args.burst, "burst_at": burst_at.replace(microsecond=0),
             "start": start, "window": float(args.hour_seconds), "spread": max(spread, 1)})
        dues = conn.scalars(text("SELECT DISTINCT ceil(extract(epoch FROM due_at))::bigint "
                                 "FROM deadline")).all()
    from flask import current_app
    timers.schedule(queues.queue_for(current_app, queues.TIMERS), dues)
    return start, burst_at.replace(microsecond=0)


def start_processes(args, script=__file__, crons=1, log=WORKER_LOG, env=None):
    """Start `args.workers` worker and `crons` CronScheduler processes of `script`."""
    common = ["--db", args.db, "--redis", args.redis]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    out = open(log, "w")
    commands = ["worker"] * args.workers + ["cron"] * crons
    return [subprocess.Popen([sys.executable, str(Path(script).resolve()), command, *common],
                             env=env, stdout=out, stderr=subprocess.STDOUT)
            for command in commands]


def stop(processes):
    """Stop the processes (TERM: rq workers finish the job in hand) and wait for them."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()


def wait_for_workers(redis, count, log=WORKER_LOG):
    from rq import Worker
    deadline = time.monotonic() + 60
    while Worker.count(connection=redis) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"workers did not start; see {log}")
        time.sleep(0.5)


def wait_until_fired(args, start, poll=5):
    from sqlalchemy import text

    from gridops.extensions import db
    give_up = start + timedelta(seconds=args.hour_seconds + 180)
    loads = []
    while datetime.now(timezone.utc) < give_up:
        with db.engine.connect() as conn:
            left = conn.scalar(text(f"SELECT count(*) FROM deadline WHERE {PLANTED} "
                                    "AND state <> 'breached'"))
        loads.append(os.getloadavg()[0])
        print(f"{datetime.now(timezone.utc):%H:%M:%S} waiting: {left} load {loads[-1]:.2f}",
              flush=True)
        if left == 0:
            return True, loads
        time.sleep(poll)
    return False, loads


def measure(args, redis, start, burst_at, finished):
    from sqlalchemy import text

    from gridops.extensions import db
    committed, logged = {}, 0
    for raw in redis.lrange(FIRED_LOG, 0, -1):
        deadline_id, threshold, stamp = raw.decode().split(":")
        if threshold == "due":
            logged += 1
            committed.setdefault(int(deadline_id), []).append(float(stamp))
    with db.engine.connect() as conn:
        dues = dict(conn.execute(text(
            f"SELECT id, extract(epoch FROM due_at) FROM deadline WHERE {PLANTED}")).all())
        burst = set(conn.scalars(text(
            f"SELECT id FROM deadline WHERE {PLANTED} AND limit_minutes = 61")))
        orders = dict(conn.execute(text(
            "SELECT deadline_id, count(*) FROM supervision_order WHERE deadline_id IS NOT NULL "
            "GROUP BY deadline_id")).all())
        events = dict(conn.execute(text(
            "SELECT (payload->>'deadline_id')::int, count(*) FROM event "
            "WHERE action = 'deadline_breached' GROUP BY 1")).all())
        not_breached = conn.scalar(text(
            f"SELECT count(*) FROM deadline WHERE {PLANTED} AND state <> 'breached'"))
    burst_epoch = burst_at.timestamp()
    late = {i: min(stamps) - float(dues[i]) for i, stamps in committed.items()}
    spread = [v for i, v in late.items() if i not in burst]
    calm = [v for i, v in late.items() if i not in burst
            and not burst_epoch - 5 <= float(dues[i]) <= burst_epoch + 60]
    burst_done = max((min(committed[i]) for i in burst if i in committed), default=None)
    lost = sum(1 for i in dues if orders.get(i, 0) == 0 or i not in committed)
    return {
        "started": start.isoformat(), "workers": args.workers, "timers": len(dues),
        "burst": len(burst), "hour_compressed_to_s": args.hour_seconds, "finished": finished,
        "spread_lateness_s": summary(spread), "spread_outside_burst_minute_s": summary(calm),
        "burst_lateness_s": summary([late[i] for i in burst if i in late]),
        "burst_fully_escalated_after_s": round(burst_done - burst_epoch, 3) if burst_done else None,
        "burst_throughput_per_s": round(len(burst) / (burst_done - burst_epoch), 1)
        if burst_done else None,
        "overall_throughput_per_s": round(len(late) / (max(min(s) for s in committed.values())
                                                       - float(min(dues.values()))), 1),
        "lost": lost, "not_breached": not_breached,
        "doubled_orders": sum(1 for n in orders.values() if n > 1),
        "doubled_events": sum(1 for n in events.values() if n > 1),
        "fired_twice_in_log": sum(1 for stamps in committed.values() if len(stamps) > 1),
        "log_entries": logged,
    }


def summary(values):
    if not values:
        return None
    ordered = sorted(values)

    def pick(share):
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)

    return {"n": len(values), "p50": pick(0.5), "p99": pick(0.99), "max": round(ordered[-1], 3),
            "mean": round(statistics.fmean(values), 3)}


if __name__ == "__main__":
    main()
