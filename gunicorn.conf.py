"""Gunicorn settings: `gunicorn -c gunicorn.conf.py "gridops:create_app()"`.

Sizing. The familiar `2 × cores + 1` sync workers assumes CPU-bound requests and a box to itself.
GridOps requests mostly wait: on PostgreSQL (which shares the same cores), on Redis, and on
phones slowly uploading photos. A sync worker holds a whole process through each of those waits,
so five of them on a 2-core box serve only five requests at a time while costing five copies of
the app in memory. Instead:

- threads (`gthread`) overlap the waiting: a thread blocked on the database releases the GIL;
- one process per core runs the Python work the GIL serialises (ORM hydration, JSON), and more
  processes than cores would only compete with PostgreSQL for the same CPUs;
- each thread holds at most one database connection, so 2 × 4 = 8 requests in flight need at most
  8 connections per host, far below PostgreSQL's default 100.

`WEB_CONCURRENCY` overrides the process count; `GUNICORN_CMD_ARGS="--threads 8"` (or any other
flag) overrides the rest, as it does for every gunicorn setting.
"""
import os
from pathlib import Path

port = os.environ.get("PORT", "5000")
bind = f"127.0.0.1:{port}"

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1))
threads = 4

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
