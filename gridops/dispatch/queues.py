"""The RQ queues of an app and the Redis connection behind them, kept per app, never global.

`sweep` carries the periodic sweep alone, so it runs next even behind a backlog of firing
jobs (it is what notices a stuck queue); `timers` carries the deadline jobs; `notify` carries
deliveries, so a slow webhook never holds up a deadline; `default` carries the rest (the
weekly reports).
"""
from redis import Redis
from rq import Queue

SWEEP = "sweep"
TIMERS = "timers"
NOTIFY = "notify"
DEFAULT = "default"
#: Every queue, in the order workers serve them: a worker takes a job from the first queue
#: that has one. A late deadline is worse than a late message.
ALL = (SWEEP, TIMERS, NOTIFY, DEFAULT)


def redis_for(app, timeout=None):
    """Return the app's Redis client, created once per app (its pool is fork-safe).

    `timeout` (seconds to connect or answer) defaults to GRIDOPS_REDIS_TIMEOUT; a health probe
    asks for a shorter one and gets a client of its own.
    """
    key = "gridops.redis" if timeout is None else f"gridops.redis.{timeout}"
    client = app.extensions.get(key)
    if client is None:
        seconds = app.config.get("GRIDOPS_REDIS_TIMEOUT", 2.0) if timeout is None else timeout
        client = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=seconds,
                                socket_timeout=seconds)
        app.extensions[key] = client
    return client


def queue_for(app, name):
    """Return the app's queue `name`."""
    return Queue(name, connection=redis_for(app))
