"""Benchmark report intake on the production setup at rising fixed rates until it saturates.

    .venv/bin/python bench/load/bench_intake.py [--rates 100,200,300,400,500,600,800]
        [--duration 30] [--side 78] [--rq-workers 2] [--db URL] [--redis URL] [--json out.json]

It builds a fresh schema in its own scratch database (default gridops_bench_load, created with
PostGIS if missing; Redis db 11): a city of side² grids (78² = 6,084) with as many grid
workers, each with an API token (bench/load/intake_city.py). Then it starts the production
setup itself, on a free port: gunicorn with `gunicorn.conf.py` and `worker.py --workers N`.
Each step runs wrk (a separate process, one thread) with bench/load/intake.lua, which POSTs
grid workers' reports to /api/v1/incidents at a fixed rate: tokens drawn from all workers, a
unique client_id per request, a point inside the worker's grid, a category from the taxonomy.

Per step it prints the offered and achieved rate, p50/p90/p99/max latency measured from each
request's scheduled send time, errors (non-2xx responses and requests without an answer), and
the incidents found in the database for the step's client_ids, which must equal the 201s. CPU
columns are cores used during the step by gunicorn, the RQ workers, PostgreSQL (our database's
backends and its background processes), Redis, wrk and everything else on the machine; "cpu
ms/rep" is the server side's CPU per report, which other work on the machine skews least. It
stops after the first step that saturates (achieved < 95 % of offered, an error rate over 1 %
or p99 over 1 s). A step meets the target when it achieves 98 % of its rate with zero errors
and p99 under 200 ms.
"""
import argparse
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(HERE)]

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/gridops_bench_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
TARGET = {"rate": 300, "p99_ms": 200}
TAIL_S = 6  # after the schedule: wrk's timeout (5 s) + 1, so every request gets its answer


def main():
    args = arguments()
    run_dir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    print(f"machine: {os.cpu_count()} cores, {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.2f}; files in {run_dir}", flush=True)
    data_file = build_world(args, run_dir)
    port = free_port()
    services = start_services(args, port, run_dir)
    try:
        wait_ready(port, services)
        run_step(args, services, port, data_file, run_dir, "warmup", 20, 5)
        steps = []
        for rate in args.rates:
            step = run_step(args, services, port, data_file, run_dir, f"r{rate}", rate, args.duration)
            steps.append(step)
            print_row(step, header=len(steps) == 1)
            if step["saturated"]:
                break
    finally:
        stop_services(services)
    report(args, steps)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="100,200,300,400,500,600,800",
                        type=lambda s: [int(r) for r in s.split(",")],
                        help="offered rates in reports/s, one step each, in order")
    parser.add_argument("--duration", type=int, default=30, help="seconds per step")
    parser.add_argument("--side", type=int, default=78, help="grids per side of the city")
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=0,
                        help="wrk connections (default: a quarter of the rate, at least 20)")
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON here too")
    return parser.parse_args()


def make_app(args):
    from gridops import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": args.db, "REDIS_URL": args.redis,
                       "GRIDOPS_DEMO": 0})


def build_world(args, run_dir):
    """Create the scratch database if needed, rebuild its schema, seed the city; write wrk's data."""
    from redis import Redis

    from gridops.extensions import db
    from gridops.schema import rebuild_schema
    from intake_city import report_categories, seed_city
    ensure_database(args.db)
    Redis.from_url(args.redis).flushdb()
    t0 = time.monotonic()
    with make_app(args).app_context():
        rebuild_schema()
        workers = seed_city(db.session, datetime.now(timezone.utc), args.side)
        categories = report_categories(db.session)
    analyze(args.db)
    path = run_dir / "intake-data.txt"
    lines = ["categories " + " ".join(categories)]
    lines += [token + " " + " ".join(f"{lat},{lon}" for lat, lon in points)
              for token, points in workers]
    path.write_text("\n".join(lines) + "\n")
    print(f"world: {args.side ** 2} grids, {len(workers)} grid workers with tokens, "
          f"{len(categories)} categories in {time.monotonic() - t0:.0f} s", flush=True)
    return path


