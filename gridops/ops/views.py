"""Liveness, readiness and metrics endpoints."""
from flask import Response, current_app
from flask_babel import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gridops.extensions import db
from gridops.ops import bp
from gridops.ops.access import monitoring_only
from gridops.ops.metrics import registry_for
from gridops.ops.probes import database_up, redis_up
from gridops.web.problems import problem

#: Seconds a load balancer should wait before asking a process that is not ready again.
RETRY_AFTER = 5


@bp.get("/healthz")
def healthz():
    """Answer that this process serves requests, touching neither PostgreSQL nor Redis."""
    return {"status": "ok"}


@bp.get("/readyz")
@monitoring_only
def readyz():
    """Check PostgreSQL and Redis; 503 without PostgreSQL, "degraded" without Redis.

    Without Redis the app still takes reports (the sweep fires their timers once Redis is
    back), so a load balancer must keep sending traffic: only the database is required.
    """
    state = {"postgresql": database_up(db.engine), "redis": redis_up(current_app)}
    components = {name: "up" if up else "down" for name, up in state.items()}
    if not state["postgresql"]:
        down = ", ".join(name for name, up in state.items() if not up)
        response = problem(503, "not_ready", _("Not ready: %(down)s unreachable.", down=down),
                           components=components)
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response
    return {"status": "ready" if state["redis"] else "degraded", "components": components}


@bp.get("/metrics")
@monitoring_only
def metrics():
    """Return the Prometheus metrics, computed now from PostgreSQL and Redis."""
    return Response(generate_latest(registry_for(current_app)), content_type=CONTENT_TYPE_LATEST)
