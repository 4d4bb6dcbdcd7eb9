"""Timer metrics kept in Redis, for the console and a Prometheus exporter to read.

Two numbers matter: how late the oldest waiting threshold is now (a gauge the sweep sets), and
how late each fired threshold was, from its due time to the commit of its effect (a histogram
the firing jobs add to). Losing them to a Redis flush loses history, never a timer.
"""
import json
from collections import Counter

GAUGE = "gridops:timers:lateness"
HISTOGRAM = "gridops:timers:fired:{threshold}"


def store_lateness(redis, seconds, now):
    """Set the gauge: seconds the oldest waiting threshold is past due, as of `now`."""
    redis.set(GAUGE, json.dumps({"seconds": round(seconds, 3), "at": now.isoformat()}))


def read_lateness(redis):
    """Return the last gauge reading as {"seconds", "at"}, or None."""
    raw = redis.get(GAUGE)
    return json.loads(raw) if raw else None


def record_fired(redis, fired, committed_at):
    """Add the lateness of each fired threshold (due → committed) to its histogram."""
    counts = Counter((f.threshold, bucket_ms(committed_at - f.moment)) for f in fired)
    with redis.pipeline(transaction=False) as pipe:
        for (threshold, bucket), n in counts.items():
            pipe.hincrby(HISTOGRAM.format(threshold=threshold), bucket, n)
        pipe.execute()


def bucket_ms(lateness):
    """Return the histogram bucket of a lateness: its upper bound in ms, 10 ms wide below 10 s,
    100 ms below 60 s, then whole seconds."""
    ms = max(0, int(lateness.total_seconds() * 1000))
    width = 10 if ms < 10_000 else 100 if ms < 60_000 else 1000
    return (ms // width + 1) * width


def histogram(redis, threshold):
    """Return {bucket upper bound in ms: count} for `threshold`."""
    raw = redis.hgetall(HISTOGRAM.format(threshold=threshold))
    return {int(k): int(v) for k, v in raw.items()}


def percentile(buckets, share):
    """Return the bucket bound (ms) under which `share` (0–1) of the counted firings fall."""
    total = sum(buckets.values())
    seen = 0
    for bound in sorted(buckets):
        seen += buckets[bound]
        if seen >= share * total:
            return bound
    return None
