"""Gunicorn settings: `gunicorn -c gunicorn.conf.py "gridops:create_app()"`.

Sizing: two processes per core, one thread each (`gthread`, so idle keep-alive connections wait
in the worker's main loop, not in a thread).

- A report costs about 10 ms of CPU, most of it Python (Flask, the ORM, psycopg), and a dozen
  short waits on PostgreSQL and Redis. A second process per core overlaps those waits: the
  kernel runs one process while the other waits.
- Threads in few processes (the previous setting, one process per core × 4 threads) queued
  reports far behind the CPU they needed: at 100 reports/s on this 2-core box, with the machine
  barely half busy, p50 was 168 ms and p99 594 ms (bench/load/bench_intake.py). Two reasons:
  - a keep-alive connection stays with the process that accepted it (nginx keeps its upstream
    connections open, and so does the bench). In that run one process had accepted nearly all
    of the bench's 25 connections, so one GIL served most of the load while the other idled;
  - within a process, a thread back from the database waits for the GIL behind threads busy in
    Python, up to `sys.getswitchinterval()` (5 ms) per round trip (the GIL "convoy").
- `worker_connections` spreads the connections: a process holding 8 stops accepting and closes
  a finished connection rather than keep more than 7 idle, so new ones go to the others.
  Without it, 4 × 1 still depended on how the first connections happened to land (100/s: p50
  21 ms in one run, 205 ms in the next). With it, in two runs: 80/s p50 12 and 15 ms, p99 48
  and 114 ms; 100/s p50 15 and 25 ms, p99 135 and 465 ms. The box saturates at about 110
  reports/s (about 10 ms of CPU per report, on 2 cores shared with PostgreSQL).
- Slow phone uploads do not need threads here: nginx buffers request bodies
  (deploy/nginx/gridops.conf), so gunicorn receives whole requests.
- Each process holds one database connection: 2 × cores connections per host, far below
  PostgreSQL's default 100.

`WEB_CONCURRENCY` overrides the process count; `GUNICORN_CMD_ARGS="--threads 4"` (or any other
flag) overrides the rest, as it does for every gunicorn setting. Without nginx in front (a
workstation), consider `--threads 4` so a slow client cannot hold a whole process.
"""
import os
from pathlib import Path

port = os.environ.get("PORT", "5000")
bind = f"127.0.0.1:{port}"

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
threads = 1
# At most this many connections per process, idle keep-alive ones included (see above). Four
# processes × 8 match nginx's 32 kept-alive upstream connections (deploy/nginx/gridops.conf).
worker_connections = 8

# Each worker builds its own app after the fork, so no engine pool or Redis client is shared
# between processes (a preloaded app would fork its connections into every worker).
preload_app = False

# With gthread the timeout is a liveness check on a worker's main loop, not a limit on one
# request, so a slow upload is not killed; a worker stuck for 30 s is replaced.
timeout = 30
# On Ctrl-C / TERM, requests in flight get this long to finish.
graceful_timeout = 10
# Long enough to reuse a connection between a page and its assets, short enough not to pin
# threads to idle phones.
keepalive = 5

accesslog = "-"
errorlog = "-"

# gunicorn's runtime control socket, by default one per user in ~/.gunicorn: per checkout and
# port instead, so two instances on one machine do not take over each other's.
control_socket = str(Path(__file__).resolve().parent / "var" / f"gunicorn-{port}.ctl")
