"""Prometheus metrics, computed at scrape time from PostgreSQL and Redis.

Nothing is counted in the web process: every value is read when Prometheus asks, so several
gunicorn processes (and hosts) give the same answer and need no shared metrics directory. A
dependency that is down costs its metrics, not the scrape: `gridops_up` says which answered.
"""
import logging
from datetime import datetime, timezone

from flask import current_app
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from redis.exceptions import RedisError
from rq import Queue, Worker
from sqlalchemy.exc import SQLAlchemyError

from gridops.dispatch import backlog, queues, sweep, timer_metrics
from gridops.extensions import db
from gridops.ops.probes import probe_redis, short_transaction

log = logging.getLogger(__name__)

#: Bucket bounds (seconds) of the fired-lateness histogram, folded from the finer Redis buckets.
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
KEY = "gridops.ops.metrics"


def init_app(app):
    """Give the app its own registry with the GridOps collector."""
    registry = CollectorRegistry()
    registry.register(GridOpsCollector())
    app.extensions[KEY] = registry


def registry_for(app):
    """Return the app's metrics registry."""
    return app.extensions[KEY]


class GridOpsCollector:
    """Yield every GridOps metric, read from the current app's PostgreSQL and Redis."""

    def collect(self):
        now = datetime.now(timezone.utc)
        up = GaugeMetricFamily("gridops_up", "Whether the component answered this scrape",
                               labels=["component"])
        for component, gather in (("postgresql", database_metrics), ("redis", redis_metrics)):
            try:
                families, answered = list(gather(current_app, now)), 1
            except (SQLAlchemyError, RedisError) as error:
                log.warning("metrics: %s unavailable: %s", component,
                            getattr(error, "orig", None) or error)
                families, answered = [], 0
            up.add_metric([component], answered)
            yield from families
        yield up


def database_metrics(app, now):
    """Yield the metrics the database knows: overdue timers, open cases, the outbox."""
    with short_transaction(db.engine) as connection:
        overdue = backlog.overdue_thresholds(connection, now)
        oldest = sweep.timer_lateness(connection, now)
        incidents = backlog.open_incidents(connection)
        outbox = backlog.outbox_counts(connection)
    yield labelled("gridops_timer_overdue_deadlines",
                   "Deadline thresholds passed but not fired yet", "threshold", overdue)
    yield GaugeMetricFamily("gridops_timer_overdue_oldest_seconds",
                            "How long the oldest threshold not fired yet is past", value=oldest)
    yield labelled("gridops_incidents_open", "Open cases by state", "state", incidents)
    yield labelled("gridops_notify_outbox_messages",
                   "Notifications still to deliver (pending) and given up on (dead)",
                   "status", outbox)


def redis_metrics(app, now):
    """Yield the metrics Redis knows: queues, workers, the sweep and fired-timer lateness."""
    redis = probe_redis(app)
    depth = GaugeMetricFamily("gridops_rq_queue_jobs", "Jobs waiting in an RQ queue",
                              labels=["queue"])
    registries = GaugeMetricFamily("gridops_rq_registry_jobs",
                                   "Jobs started, failed and scheduled per RQ queue",
                                   labels=["queue", "registry"])
    for name in queues.ALL:
        queue = Queue(name, connection=redis)
        depth.add_metric([name], queue.count)
        for kind in ("started", "failed", "scheduled"):
            registry = getattr(queue, f"{kind}_job_registry")
            registries.add_metric([name, kind], registry.get_job_count(cleanup=False))
    yield depth
    yield registries
    yield GaugeMetricFamily("gridops_rq_workers", "RQ workers alive (heartbeat not expired)",
                            value=workers_alive(redis))
    yield from sweep_metrics(timer_metrics.read_lateness(redis), now)
    yield from fired_lateness(redis)


def workers_alive(redis):
    """Return how many registered workers still have their key, which expires without heartbeat."""
    keys = Worker.all_keys(connection=redis)
    return redis.exists(*keys) if keys else 0


def sweep_metrics(reading, now):
    """Yield the last sweep's lateness gauge, its time and its age (+Inf when none is on record)."""
    if reading is None:
        yield sweep_age(float("inf"))
        return
    at = datetime.fromisoformat(reading["at"])
    yield GaugeMetricFamily("gridops_timer_sweep_lateness_seconds",
                            "How late the oldest unfired threshold was at the last sweep",
                            value=reading["seconds"])
    yield GaugeMetricFamily("gridops_timer_sweep_timestamp_seconds",
                            "When the last sweep ran (Unix time)", value=at.timestamp())
    yield sweep_age((now - at).total_seconds())


def sweep_age(seconds):
    return GaugeMetricFamily("gridops_timer_sweep_age_seconds",
                             "Seconds since the last sweep ran (+Inf: none on record)",
                             value=seconds)


def fired_lateness(redis):
    """Yield how late fired thresholds were (due → committed): a histogram and p50/p99/max."""
    histogram = HistogramMetricFamily(
        "gridops_timer_fired_lateness_seconds",
        "Lateness of fired thresholds, due to committed (sum: bucket upper bounds)",
        labels=["threshold"])
    quantiles = GaugeMetricFamily("gridops_timer_fired_lateness_quantile_seconds",
                                  "p50, p99 and max (quantile 1) lateness of fired thresholds",
                                  labels=["threshold", "quantile"])
    for threshold in sweep.THRESHOLDS:
        buckets = timer_metrics.histogram(redis, threshold)
        if not buckets:
            continue
        histogram.add_metric([threshold], folded(buckets),
                             sum_value=sum(ms * n for ms, n in buckets.items()) / 1000)
        for share in (0.5, 0.99):
            seconds = timer_metrics.percentile(buckets, share) / 1000
            quantiles.add_metric([threshold, str(share)], seconds)
        quantiles.add_metric([threshold, "1"], max(buckets) / 1000)
    yield histogram
    yield quantiles


def folded(buckets):
    """Return cumulative (le, count) pairs from {upper bound in ms: count} buckets."""
    pairs = [(str(le), sum(n for ms, n in buckets.items() if ms <= le * 1000))
             for le in LATENESS_BUCKETS]
    return pairs + [("+Inf", sum(buckets.values()))]


def labelled(name, documentation, label, values):
    """Return a gauge family with one sample per {label value: number}."""
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in values.items():
        family.add_metric([key], value)
    return family
