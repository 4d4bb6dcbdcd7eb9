"""Benchmark the console queues and GET /api/v1/incidents with 100,000 open cases.

    .venv/bin/python bench/load/bench_lists.py                # seed, serve, measure
    .venv/bin/python bench/load/bench_lists.py --skip-seed    # measure the seeded database again
        [--requests 200] [--concurrency 4] [--json out.json] [--explain]

Seeds its own database (default gridops_bench_lists, Redis db 12) with the demo district and
`--open` open cases plus `--closed` closed ones (bench/load/lists_seed.py), serves it with
gunicorn and gunicorn.conf.py on a free port, and runs bench/load/lists_client.py as a
separate process on loopback: each scenario is one URL requested `--requests` times from
`--concurrency` keep-alive connections, as the role that uses it. Deep pages are reached by
the same keyset cursors the pages hand out (the row at page N's end, found here once by
OFFSET), so page 1 and page 1,000 can be compared. `--explain` prints EXPLAIN (ANALYZE,
BUFFERS) of the slowest statement of each scenario instead of timing them.
"""
import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import psycopg  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from gridops import create_app  # noqa: E402
from gridops.extensions import db  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/gridops_bench_lists"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
PASSWORD = "gridops-demo"
DEPTHS = (1, 10, 100, 1000)


def main():
    args = _arguments()
    if not args.skip_seed:
        recreate_database(args.db)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.db, "REDIS_URL": args.redis,
                      "GRIDOPS_DEMO": 0})
    with app.app_context():
        if not args.skip_seed:
            seed(args)
        scenarios = build_scenarios(app)
        if args.explain:
            return explain(app, scenarios)
        counts = describe_data()
    results = measure(args, scenarios)
    report(args, counts, results)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--open", type=int, default=100_000, help="open cases to seed")
    parser.add_argument("--closed", type=int, default=200_000, help="closed cases to seed")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--concurrency", type=int, default=4, help="client connections")
    parser.add_argument("--only", default="", help="run only scenarios whose name has this")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--explain", action="store_true",
                        help="print the plan of each scenario's slowest statement, no timing")
    return parser.parse_args()


# --- data -----------------------------------------------------------------------------------

def recreate_database(url):
    """Drop and create the scratch database, with PostGIS."""
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0].replace("+psycopg", "")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(f"{server}/{name}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")


def seed(args):
    """Migrate, add the demo district, then the cases; analyse the tables."""
    from flask_migrate import upgrade

    from gridops.demo import seed_demo
    from lists_seed import seed_open_cases
    upgrade()
    seed_demo(db.session, datetime.now(timezone.utc))
    db.session.commit()
    print(f"seeding {args.open:,} open and {args.closed:,} closed cases:")
    with db.engine.begin() as connection:
        seed_open_cases(connection, args.open, args.closed)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def describe_data():
    """Return the number of cases in each state."""
    rows = db.session.execute(text(
        "SELECT state, count(*) FROM incident GROUP BY state ORDER BY count(*) DESC")).all()
    return {state: count for state, count in rows}


# --- scenarios ------------------------------------------------------------------------------

def build_scenarios(app):
    """Return [{name, role, path, auth, depth}] for the console queues and the API list."""
    from gridops.auth.models import User
    from gridops.auth.tokens import issue_token
    users = {u.username: u for u in db.session.scalars(select(User))}
    tokens = {name: issue_token(db.session, users[name], name="bench-lists")
              for name in ("admin", "district", "dispatcher1", "dept-cg")}
    db.session.commit()
    return console_scenarios(app, users) + api_scenarios(app, users, tokens)


def _street_codes():
    from gridops.geo.models import Area
    return db.session.scalars(select(Area.code).where(Area.level == "street",
                                                      Area.valid_to.is_(None))
                              .order_by(Area.code)).all()


