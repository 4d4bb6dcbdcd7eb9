"""Run the GridOps job workers: `python worker.py [--burst] [--workers N] [--periodic on|off|only] [QUEUE ...]`.

Queues are served in the order given; the default puts `timers` first because a deadline that
fires late is worse than a notification that arrives late. Every worker runs inside the app
context, uses the Redis at `app.config["REDIS_URL"]`, runs rq's scheduler (for `enqueue_at` /
`enqueue_in`) and forks a work horse per job, as rq does by default.

The periodic jobs (the deadline sweep, the weekly reports) are queued by a CronScheduler
process. By default each `worker.py` starts one next to its workers, which is right for one
machine; several are harmless (each periodic job runs once per period, see `periodic_run`).
Deployments with many worker nodes run `--periodic only` once as its own service and
`--periodic off` on the workers (docs/deployment.md).
"""
import argparse
import importlib
import importlib.util
import multiprocessing
import signal

from redis import Redis
from rq import Worker
from rq.cron import CronScheduler
from rq.worker_pool import WorkerPool

from gridops import create_app
from gridops.dispatch.queues import ALL as QUEUES
from gridops.extensions import db



class AppWorker(Worker):
    """An rq worker that never reuses database connections across a fork.

    A forked process inherits the parent's SQLAlchemy pool, whose sockets the parent may still
    use; two processes talking over one connection corrupt both sessions. `close=False` drops the
    inherited connections without closing sockets that still belong to the parent.
    """

    def work(self, *args, **kwargs):
        db.engine.dispose(close=False)  # a WorkerPool child is a fork of worker.py
        return super().work(*args, **kwargs)

    def main_work_horse(self, job, queue):
        db.engine.dispose(close=False)  # the work horse is a fork of this worker
        return super().main_work_horse(job, queue)

    def subscribe(self):
        """Start rq's command listener thread with the stop signals blocked in it.

        The kernel may hand a process-wide SIGINT or SIGTERM to any thread that does not block
        it. If the listener thread takes it, Python only runs the handler once the main thread
        wakes, and that thread sits in BLPOP for up to seven minutes: Ctrl-C seems ignored (as
        reported in rq/rq#2201). A new thread inherits the mask, so block them while starting it.
        """
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            super().subscribe()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def periodic_scheduler(connection):
    """Return a cron scheduler with the app's periodic jobs, or None if there are none.

    The timer issue adds `gridops.dispatch.tasks.register_periodic(cron)`, which registers the
    overdue-deadline sweep and the like on an rq `CronScheduler`. Until that module and function
    exist, nothing is periodic; an error inside them must still surface, hence no `except`.
    """
    if importlib.util.find_spec("gridops.dispatch.tasks") is None:
        return None
    tasks = importlib.import_module("gridops.dispatch.tasks")
    if not hasattr(tasks, "register_periodic"):
        return None
    cron = CronScheduler(connection=connection)
    tasks.register_periodic(cron)
    return cron if cron.get_jobs() else None


def start_cron(connection):
    """Start a process that enqueues the periodic jobs on time; return it, or None if none.

    A process of its own because both `cron.start()` and the workers block. It shares our
    process group, so Ctrl-C reaches it directly; `main` ends it when the workers stop.
    """
    cron = periodic_scheduler(connection)
    if cron is None:
        return None
    process = multiprocessing.get_context("fork").Process(
        target=_run_cron, args=(cron,), name="gridops cron", daemon=True)
    process.start()
    return process


def _run_cron(cron):
    db.engine.dispose(close=False)  # a fork of worker.py, like the workers
    cron.start()


def work(connection, queues, workers, burst):
    """Run `workers` worker processes on `queues`; return when they have stopped."""
    if workers == 1:
        AppWorker(queues, connection=connection).work(burst=burst, with_scheduler=True)
    else:
        WorkerPool(queues, connection=connection, num_workers=workers,
                   worker_class=AppWorker).start(burst=burst)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queues", nargs="*", default=list(QUEUES), metavar="QUEUE",
                        help=f"queues to serve, highest priority first (default: {' '.join(QUEUES)})")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="number of worker processes (default: 1)")
    parser.add_argument("--burst", action="store_true",
                        help="work until the queues are empty, then exit (no periodic jobs)")
    parser.add_argument("--periodic", choices=["on", "off", "only"], default="on",
                        help="queue the periodic jobs next to the workers (on, the default), "
                             "leave them to another process (off), or only queue them (only)")
    args = parser.parse_args(argv)

    app = create_app()
    with app.app_context():
        # Not the app's request-side client (`queues.redis_for`): its short socket timeout
        # would cut BLPOP, which waits for jobs for minutes.
        connection = Redis.from_url(app.config["REDIS_URL"])
        if args.periodic == "only":
            cron = periodic_scheduler(connection)
            if cron is None:
                parser.exit(1, "worker.py: there are no periodic jobs to schedule\n")
            cron.start()
            return
        cron_process = None if args.burst or args.periodic == "off" else start_cron(connection)
        try:
            work(connection, args.queues, args.workers, args.burst)
        finally:
            if cron_process:
                cron_process.terminate()
                cron_process.join()


if __name__ == "__main__":
    main()