def ensure_database(url):
    """Create the database of `url` with PostGIS unless it exists (needs a superuser)."""
    import psycopg
    target = make_url(url)
    plain = target.set(drivername="postgresql")
    server = plain.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (target.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{target.database}"')
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def analyze(url):
    """Give the planner statistics of the freshly seeded tables, and write them out, before the
    first step.

    Autovacuum would analyze them too, but only after its next round (up to a minute), so the
    first steps would otherwise be planned from no statistics at all. A production database has
    had autovacuum for a long time. The CHECKPOINT writes out what seeding (and whatever ran on
    this PostgreSQL before, such as a test suite creating and truncating thousands of tables)
    left dirty; otherwise the checkpointer's writes and file syncs land inside the steps and
    count as the database's CPU (one such sync, of 69,498 files, took 14 s in a step).
    """
    with connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        conn.execute("CHECKPOINT")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_services(args, port, run_dir):
    """Start gunicorn (gunicorn.conf.py) and worker.py as the production setup runs them."""
    env = dict(os.environ, DATABASE_URL=args.db, REDIS_URL=args.redis, PORT=str(port),
               GRIDOPS_DEMO="0", SECRET_KEY="bench-intake-not-secret")
    venv = Path(sys.executable).parent
    commands = {
        "web": [str(venv / "gunicorn"), "-c", "gunicorn.conf.py", "gridops:create_app()"],
        "rq": [sys.executable, "worker.py", "--workers", str(args.rq_workers)],
    }
    (ROOT / "var").mkdir(exist_ok=True)
    services = {}
    for name, command in commands.items():
        log = open(run_dir / f"{name}.log", "w")
        services[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)
    return services


def wait_ready(port, services, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in services.items():
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}: see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json",
                                        timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within a minute")


def stop_services(services):
    for process in services.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in services.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_step(args, services, port, data_file, run_dir, name, rate, duration):
    """Offer `rate` reports/s for `duration` s with wrk; return what happened."""
    out = run_dir / f"{name}.txt"
    prefix = f"{name}-{int(time.time())}"
    connections = args.connections or max(20, rate // 4)
    env = dict(os.environ, BENCH_DATA=str(data_file), BENCH_RATE=str(rate),
               BENCH_WINDOW=str(duration), BENCH_PREFIX=prefix, BENCH_OUT=str(out),
               BENCH_THREADS="1")
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration + TAIL_S}s",
               "--timeout", f"{TAIL_S - 1}s", "-s", str(HERE / "intake.lua"),
               f"http://127.0.0.1:{port}"]
    database = make_url(args.db).database
    stand_in_for_autovacuum(args.db)
    before = cpu_snapshot(services, database)
    wrk = subprocess.run(command, env=env, capture_output=True, text=True)
    cpu = cpu_used(before, cpu_snapshot(services, database))
    if wrk.returncode != 0 or not out.exists():
        raise SystemExit(f"wrk failed ({wrk.returncode}): {wrk.stderr or wrk.stdout}")
    step = summarise(out, rate, duration, connections)
    if step["unanswered"]:
        time.sleep(TAIL_S)  # requests wrk gave up on may still commit: count once they have
    step.update(name=name, cpu=cpu, db_incidents=count_incidents(args.db, prefix))
    # CPU the server side spent per report: comparable between runs on a busy machine.
    server = sum(cpu[g] for g in ("web", "rq", "pg", "redis"))
    step["cpu_ms_per_report"] = round(1000 * server / step["achieved"], 1) if step["ok"] else None
    step["db_matches"] = step["db_incidents"] == step["created"]
    return step


def stand_in_for_autovacuum(url):
    """ANALYZE the tables intake grows, if this PostgreSQL runs without autovacuum.

    Some machines' PostgreSQL has autovacuum off (this one's CI configuration does). Then the
    planner keeps the statistics of the empty tables the bench started from, and every
    process's cached plans with them: the foreign-key checks on event and deadline went on
    scanning the whole incident table, and PostgreSQL's CPU per report tripled by the third
    step. With autovacuum on, as in production, autoanalyze runs once a table has grown by a
    tenth; every step grows them by more than that.
    """
    with connect(url, autocommit=True) as conn:
        if conn.execute("SHOW autovacuum").fetchone()[0] == "off":
            conn.execute("ANALYZE incident, event, deadline")


