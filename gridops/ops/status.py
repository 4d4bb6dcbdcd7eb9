"""Whether timers are being fired: the queue (Redis) answers, and the sweep ran lately.

The console shows a banner when either fails. Every console page and every live poll asks, so
the answer is kept for a few seconds per process: during an outage a page pays at most one
short probe per period, never one per request.
"""
import time
from datetime import datetime, timezone

from redis.exceptions import RedisError

from gridops.dispatch import timer_metrics
from gridops.ops.probes import probe_redis

#: Seconds a process reuses its last answer.
CACHE_SECONDS = 5
#: A sweep older than this many sweep periods means no worker is running it.
STALE_PERIODS = 3
KEY = "gridops.ops.queue_status"


def queue_problem(app):
    """Return "queue_down", "sweep_stale" or None, checked at most every few seconds."""
    checked_at, problem = app.extensions.get(KEY, (None, None))
    if checked_at is None or time.monotonic() - checked_at >= CACHE_SECONDS:
        problem = check_queue(app, datetime.now(timezone.utc))
        app.extensions[KEY] = (time.monotonic(), problem)
    return problem


def check_queue(app, now):
    """Return what is wrong with the timers as of `now`: "queue_down", "sweep_stale" or None."""
    try:
        age = sweep_age(probe_redis(app), now)
    except RedisError:
        return "queue_down"
    if age is None or age > STALE_PERIODS * app.config["GRIDOPS_SWEEP_SECONDS"]:
        return "sweep_stale"
    return None


def sweep_age(redis, now):
    """Return seconds since the last sweep measured the timers, or None if none is on record."""
    reading = timer_metrics.read_lateness(redis)
    if reading is None:
        return None
    return (now - datetime.fromisoformat(reading["at"])).total_seconds()
