"""Fixed-window counters in Redis: how often one client may do something per hour.

If Redis is unreachable the limit is not enforced: a resident's report matters more than
the limit, and the outage is logged.
"""
import logging

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
EXTENSION_KEY = "gridops.web.redis"
WINDOW_S = 3600


def redis_for(app):
    """Return the app's Redis client, made on first use."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = Redis.from_url(app.config["REDIS_URL"],
                                                       socket_timeout=2)
    return app.extensions[EXTENSION_KEY]


def _name(key, now, window_s):
    return f"gridops:rate:{key}:{int(now.timestamp()) // window_s}"


def hit(redis, key, limit, now, window_s=WINDOW_S):
    """Count one attempt on `key`; return (allowed, seconds until the window ends)."""
    name = _name(key, now, window_s)
    try:
        with redis.pipeline() as pipe:
            pipe.incr(name)
            pipe.expire(name, window_s + 60)
            count, _ = pipe.execute()
    except RedisError:
        log.warning("rate limit %s not enforced: Redis unreachable", key, exc_info=True)
        return True, 0
    return count <= limit, window_s - int(now.timestamp()) % window_s


def exceeded(redis, key, limit, now, window_s=WINDOW_S):
    """Return whether `key` has used up its attempts, without counting one."""
    try:
        count = int(redis.get(_name(key, now, window_s)) or 0)
    except RedisError:
        log.warning("rate limit %s not checked: Redis unreachable", key, exc_info=True)
        return False
    return count >= limit
