"""The RQ queues of an app and the Redis connection behind them, kept per app, never global.

`timers` carries the deadline jobs and the sweep; `notify` carries deliveries, so a slow
webhook never holds up a deadline.
"""
from redis import Redis
from rq import Queue

TIMERS = "timers"
NOTIFY = "notify"


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
