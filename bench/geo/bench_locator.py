"""Benchmark the in-memory locator against PostGIS on 10,000 grids and 1,000,000 points.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/geo/bench_locator.py

Creates (or reuses) the scratch database `gridops_bench` on that server. Everything runs in
one process, one after the other, on the same layer and the same points.
"""
import argparse
import gc
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import psycopg
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from synthetic import wiggly_tiling  # noqa: E402

from gridops.geo.errors import OutOfArea  # noqa: E402
from gridops.geo.locator import Locator  # noqa: E402

BOUNDS = (116.0, 39.6, 117.0, 40.4)
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main():
    args = _arguments()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL).replace("+psycopg", "")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; python {platform.python_version()}, "
          f"shapely {shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))})")
    layer = wiggly_tiling(args.side, args.vertices, BOUNDS)
    vertices = shapely.get_num_coordinates([g for _, g in layer]).mean()
    print(f"layer: {len(layer)} grids, {vertices:.0f} vertices each on average")
    lons, lats = _points(args.points)
    rows = []
    locator, build = _bench_build(layer, rows)
    bulk = _bench_bulk(locator, lons, lats, rows)
    single = _bench_single(locator, lons[:args.single], lats[:args.single], rows)
    pg_bulk, pg_single = _bench_postgis(url, layer, lons, lats, args, rows)
    _print(rows)
    print()
    print(f"bulk: locator / best PostGIS plan = {bulk / pg_bulk:.1f}×")
    print(f"single: locator / PostGIS prepared round trip = {single / pg_single:.1f}×")
    print(f"build: {build:.2f} s")


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=100, help="grids per side (side² grids)")
    parser.add_argument("--vertices", type=int, default=100, help="vertices per grid")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=200_000, help="points for one-call-each")
    parser.add_argument("--pg-single", type=int, default=20_000, help="PostGIS round trips")
    parser.add_argument("--skip-load", action="store_true", help="reuse the tables in gridops_bench")
    return parser.parse_args()


def _points(n):
    rng = np.random.default_rng(2026)
    minx, miny, maxx, maxy = BOUNDS
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def _bench_build(layer, rows):
    features = [(code, "grid", "", geometry) for code, geometry in layer]
    times = []
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        locator = Locator.build(features)
        times.append(time.perf_counter() - start)
        del locator
    gc.collect()
    rss_before = _rss_mb()
    tracemalloc.start()
    locator = Locator.build(features)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    raster = locator.raster
    rows.append(("locator: build index (best of 3)", f"{min(times):.2f} s",
                 f"first build {times[0]:.2f} s; raster {raster.nx}×{raster.ny} cells of {raster.size:.0f} m; numpy+python "
                 f"{current / 2**20:.0f} MiB kept, {peak / 2**20:.0f} MiB peak; process RSS "
                 f"+{_rss_mb() - rss_before:.0f} MiB (incl. GEOS)"))
    return locator, min(times)


def _bench_bulk(locator, lons, lats, rows):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = locator.locate_many(lons, lats)
        times.append(time.perf_counter() - start)
    counts = np.bincount(result.match_code, minlength=5)
    rate = len(lons) / min(times)
    rows.append(("locator: bulk locate_many (best of 3)", f"{rate:,.0f} points/s",
                 f"{len(lons):,} points in {min(times):.3f} s (first run {times[0]:.3f} s); "
                 f"inside {counts[1]:,}, boundary {counts[2]:,}, nearest {counts[3]:,}, "
                 f"out {counts[0]:,}"))
    return rate


def _bench_single(locator, lons, lats, rows):
    points = list(zip(lons.tolist(), lats.tolist()))
    start = time.perf_counter()
    for lon, lat in points:
        try:
            locator.locate(lon, lat)
        except OutOfArea:
            pass
    elapsed = time.perf_counter() - start
    rate = len(points) / elapsed
    rows.append(("locator: one locate() call per point", f"{rate:,.0f} points/s",
                 f"{len(points):,} calls in {elapsed:.2f} s ({1e6 / rate:.1f} µs each)"))
    return rate


def _bench_postgis(url, layer, lons, lats, args, rows):
    bench_url = _ensure_database(url)
    with psycopg.connect(bench_url, autocommit=True) as conn:
        if not args.skip_load:
            _load(conn, layer, lons, lats, rows)
        best = _bench_joins(conn, len(lons), rows)
        single = _bench_round_trips(conn, lons[:args.pg_single], lats[:args.pg_single], rows)
    return best, single


def _ensure_database(url):
    base, _, _ = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'gridops_bench'").fetchone():
            conn.execute("CREATE DATABASE gridops_bench")
    bench_url = f"{base}/gridops_bench"
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return bench_url


