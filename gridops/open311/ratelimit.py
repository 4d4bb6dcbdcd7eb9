"""Per-key rate limits: a fixed one-minute window counted in Redis with INCR and EXPIRE.

A fixed window lets a client send up to twice its limit across a window boundary; for keeping
one integration from flooding the dispatchers that is close enough, and it costs one round trip.
"""
import logging

from redis import Redis, RedisError

log = logging.getLogger(__name__)
EXTENSION_KEY = "gridops_open311_redis"
WINDOW_S = 60


def redis_for(app):
    """Return this app's Redis client, made on first use from REDIS_URL."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = Redis.from_url(app.config["REDIS_URL"])
    return app.extensions[EXTENSION_KEY]


def hit(redis, key_id, limit, moment):
    """Count one request of key `key_id` at `moment`; return (allowed, seconds until reset)."""
    stamp = moment.timestamp()
    window = int(stamp // WINDOW_S)
    name = f"gridops:open311:rate:{key_id}:{window}"
    try:
        pipe = redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW_S * 2)
        count, _ = pipe.execute()
    except RedisError:
        # The limit protects the dispatchers from floods; losing Redis must not stop reports.
        log.warning("Open311 rate limit not counted: Redis is unavailable", exc_info=True)
        return True, 0
    return count <= limit, WINDOW_S - int(stamp % WINDOW_S)