def summarise(out, rate, duration, connections):
    """Read the Lua script's results file: latencies of 2xx answers, statuses, socket errors."""
    latencies, statuses, last_done = [], {}, 0.0
    totals = {}
    for line in out.read_text().splitlines():
        if line.startswith("# "):
            words = line[2:].split()
            totals = {k: float(v) for k, v in zip(words[::2], words[1::2])}
            continue
        done_ms, latency, status, *problem = line.split()
        key = " ".join([status] + problem)  # e.g. "201", or "422 out_of_area"
        statuses[key] = statuses.get(key, 0) + 1
        last_done = max(last_done, float(done_ms) / 1000)
        if status.startswith("2") and latency != "nan":
            latencies.append(float(latency))
    answered = sum(statuses.values())
    ok = sum(n for s, n in statuses.items() if s.startswith("2"))
    unanswered = int(totals.get("sent", answered)) - answered
    errors = answered - ok + unanswered
    achieved = ok / max(duration, last_done) if ok else 0.0
    p50, p90, p99 = np.percentile(latencies, [50, 90, 99]) if latencies else (None,) * 3
    step = {"offered": rate, "achieved": round(achieved, 1), "connections": connections,
            "sent": int(totals.get("sent", answered)), "ok": ok,
            "created": statuses.get("201", 0), "errors": errors, "statuses": statuses,
            "unanswered": unanswered,
            "socket_errors": {k: int(totals.get(k, 0))
                              for k in ("connect", "read", "write", "timeout")},
            "p50_ms": _ms(p50), "p90_ms": _ms(p90), "p99_ms": _ms(p99),
            "max_ms": _ms(max(latencies)) if latencies else None,
            "max_send_lag_ms": totals.get("max_send_lag_ms")}
    p99_ms = step["p99_ms"] if step["p99_ms"] is not None else math.inf
    step["meets_target"] = errors == 0 and achieved >= 0.98 * rate and p99_ms < TARGET["p99_ms"]
    step["saturated"] = (achieved < 0.95 * rate or errors > 0.01 * max(step["sent"], 1)
                         or p99_ms >= 1000)
    return step


def connect(url, **options):
    """Return a psycopg connection to the database of the SQLAlchemy `url`."""
    import psycopg
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(plain, **options)


def _ms(value):
    return None if value is None else round(float(value), 1)


def count_incidents(url, prefix):
    with connect(url) as conn:
        return conn.execute("SELECT count(*) FROM incident WHERE client_id LIKE %s",
                            (prefix + "-%",)).fetchone()[0]


# CPU accounting from /proc: clock ticks per process, grouped by what the process is. The
# machine may be shared, so only our own processes count as web, rq and wrk, and only the
# backends of our database (with PostgreSQL's background processes) as pg.
GROUPS = ("web", "rq", "pg", "redis", "wrk")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_snapshot(services, database):
    """Return (monotonic time, busy ticks of the machine, {group: ticks of its processes})."""
    groups = dict.fromkeys(GROUPS, 0)
    pgids = {process.pid: name for name, process in services.items()}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        group = pgids.get(int(fields[2])) or _shared_group(stat, cmdline, database)
        if group:
            # utime, stime, and the children's once reaped (rq's work horses are forks).
            groups[group] += sum(int(f) for f in fields[11:15])
    children = os.times()
    groups["wrk"] = round((children.children_user + children.children_system) * TICK)
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(v) for v in cpu[:8]) - int(cpu[3]) - int(cpu[4])  # minus idle, iowait
    return time.monotonic(), busy, groups