def console_scenarios(app, users):
    """Each stage's first page as a street dispatcher and as the district; deep and filtered."""
    from gridops.console import queries
    size = app.config["GRIDOPS_CONSOLE_PAGE_SIZE"]
    found = []

    def add(name, username, stage, args, depths=(1,)):
        for depth in depths:
            cursor = queue_cursor(queries, users[username], stage, args, depth, size)
            if depth > 1 and cursor is None:
                continue
            query = {**args, **({"after": cursor} if cursor else {})}
            base = "/console/queue" + ("" if stage == "screening" else f"/{stage}")
            path = base + (f"?{urlencode(query)}" if query else "")
            found.append(dict(name=name, group="console", role=username, depth=depth,
                              path=path, auth=f"session:{username}"))

    street = _street_codes()[1]
    for stage in queries.STAGES:
        add(f"queue {stage}", "dispatcher1", stage, {})
        add(f"queue {stage}", "district", stage, {})
    add("queue handling", "district", "handling", {}, DEPTHS[1:])
    add("queue handling", "dispatcher1", "handling", {}, (10, 100, 500))
    add("queue handling street=…002", "district", "handling", {"street": street}, DEPTHS)
    add("queue handling overdue=1", "district", "handling", {"overdue": "1"}, DEPTHS)
    add("queue handling category=event:01", "dispatcher1", "handling",
        {"category": "event:01"}, (1, 10))
    add("queue handling unit=HW urgency=urgent", "district", "handling",
        {"unit": "HW", "urgency": "urgent"}, (1, 10))
    add("queue handling whistled=1", "district", "handling", {"whistled": "1"})
    return found


def queue_cursor(queries, user, stage, args, depth, size):
    """Return the `after` cursor that opens page `depth` of a queue, or None for page 1."""
    from gridops.console.filters import Filters
    if depth == 1:
        return None
    now = datetime.now(timezone.utc)
    query = (queries.open_cases(user, Filters(dict(args)), now)
             .where(queries.Incident.state == stage)
             .order_by(*queries.QUEUE_ORDER).offset((depth - 1) * size - 1).limit(1))
    last = db.session.scalars(query).first()
    return queries.cursor_of(last) if last is not None else None


def api_scenarios(app, users, tokens):
    """The API list as admin, district, a dispatcher and a department: pages and filters."""
    from gridops.api import incidents
    size = app.config["GRIDOPS_PAGE_SIZE"]
    street = _street_codes()[1]
    found = []

    def add(name, username, args, depths=(1,)):
        for depth in depths:
            cursor = api_cursor(incidents, users[username], args, depth, size)
            if depth > 1 and cursor is None:
                continue
            query = {**args, **({"cursor": cursor} if cursor else {})}
            found.append(dict(name=name, group="api", role=username, depth=depth,
                              path="/api/v1/incidents" + (f"?{urlencode(query)}" if query else ""),
                              auth=f"bearer:{tokens[username]}"))

    add("api list", "admin", {}, DEPTHS)
    add("api list", "district", {}, DEPTHS)
    add("api list", "dispatcher1", {}, DEPTHS)
    add("api list", "dept-cg", {}, DEPTHS)
    add("api list state=handling", "district", {"state": "handling"}, DEPTHS)
    add(f"api list area={street} state=open", "district",
        {"area": street, "state": ",".join(("screening", "assignment", "handling",
                                            "supervision", "evaluation"))}, DEPTHS)
    add("api list overdue=1", "district", {"overdue": "1"}, DEPTHS)
    add("api list category=event:01", "dispatcher1", {"category": "event:01"}, (1, 10, 100))
    add("api list unit=HW state=handling", "district", {"unit": "HW", "state": "handling"},
        (1, 10, 100))
    return found


def api_cursor(incidents, user, args, depth, size):
    """Return the cursor that opens page `depth` of the API list, or None for page 1."""
    if depth == 1:
        return None
    query = incidents.list_query(user, args).offset((depth - 1) * size - 1).limit(1)
    last = db.session.scalars(query).first()
    return incidents.cursor_of(last) if last is not None else None


