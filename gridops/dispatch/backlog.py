"""How far behind the loop is: overdue thresholds not yet fired, open cases, undelivered notices.

Read at scrape time by the metrics endpoint (`gridops.ops.metrics`), so every number comes
from the database, whichever process or worker asks. Each query is a count over a partial
index; `session` may be a session or a plain connection.
"""
from sqlalchemy import func, select, text

from gridops.dispatch.models import Incident, OutboxMessage
from gridops.dispatch.sweep import THRESHOLDS
from gridops.dispatch.transitions import OPEN_STATES


def overdue_thresholds(session, now):
    """Return {threshold: rows whose threshold has passed and nobody has fired yet}.

    The same conditions the sweep claims by, so a count above zero is work the timers owe.
    """
    return {name: session.scalar(text(
        f"SELECT count(*) FROM deadline d WHERE d.{where} AND d.paused_at IS NULL"),
        {"now": now}) for name, (where, _column, _assign) in THRESHOLDS.items()}


def open_incidents(session):
    """Return {state: number of cases in it} for every open state (0 when none)."""
    rows = session.execute(select(Incident.state, func.count()).where(
        Incident.state.in_(OPEN_STATES)).group_by(Incident.state))
    return {state: 0 for state in OPEN_STATES} | dict(rows.all())


def outbox_counts(session):
    """Return {"pending": messages still to deliver, "dead": messages given up on}."""
    pending = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.delivered_at.is_(None), ~OutboxMessage.dead)
    dead = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dead)
    return {"pending": session.scalar(pending), "dead": session.scalar(dead)}
