"""The RQ queues of an app and the Redis connection behind them, kept per app, never global.

`timers` carries the deadline jobs and the sweep; `notify` carries deliveries, so a slow
webhook never holds up a deadline.
"""
from redis import Redis
from rq import Queue

from gridops.config import Setting

TIMERS = "timers"
NOTIFY = "notify"

#: The timer and delivery settings; `init_app` gives each its default if the app has none.
SETTINGS = [
    Setting("GRIDOPS_SWEEP_SECONDS", "GRIDOPS_SWEEP_SECONDS", "15",
            "How often the sweep fires overdue deadlines and re-queues lost jobs (seconds)", int),
    Setting("GRIDOPS_TIMER_BATCH", "GRIDOPS_TIMER_BATCH", "200",
            "Deadlines claimed and fired per transaction", int),
    Setting("GRIDOPS_TIMER_HELPERS", "GRIDOPS_TIMER_HELPERS", "3",
            "Extra jobs a large burst of due deadlines fans out to, so idle workers join in", int),
    Setting("GRIDOPS_REDIS_TIMEOUT", "GRIDOPS_REDIS_TIMEOUT", "2",
            "Seconds a request waits for Redis before giving up on queuing (the sweep catches up)",
            float),
]


def init_app(app, settings=SETTINGS):
    """Give the app a default for every setting of `settings` it does not have."""
    for setting in settings:
        app.config.setdefault(setting.key, setting.cast(setting.default))


def redis_for(app):
    """Return the app's Redis client, created once per app (its pool is fork-safe)."""
    client = app.extensions.get("gridops.redis")
    if client is None:
        timeout = app.config.get("GRIDOPS_REDIS_TIMEOUT", 2.0)
        client = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=timeout,
                                socket_timeout=timeout)
        app.extensions["gridops.redis"] = client
    return client


def queue_for(app, name):
    """Return the app's queue `name`."""
    return Queue(name, connection=redis_for(app))
