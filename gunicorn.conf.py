"""Gunicorn settings: `gunicorn -c gunicorn.conf.py "gridops:create_app()"`.

Sizing: two `sync` processes per core, each serving one request at a time.

- A report costs about 3.5 ms of CPU in the web process and three short round trips to
  PostgreSQL (bench/load/profile_intake.py). A second process per core overlaps those waits:
  the kernel runs one process while the other waits.
- A sync process accepts a connection only when it is free, so requests always go to an idle
  process. That is what reached 300 reports/s on this 2-core box with p99 42 ms
  (bench/load/bench_intake.py, docs/benchmarks.md). Threaded workers (`gthread`) were worse:
  a keep-alive connection stays with the process that accepted it and a busy process still
  accepts new ones, so requests queued behind one process while another idled. With the same
  code at 250 reports/s, 4 gthread processes with `worker_connections` 8 gave p99 2,056 ms;
  4 sync processes gave 66 ms.
- Sync workers close the connection after each response, so there is no keep-alive between
  nginx and gunicorn: on loopback or a LAN a new connection costs far less than a report.
- Slow clients do not hold a process: nginx buffers request bodies and responses
  (deploy/nginx/gridops.conf), so gunicorn receives and sends whole requests. Without nginx
  in front (a workstation, `make run`), a phone on a bad signal holds one process for its
  upload; there, consider `GUNICORN_CMD_ARGS="--worker-class gthread --threads 4"`.
- Nothing holds a request open for long: the console's live feed polls (gridops/console/live.py)
  and reports are built by RQ workers.
- Each process holds one database connection: 2 × cores connections per host, far below
  PostgreSQL's default 100.

`WEB_CONCURRENCY` overrides the process count; `GUNICORN_CMD_ARGS` (any flag) overrides the
rest, as it does for every gunicorn setting.
"""
import os
from pathlib import Path

port = os.environ.get("PORT", "5000")
bind = f"127.0.0.1:{port}"

worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))

# Each worker builds its own app after the fork, so no engine pool or Redis client is shared
# between processes (a preloaded app would fork its connections into every worker).
preload_app = False

# A sync worker busy for longer than this is killed and replaced: no request here needs 30 s
# (uploads arrive whole from nginx; weekly reports are built by RQ workers).
timeout = 30
# On Ctrl-C / TERM, requests in flight get this long to finish.
graceful_timeout = 10

accesslog = "-"
errorlog = "-"

# gunicorn's runtime control socket, by default one per user in ~/.gunicorn: per checkout and
# port instead, so two instances on one machine do not take over each other's.
control_socket = str(Path(__file__).resolve().parent / "var" / f"gunicorn-{port}.ctl")
