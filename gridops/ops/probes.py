"""Is PostgreSQL there, is Redis there: each answered within a fraction of a second.

A probe must never hang a readiness check, a scrape or a console page behind a dead server,
so each carries its own short timeout instead of the app's usual ones.
"""
import logging
from contextlib import contextmanager

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from gridops.dispatch import queues

log = logging.getLogger(__name__)

#: Seconds a probe waits for Redis to connect or answer.
REDIS_TIMEOUT = 0.5
#: Milliseconds a probe's (or a scrape's) statement may run in PostgreSQL.
STATEMENT_TIMEOUT_MS = 1000


def probe_redis(app):
    """Return this app's Redis client with the probes' short timeout."""
    return queues.redis_for(app, REDIS_TIMEOUT)


def redis_up(app):
    """Return whether Redis answers a PING in time."""
    try:
        return bool(probe_redis(app).ping())
    except RedisError as error:
        log.warning("Redis probe failed: %s", error)
        return False


def database_up(engine):
    """Return whether PostgreSQL answers `SELECT 1` in time."""
    try:
        with short_transaction(engine) as connection:
            return connection.scalar(text("SELECT 1")) == 1
    except SQLAlchemyError as error:
        log.warning("PostgreSQL probe failed: %s", getattr(error, "orig", None) or error)
        return False


@contextmanager
def short_transaction(engine):
    """Yield a connection in a transaction whose statements stop after the short timeout."""
    with engine.connect() as connection, connection.begin():
        connection.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
        yield connection
