"""Show horizontal scale on one machine: more RQ workers, two web nodes, one database, one Redis.

    python bench/scale/bench_scale.py [run] [--workers-list 1,2,3] [--burst 10000]
        [--timers 14000] [--combined-burst 5000] [--seconds 60] [--connections 8]
        [--db URL] [--redis URL] [--json out.json]

Part 1, timer throughput by worker count: for each count in `--workers-list`, the timer bench
(bench/timers/bench_timers.py, reused, not copied) rebuilds the schema and plants `--burst`
handling clocks all due in one second; that many worker processes fire them. Reported: the time
from the due second to the last commit, the rate, and lost/doubled per run (each deadline must
have exactly one supervision order, one breach event and one logged commit).

Part 2, the combined layout: two gunicorn masters with gunicorn.conf.py on two ports (two web
"nodes"), three worker processes and two CronSchedulers (two nodes' periodic schedulers), all
against the same database and Redis. `--timers` clocks fall due over `--seconds` (a burst of
`--combined-burst` a third of the way in) while one wrk per port (bench/scale/intake.lua, a
separate process) sends grid workers' reports as fast as `--connections` connections allow.
Reported: intake rate and latency per port, every accepted report found exactly once in the
database, the timer rate, lateness and lost/doubled, and the periodic sweep's runs per period
(the sweep period is `--sweep-seconds` here, so that a minute holds several periods).

It uses its own database and Redis db (default gridops_bench_scale, Redis db 13; create the
database with `CREATE EXTENSION postgis` first) and rebuilds that schema.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from argparse import Namespace
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "bench" / "timers"))
import bench_timers as timers_bench  # noqa: E402  (it also puts ROOT and tests/ on the path)

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/gridops_bench_scale"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
CLAIM_LOG = "bench:scale:claims"
VAR = ROOT / "var"
WORKER_LOG = VAR / "bench-scale-workers.log"
#: The grid the planted clocks' cases lie in; reports go to the others, away from 100,000
#: cases at one point that every duplicate search there would have to look at.
TEMPLATE_GRID = "110199001001001"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "worker", "cron"])
    parser.add_argument("--workers-list", default="1,2,3",
                        help="worker counts of part 1, comma-separated (empty: skip part 1)")
    parser.add_argument("--burst", type=int, default=10_000, help="clocks due at once in part 1")
    parser.add_argument("--timers", type=int, default=14_000, help="clocks due in part 2")
    parser.add_argument("--combined-burst", type=int, default=5_000,
                        help="of those, due in one second a third of the way in")
    parser.add_argument("--seconds", type=int, default=60, help="length of part 2's load")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections per port")
    parser.add_argument("--rq-workers", type=int, default=3, dest="workers",
                        help="RQ worker processes of part 2")
    parser.add_argument("--sweep-seconds", type=int, default=5)
    parser.add_argument("--skip-combined", action="store_true", help="run part 1 only")
    parser.add_argument("--lead", type=int, default=5,
                        help="seconds from planting the clocks to the first due time")
    timers_bench.add_service_options(parser, DEFAULT_DB, DEFAULT_REDIS)
    parser.add_argument("--json", help="write the results as JSON here too")
    args = parser.parse_args()
    {"run": run, "worker": worker, "cron": timers_bench.cron}[args.command](args)


def worker(args):
    """Run one worker that logs its batches (like the timer bench's) and its sweep claims."""
    from gridops.dispatch import queues, tasks
    timers_bench.log_fired()
    log_claims()
    tasks.run_worker((queues.SWEEP, queues.TIMERS, queues.NOTIFY), app=timers_bench.make_app(args))


def log_claims():
    """Make every sweep of this process log its period and whether it won the period."""
    from flask import current_app

    from gridops.dispatch import queues, tasks
    claim = tasks.claim_period

    def claim_and_log(session, name, now, seconds):
        won = claim(session, name, now, seconds)
        period = int(now.timestamp() // seconds * seconds)
        queues.redis_for(current_app).rpush(CLAIM_LOG, f"{name}:{period}:{int(won)}")
        return won

    tasks.claim_period = claim_and_log


def run(args):
    results = {"machine": machine(), "settings": {k: v for k, v in vars(args).items()
                                                  if k not in ("command", "db", "redis")}}
    print(f"machine: {results['machine']}", flush=True)
    counts = [int(n) for n in args.workers_list.split(",") if n.strip()]
    results["by_workers"] = [timer_throughput(args, n) for n in counts]
    if not args.skip_combined:
        results["combined"] = combined(args)
    print_tables(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


def machine():
    return {"cpus": os.cpu_count(), "load_average_1m_at_start": round(os.getloadavg()[0], 2),
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def timer_throughput(args, workers):
    """Part 1: one timer bench run with `workers` processes and only a burst of clocks."""
    print(f"\n== part 1: {args.burst} clocks due in one second, {workers} worker(s)", flush=True)
    run_args = Namespace(workers=workers, timers=args.burst, burst=args.burst, hour_seconds=0,
                         lead=args.lead, db=args.db, redis=args.redis)
    return timers_bench.bench(run_args, poll=1)


def combined(args):
    """Part 2: two web nodes and three workers under intake load while clocks fire."""
    print(f"\n== part 2: 2 web processes, {args.workers} workers, 2 schedulers, "
          f"{args.timers} clocks over {args.seconds} s, intake on both ports", flush=True)
    run_args = Namespace(workers=args.workers, timers=args.timers, burst=args.combined_burst,
                         hour_seconds=args.seconds, lead=args.lead, db=args.db, redis=args.redis)
    app = timers_bench.make_app(run_args)
    with app.app_context():
        redis, template = timers_bench.fresh_world(run_args)
        workers_file = VAR / "bench-scale-grid-workers.txt"
        workers_file.write_text("".join(f"{line}\n" for line in grid_workers()))
        ports = [free_port(), free_port()]
        processes = timers_bench.start_processes(
            run_args, script=HERE, crons=2, log=WORKER_LOG,
            env={"GRIDOPS_SWEEP_SECONDS": str(args.sweep_seconds)})
        processes += [start_web(args, port) for port in ports]
        try:
            timers_bench.wait_for_workers(redis, args.workers, log=WORKER_LOG)
            for port in ports:
                wait_for_web(port)
            start, burst_at = timers_bench.plant_timers(template, run_args)
            print(f"{args.timers} clocks planted; first due {start:%H:%M:%S}, burst at "
                  f"{burst_at:%H:%M:%S}; web on ports {ports}", flush=True)
            time.sleep(max(0.0, (start - datetime.now(timezone.utc)).total_seconds()))
            intake = load_intake(args, ports, workers_file)
            finished, loads = timers_bench.wait_until_fired(run_args, start, poll=1)
            shares, stopped = worker_shares(redis), time.time()
        finally:
            timers_bench.stop(processes)
        return {
            "web_processes": len(ports), "rq_workers": args.workers, "cron_schedulers": 2,
            "seconds": args.seconds, "connections_per_port": args.connections,
            "intake": intake, "intake_in_database": check_reports(intake),
            "timers": timers_bench.measure(run_args, redis, start, burst_at, finished),
            "worker_shares": shares,
            "sweep": sweep_runs(redis, args.sweep_seconds, start.timestamp(), stopped),
            "load_average_1m": {"mean": round(statistics.fmean(loads), 2),
                                "max": round(max(loads), 2)},
        }


def grid_workers():
    """Give every grid but the template's a grid worker with a token; yield the wrk lines."""
    import world as w
    from gridops.auth.models import User, UserArea
    from gridops.auth.tokens import issue_token
    from gridops.extensions import db
    lines = []
    for _street, _community, grid, (x0, y0, x1, y1) in w.grid_boxes():
        if grid == TEMPLATE_GRID:
            continue
        user = User(username=f"gw-{grid}", display_name=f"网格员 {grid}", role="grid_worker")
        db.session.add(user)
        db.session.flush()
        db.session.add(UserArea(user_id=user.id, area_code=grid))
        lines.append(f"{issue_token(db.session, user, name='bench')} {x0} {y0} {x1} {y1}")
    db.session.commit()
    return lines


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_web(args, port):
    """Start one web node as production does: gunicorn with gunicorn.conf.py on `port`."""
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": args.db, "REDIS_URL": args.redis,
           "GRIDOPS_DEMO": "0", "GRIDOPS_SWEEP_SECONDS": str(args.sweep_seconds)}
    log = open(VAR / f"bench-scale-web-{port}.log", "w")
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "gridops:create_app()"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def wait_for_web(port):
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    give_up = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > give_up:
                raise SystemExit(f"web on port {port} did not start; see var/bench-scale-web-*")
        time.sleep(0.5)


def load_intake(args, ports, workers_file):
    """Run one wrk per port for `--seconds`, all at once; return each port's counts."""
    script = HERE.parent / "intake.lua"
    runs = []
    for port in ports:
        accepted = VAR / f"bench-scale-accepted-{port}.txt"
        accepted.unlink(missing_ok=True)
        command = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s",
                   "-s", str(script), f"http://127.0.0.1:{port}/api/v1/incidents", "--",
                   str(workers_file), str(accepted), f"scale-{port}"]
        runs.append((port, accepted, subprocess.Popen(command, stdout=subprocess.PIPE, text=True)))
    results = []
    for port, accepted, process in runs:
        out, _ = process.communicate()
        summary = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
        numbers = accepted.read_text().split() if accepted.exists() else []
        summary.update(port=port, accepted=len(numbers), accepted_file=str(accepted),
                       accepted_per_s=round(len(numbers) / summary["duration_s"], 1))
        results.append(summary)
    return results


def check_reports(intake):
    """Count the bench's reports in the database against the case numbers wrk saw accepted."""
    from sqlalchemy import text

    from gridops.extensions import db
    accepted = [n for run in intake for n in Path(run["accepted_file"]).read_text().split()]
    with db.engine.connect() as conn:
        rows = dict(conn.execute(text(
            "SELECT case_number, count(*) OVER (PARTITION BY client_id) FROM incident "
            "WHERE client_id LIKE 'scale-%'")).all())
    found = Counter(rows.get(n, 0) for n in accepted)
    return {"accepted_responses": len(accepted), "distinct_accepted": len(set(accepted)),
            "in_database": len(rows), "accepted_found_once": found[1],
            "accepted_missing": found[0],
            "client_id_twice": sum(1 for n in rows.values() if n > 1),
            "committed_without_response": len(set(rows) - set(accepted))}


def worker_shares(redis):
    """Return each RQ worker's finished jobs and busy seconds (all of them must take part)."""
    from rq import Worker
    return sorted(({"jobs": w.successful_job_count, "busy_s": round(w.total_working_time, 1)}
                   for w in Worker.all(connection=redis)), key=lambda s: -s["jobs"])


def sweep_runs(redis, seconds, start, stopped):
    """Return how the sweep ran in the whole periods from `start` to `stopped` (epochs): jobs
    run, periods won once, won twice (never), and periods in which no sweep ran."""
    claims = [raw.decode().split(":") for raw in redis.lrange(CLAIM_LOG, 0, -1)]
    sweeps = [(int(period), int(won)) for name, period, won in claims if name == "sweep"]
    wins = Counter(period for period, won in sweeps if won)
    first = -(-int(start) // seconds) * seconds
    window = range(first, int(stopped) - seconds + 1, seconds)
    return {"period_s": seconds, "periods": len(window), "jobs_run": len(sweeps),
            "jobs_skipped": sum(1 for _, won in sweeps if not won),
            "periods_won_once": sum(1 for p in window if wins[p] == 1),
            "periods_won_twice": sum(1 for p in wins if wins[p] > 1),
            "periods_without_sweep": sum(1 for p in window if wins[p] == 0)}


def print_tables(results):
    if results["by_workers"]:
        print_by_workers(results)
    if "combined" in results:
        print_combined(results["combined"])


def print_by_workers(results):
    print("\nPart 1: timer throughput by worker processes (one burst, same database and Redis)")
    rows = [(r["workers"], r["burst"], r["burst_fully_escalated_after_s"],
             r["burst_throughput_per_s"], _p(r["burst_lateness_s"], "p50"),
             _p(r["burst_lateness_s"], "p99"), r["lost"],
             r["doubled_orders"] + r["doubled_events"] + r["fired_twice_in_log"],
             r["load_average_1m"]["mean"]) for r in results["by_workers"]]
    table(["workers", "clocks", "all fired after s", "fired/s", "lateness p50 s",
           "p99 s", "lost", "doubled", "load 1m"], rows)


def print_combined(c):
    print(f"\nPart 2: 2 web processes (gunicorn.conf.py) + {c['rq_workers']} workers + "
          f"{c['cron_schedulers']} schedulers, {c['seconds']} s, "
          f"{c['connections_per_port']} connections per port")
    table(["port", "requests", "accepted (201)", "accepted/s", "non-2xx", "socket errors",
           "p50 ms", "p90 ms", "p99 ms", "max ms"],
          [(r["port"], r["requests"], r["accepted"], r["accepted_per_s"], r["status_errors"],
            r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"],
            r["p50_ms"], r["p90_ms"], r["p99_ms"], r["max_ms"]) for r in c["intake"]])
    db, t, sw = c["intake_in_database"], c["timers"], c["sweep"]
    spread, burst = t["spread_lateness_s"] or {}, t["burst_lateness_s"] or {}
    shares = ", ".join(f"{w['jobs']} jobs/{w['busy_s']} s" for w in c["worker_shares"])
    print()
    table(["while both ran", "result"], [
        ("intake, both ports", f"{sum(r['accepted_per_s'] for r in c['intake']):.1f} reports/s"),
        ("accepted reports found once in the database",
         f"{db['accepted_found_once']} of {db['accepted_responses']} "
         f"(missing {db['accepted_missing']}, client_id twice {db['client_id_twice']})"),
        ("committed, response cut off when wrk stopped", db["committed_without_response"]),
        ("timer clocks fired", f"{t['timers'] - t['lost']} of {t['timers']} "
                               f"({t['burst']} due in one second)"),
        ("timers lost / doubled (orders, events, log)",
         f"{t['lost']} / {t['doubled_orders']}, {t['doubled_events']}, "
         f"{t['fired_twice_in_log']}"),
        ("timer rate, first due to last fired", f"{t['overall_throughput_per_s']}/s"),
        ("burst all fired after", f"{t['burst_fully_escalated_after_s']} s "
                                  f"({t['burst_throughput_per_s']}/s)"),
        ("lateness p50 / p99, spread clocks", f"{spread.get('p50')} / {spread.get('p99')} s"),
        ("lateness p50 / p99, burst clocks", f"{burst.get('p50')} / {burst.get('p99')} s"),
        ("RQ workers' share", shares),
        (f"sweep periods of {sw['period_s']} s: won once / twice / none",
         f"{sw['periods_won_once']} / {sw['periods_won_twice']} / "
         f"{sw['periods_without_sweep']} of {sw['periods']}"),
        ("sweep jobs run / skipped as second in their period",
         f"{sw['jobs_run']} / {sw['jobs_skipped']}"),
        ("load average 1m, mean / max",
         f"{c['load_average_1m']['mean']} / {c['load_average_1m']['max']}"),
    ])


def table(headers, rows):
    cells = [[str(h) for h in headers]] + [[str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def _p(summary, key):
    return summary[key] if summary else None


if __name__ == "__main__":
    main()
