"""Profile report intake in one process: CPU per report, and where it goes.

    .venv/bin/python bench/load/profile_intake.py [--reports 2000] [--side 78] [--reuse]
        [--db URL] [--redis URL] [--top 40] [--pstats out.prof]

Seeds the intake bench's city (bench/load/intake_city.py) in its scratch database, unless
`--reuse` finds it already seeded, then POSTs grid workers' reports to /api/v1/incidents through
Flask's test client in this process, with the app's production settings. It prints the
process CPU per report (the web side's cost, without gunicorn's and the network's), the wall time
per report (the rest is waiting on PostgreSQL and Redis), the SQL statements per report, and,
after a second pass under cProfile, the functions with the most cumulative time. The figures
are for comparing two versions of the code on one machine, not a capacity: bench_intake.py is.
"""
import argparse
import cProfile
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import event

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from bench_intake import DEFAULT_DB, DEFAULT_REDIS, build_world, make_app  # noqa: E402


def main():
    args = arguments()
    data_file = Path("/tmp/profile-intake-data.txt")
    if not (args.reuse and data_file.exists()):
        built = build_world(args, Path("/tmp"))
        built.rename(data_file)
    categories, workers = read_data(data_file)
    app = make_app(args)
    client = app.test_client()
    rng = random.Random(7)

    def post():
        token, points = rng.choice(workers)
        lat, lon = rng.choice(points)
        answer = client.post("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"},
                             json={"lat": lat, "lon": lon, "category": rng.choice(categories),
                                   "description": "路边垃圾堆积，无人清运",
                                   "client_id": uuid.uuid4().hex})
        assert answer.status_code == 201, answer.get_data(as_text=True)

    statements = count_statements(app)
    for _ in range(50):  # warm: locator, calendar, caches, connections
        post()
    statements.clear()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(args.reports):
        post()
    cpu = (time.process_time() - cpu0) / args.reports * 1000
    wall = (time.perf_counter() - wall0) / args.reports * 1000
    print(f"{args.reports} reports: CPU {cpu:.2f} ms/report in this process, wall {wall:.2f} ms, "
          f"{len(statements) / args.reports:.1f} SQL statements/report")
    if not args.top:
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.reports // 2):
        post()
    profiler.disable()
    if args.pstats:
        profiler.dump_stats(args.pstats)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


def count_statements(app):
    seen = []
    with app.app_context():
        from gridops.extensions import db
        event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def read_data(path):
    categories, workers = [], []
    for line in path.read_text().splitlines():
        words = line.split()
        if words[0] == "categories":
            categories = words[1:]
        else:
            workers.append((words[0], [tuple(map(float, p.split(","))) for p in words[1:]]))
    return categories, workers


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--side", type=int, default=78)
    parser.add_argument("--reuse", action="store_true", help="keep the city seeded before")
    parser.add_argument("--db", default=DEFAULT_DB.replace("bench_load", "bench_profile"))
    parser.add_argument("--redis", default=DEFAULT_REDIS.replace("/11", "/12"))
    parser.add_argument("--top", type=int, default=40,
                        help="functions to list from cProfile (0: no cProfile pass)")
    parser.add_argument("--pstats", help="write the profile here (for snakeviz, pstats)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
