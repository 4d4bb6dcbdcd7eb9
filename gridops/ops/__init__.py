"""Operations: liveness, readiness and Prometheus metrics, and the queue check the console shows.

`/healthz` answers without touching anything; `/readyz` checks PostgreSQL and Redis with short
timeouts; `/metrics` computes every value at scrape time from PostgreSQL and Redis, so any web
process gives the same answer. Both of the latter are for monitoring, not the public: see
`gridops.ops.access`. `init_app` is the one call the app factory makes.
"""
from flask import Blueprint

bp = Blueprint("ops", __name__)


def init_app(app):
    """Register the health and metrics endpoints with this app's metrics registry."""
    from gridops.ops import access, metrics, views  # noqa: F401
    access.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