def _shared_group(stat, cmdline, database):
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    if comm.startswith("redis-server"):
        return "redis"
    words = cmdline.split()
    if comm == "postgres" or cmdline.startswith("postgres:"):
        # Titles: "postgres: 15/main: USER DATABASE HOST(PORT) ..." for a backend over TCP,
        # "... USER DATABASE [local] ..." over the Unix socket (other databases' ones used to
        # fall through to "pg", which once showed 2.8 of the 2 cores as ours),
        # "postgres: 15/main: autovacuum worker DATABASE", "... walwriter" and the like.
        if len(words) >= 5 and ("(" in words[4] or words[4] == "[local]"):
            return "pg" if words[3] == database else None
        if "autovacuum worker" in cmdline:
            return "pg" if words[-1] == database else None
        return None if "parallel worker" in cmdline else "pg"
    return None


def cpu_used(before, after):
    """Return cores used per group between two snapshots, plus the rest of the machine."""
    seconds = after[0] - before[0]
    used = {g: (after[2][g] - before[2][g]) / TICK / seconds for g in GROUPS}
    used["other"] = max(0.0, (after[1] - before[1]) / TICK / seconds - sum(used.values()))
    return {g: round(v, 2) for g, v in used.items()}


#: (title, key, decimals) of the table's columns; every column is 11 wide.
COLUMNS = [("offered/s", "offered", 0), ("achieved/s", "achieved", 1), ("p50 ms", "p50_ms", 1),
           ("p90 ms", "p90_ms", 1), ("p99 ms", "p99_ms", 1), ("max ms", "max_ms", 1),
           ("errors", "errors", 0), ("201s", "created", 0), ("in db", "db_incidents", 0),
           ("cpu ms/rep", "cpu_ms_per_report", 1)]
CPU_COLUMNS = [("web", "web"), ("rq", "rq"), ("pg", "pg"), ("redis", "redis"), ("wrk", "wrk"),
               ("other", "other")]


def print_row(step, header=False):
    if header:
        print("".join(f"{title:>11}" for title, _, _ in COLUMNS) + f"{'target':>8}   cores: "
              + "".join(f"{title:>6}" for title, _ in CPU_COLUMNS))
    print("".join(f"{step[key]:>11.{decimals}f}" if step[key] is not None else f"{'-':>11}"
                  for _, key, decimals in COLUMNS)
          + f"{'yes' if step['meets_target'] else 'no':>8}          "
          + "".join(f"{step['cpu'][key]:>6.2f}" for _, key in CPU_COLUMNS), flush=True)
    failures = {s: n for s, n in step["statuses"].items() if not s.startswith("2")}
    sockets = {k: n for k, n in step["socket_errors"].items() if n}
    if step["unanswered"]:
        failures.update(sockets)
        failures["no answer"] = step["unanswered"]
    elif sockets:
        # Every request got its answer, so these came from connections without one in flight:
        # gunicorn closes a connection idle for `keepalive` (5 s), and the tail after the
        # schedule is longer than that. wrk counts each such close as a read error.
        print(f"{'':>11}not errors: {sockets} (idle keep-alive connections closed by the "
              f"server after the schedule; every request was answered)", flush=True)
    if failures:
        print(f"{'':>11}errors by status or socket error: {failures}", flush=True)


def report(args, steps):
    met = [s["offered"] for s in steps if s["meets_target"]]
    best = max(met) if met else None
    mismatched = [s["name"] for s in steps if not s["db_matches"]]
    print(f"\nhighest rate meeting the target (p99 < {TARGET['p99_ms']} ms, zero errors, "
          f"98 % achieved): {best or 'none'} reports/s; target {TARGET['rate']}: "
          f"{'met' if best and best >= TARGET['rate'] else 'NOT met'}")
    print("database: " + ("one incident per 201 in every step" if not mismatched else
                          f"incident count differs from the 201s in {', '.join(mismatched)}"))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "command": " ".join(sys.argv), "cores": os.cpu_count(), "side": args.side,
            "grids": args.side ** 2, "rq_workers": args.rq_workers, "duration_s": args.duration,
            "target": TARGET, "best_rate_meeting_target": best, "steps": steps,
        }, indent=2) + "\n")


if __name__ == "__main__":
    main()
