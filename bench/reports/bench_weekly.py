"""Benchmark the weekly district report on 1,000,000 cases: SQL, then every format.

    .venv/bin/python bench/reports/bench_weekly.py --seed      # build the scratch database once
    .venv/bin/python bench/reports/bench_weekly.py             # time the report (best of 3)

Uses its own database (default gridops_reports_bench on the local server) and Redis db 11.
Prints the machine, its load and the busiest other processes, since the numbers depend on them.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from gridops import create_app  # noqa: E402
from gridops.extensions import db  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/gridops_reports_bench"
FORMATS = ("html", "pdf", "xlsx", "csv")


def main():
    args = _arguments()
    if args.seed:
        _reseed(args.url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "REDIS_URL": args.redis,
                      "GRIDOPS_PUBLIC_URL": "https://gridops.example"})
    with app.app_context():
        if args.seed:
            _seed(app)
        _describe(args)
        runs = [_run(app, args) for _ in range(args.repeat)]
    _print(runs)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--seed", action="store_true", help="drop, migrate and fill the database")
    parser.add_argument("--week", default="2026-W47")
    parser.add_argument("--area", default=None, help="area code (default: the district)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="var/bench-reports", help="where the files are written")
    return parser.parse_args()


def _reseed(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(app):
    from datetime import datetime, timezone

    from seed import seed_cases

    from gridops.demo import seed_demo
    upgrade()
    seed_demo(db.session, datetime(2025, 11, 30, tzinfo=timezone.utc))
    db.session.commit()
    print("seeding 1,000,000 cases:")
    with db.engine.begin() as connection:
        seed_cases(connection)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _describe(args):
    counts = db.session.execute(text(
        "SELECT (SELECT count(*) FROM incident), (SELECT count(*) FROM deadline), "
        "(SELECT count(*) FROM event), (SELECT count(*) FROM whistle), "
        "(SELECT count(*) FROM summons), (SELECT count(*) FROM supervision_order)")).one()
    print(f"database: {counts[0]:,} incidents, {counts[1]:,} deadlines, {counts[2]:,} events, "
          f"{counts[3]:,} whistles, {counts[4]:,} summonses, {counts[5]:,} supervision orders")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; python {platform.python_version()}")
    busy = subprocess.run(["ps", "-eo", "pcpu,etime,args", "--sort=-pcpu"], capture_output=True,
                          text=True).stdout.splitlines()[1:8]
    print("busiest processes:\n" + "\n".join(f"  {line[:110]}" for line in busy))


def _run(app, args):
    from gridops.reports.build import build_weekly
    from gridops.reports.derive import Scoring
    from gridops.reports.render import render
    from gridops.reports.render_html import Links
    from gridops.reports.week import parse_week
    week = parse_week(args.week)
    area = args.area or db.session.scalar(text(
        "SELECT code FROM area WHERE level = 'district' AND valid_to IS NULL"))
    times = {}
    start = time.perf_counter()
    report = build_weekly(db.session, week, area, week.end, Scoring.from_config(app.config))
    times["sql"] = time.perf_counter() - start
    db.session.rollback()
    links = Links(app.config["GRIDOPS_PUBLIC_URL"], week.label, area)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        start = time.perf_counter()
        data = render(report, fmt, links, app.config)
        times[fmt] = time.perf_counter() - start
        (out / f"weekly-{week.label}-{area}.{fmt}").write_bytes(data)
        times[f"{fmt} bytes"] = len(data)
    times["total"] = sum(times[k] for k in ("sql",) + FORMATS)
    times["cases"] = len(report.cases)
    times["received"] = report.total.values["received"]
    print(f"  run: {times['total']:.2f} s ({report.total.values['received']:,} reported in "
          f"the week, {len(report.cases):,} alive)")
    return times


def _print(runs):
    print("\n| step | best | median | first |\n|---|---|---|---|")
    for key in ("sql",) + FORMATS + ("total",):
        values = [r[key] for r in runs]
        print(f"| {key} | {min(values):.2f} s | {statistics.median(values):.2f} s | "
              f"{values[0]:.2f} s |")
    print("\nfile sizes: " + ", ".join(f"{f} {runs[0][f + ' bytes'] / 1024:,.0f} KiB"
                                       for f in FORMATS))


if __name__ == "__main__":
    main()