# --- measuring ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, port):
    """Start gunicorn with the production config; return the process once it answers."""
    env = {**os.environ, "DATABASE_URL": args.db, "REDIS_URL": args.redis, "PORT": str(port),
           "GRIDOPS_DEMO": "0", "SECRET_KEY": "bench-lists-secret"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
         "gridops:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def measure(args, scenarios):
    """Serve with gunicorn, run the client process over every scenario; return its results."""
    chosen = [s for s in scenarios if args.only in s["name"]]
    accounts = {s["role"]: PASSWORD for s in chosen if s["auth"].startswith("session:")}
    port = free_port()
    server = start_server(args, port)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan:
            json.dump({"base": f"http://127.0.0.1:{port}", "requests": args.requests,
                       "concurrency": args.concurrency, "accounts": accounts,
                       "scenarios": chosen}, plan)
        client = Path(__file__).resolve().parent / "lists_client.py"
        print(f"{len(chosen)} scenarios, {args.requests} requests each:", flush=True)
        out = subprocess.run([sys.executable, str(client), plan.name], check=True,
                             stdout=subprocess.PIPE, text=True)
        return json.loads(out.stdout)
    finally:
        os.unlink(plan.name)
        server.terminate()
        server.wait(timeout=30)


def percentile(values, share):
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summarise(result):
    values = result["latencies_ms"]
    return {"name": result["name"], "group": result["group"], "role": result["role"],
            "page": result["depth"], "requests": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "errors": sum(result["failures"].values()),
            "rps": round(len(values) / result["seconds"], 1), "path": result["path"]}


def machine():
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "load_1_5_15": [round(x, 2) for x in load],
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def report(args, counts, results):
    rows = [summarise(r) for r in results]
    about = machine()
    print(f"\n{about['cpus']} CPUs, load {about['load_1_5_15']}, {args.concurrency} client "
          f"connections, {args.requests} timed requests per row (after 3 warm-up per "
          "connection); gunicorn.conf.py")
    print("cases by state: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    header = f"{'scenario':<44}{'as':<12}{'page':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}" \
             f"{'req/s':>8}{'errors':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['name']:<44}{row['role']:<12}{row['page']:>6}{row['p50_ms']:>9}"
              f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['rps']:>8}{row['errors']:>8}")
    worst = max(rows, key=lambda r: r["p95_ms"])
    print(f"\nworst p95: {worst['p95_ms']} ms ({worst['name']}, {worst['role']}, page "
          f"{worst['page']}); target < 300 ms; errors: {sum(r['errors'] for r in rows)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": about, "cases": counts,
                                               "requests": args.requests,
                                               "concurrency": args.concurrency,
                                               "rows": rows}, indent=2))


# --- plans ----------------------------------------------------------------------------------

def explain(app, scenarios):
    """Request each scenario in-process; print the plan of its slowest SQL statement."""
    from sqlalchemy import event
    captured = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        captured.append((time.perf_counter() - conn.info["bench_started"], statement, parameters))

    for scenario in scenarios:
        client = app.test_client()
        headers = _explain_headers(client, scenario)
        captured.clear()
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        status = client.get(scenario["path"], headers=headers).status_code
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
        if not captured:
            print(f"\n=== {scenario['name']}: {status} without SQL")
            continue
        seconds, statement, parameters = max(captured, key=lambda c: c[0])
        print(f"\n=== {scenario['name']} as {scenario['role']}, page {scenario['depth']} "
              f"({status}; {len(captured)} statements, slowest {seconds * 1000:.1f} ms)")
        with db.engine.connect() as conn:
            plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            print("\n".join(row[0] for row in plan))


def _explain_headers(client, scenario):
    """Return the headers of a bearer scenario, or sign the test client in for a session one."""
    from lists_client import CSRF
    kind, _, value = scenario["auth"].partition(":")
    if kind == "bearer":
        return {"Authorization": f"Bearer {value}"}
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": value, "password": PASSWORD,
                                "csrf_token": CSRF.search(page).group(1)})
    return {}


if __name__ == "__main__":
    main()