def _load(conn, layer, lons, lats, rows):
    conn.execute("DROP TABLE IF EXISTS grids, grids_sub, pts, pts_sorted")
    conn.execute("CREATE TABLE grids (id serial PRIMARY KEY, code text, "
                 "geom geometry(MultiPolygon, 4326))")
    conn.execute("CREATE TABLE pts (id int PRIMARY KEY, geom geometry(Point, 4326))")
    geoms = shapely.set_srid(shapely.multipolygons([[g] for _, g in layer]), 4326)
    with conn.cursor().copy("COPY grids (code, geom) FROM STDIN") as copy:
        for (code, _), wkb in zip(layer, shapely.to_wkb(geoms, hex=True, include_srid=True)):
            copy.write_row((code, wkb))
    points = shapely.set_srid(shapely.points(lons, lats), 4326)
    with conn.cursor().copy("COPY pts (id, geom) FROM STDIN") as copy:
        for i, wkb in enumerate(shapely.to_wkb(points, hex=True, include_srid=True)):
            copy.write_row((i, wkb))
    start = time.perf_counter()
    conn.execute("CREATE INDEX grids_geom ON grids USING gist (geom)")
    build = time.perf_counter() - start
    # The best-known trick for point-in-polygon joins: small pieces, tight boxes.
    conn.execute("CREATE TABLE grids_sub AS SELECT id, code, ST_Subdivide(geom, 16) AS geom "
                 "FROM grids")
    conn.execute("CREATE INDEX grids_sub_geom ON grids_sub USING gist (geom)")
    # Points in spatial order let PostGIS reuse its prepared-polygon cache across rows.
    conn.execute("CREATE TABLE pts_sorted AS SELECT * FROM pts ORDER BY ST_GeoHash(geom, 10)")
    conn.execute("ANALYZE grids; ANALYZE grids_sub; ANALYZE pts; ANALYZE pts_sorted")
    rows.append(("PostGIS: GiST index build on grids", f"{build:.2f} s", "CREATE INDEX ... gist"))


JOINS = [
    ("grids × pts, ST_Intersects", "SELECT count(*) FROM pts p JOIN grids g "
                                   "ON ST_Intersects(g.geom, p.geom)"),
    ("grids × pts in geohash order", "SELECT count(*) FROM pts_sorted p JOIN grids g "
                                     "ON ST_Intersects(g.geom, p.geom)"),
    ("ST_Subdivide(grids, 16) × pts", "SELECT count(*) FROM pts p JOIN grids_sub g "
                                      "ON ST_Intersects(g.geom, p.geom)"),
    ("ST_Subdivide(grids, 16) × pts in geohash order",
     "SELECT count(*) FROM pts_sorted p JOIN grids_sub g "
     "ON ST_Intersects(g.geom, p.geom)"),
]


def _bench_joins(conn, n, rows):
    best = 0.0
    for workers in (0, 2):
        conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
        for label, sql in JOINS:
            elapsed, matched = _best_of_two(conn, sql)
            rate = n / elapsed
            best = max(best, rate)
            rows.append((f"PostGIS bulk: {label}, {workers} parallel workers",
                         f"{rate:,.0f} points/s",
                         f"{elapsed:.2f} s (best of 2), {matched:,} matched"))
    conn.execute("RESET max_parallel_workers_per_gather")
    return best


def _best_of_two(conn, sql):
    # The first run may read cold pages; keep the faster of two.
    times = []
    for _ in range(2):
        start = time.perf_counter()
        matched = conn.execute(sql).fetchone()[0]
        times.append(time.perf_counter() - start)
    return min(times), matched


def _bench_round_trips(conn, lons, lats, rows):
    sql = ("SELECT code FROM grids WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
           "ORDER BY code LIMIT 1")
    cursor = conn.cursor()
    points = list(zip(lons.tolist(), lats.tolist()))
    for lon, lat in points[:200]:  # warm the plan cache and the prepared statement
        cursor.execute(sql, (lon, lat), prepare=True).fetchone()
    start = time.perf_counter()
    for lon, lat in points:
        cursor.execute(sql, (lon, lat), prepare=True).fetchone()
    elapsed = time.perf_counter() - start
    rate = len(points) / elapsed
    rows.append(("PostGIS: one prepared query per point (local TCP)", f"{rate:,.0f} points/s",
                 f"{len(points):,} queries in {elapsed:.2f} s ({1e6 / rate:.0f} µs each)"))
    return rate


def _rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _print(rows):
    width = max(len(r[0]) for r in rows)
    print()
    print(f"| {'what'.ljust(width)} | result | notes |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for what, result, notes in rows:
        print(f"| {what.ljust(width)} | {result} | {notes} |")


if __name__ == "__main__":
    main()
