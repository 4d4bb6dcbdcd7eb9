"""Deadline rows: start, stop, pause, resume and extend a case's clocks inside its transaction.

Every change lands in the same transaction as the action that caused it; the ids touched are
collected in `session.info["gridops.deadlines"]` so the timer scheduler can queue their jobs
after the commit.
"""
import logging

from sqlalchemy import select, update

from gridops.dispatch import stamps
from gridops.dispatch.calendar_store import load_calendar
from gridops.dispatch.models import Deadline

log = logging.getLogger(__name__)

OPEN = ("pending", "warned", "breached")
WARN_SHARE = 0.8


def calendar_for(session, street_code):
    """Return the street's working calendar.

    Inside an app, from the process's copy (`stamps`): building one reads about a thousand
    special days, and every case's transaction needs one.
    """
    return stamps.cached(session, "calendar", street_code,
                         lambda: load_calendar(session, street_code))


def start(session, incident, kind, limit, now, calendar):
    """Start the clock `kind` with `limit` from `now`; record the limit on the case."""
    row = plan(kind, limit, now, calendar, incident)
    row.incident_id = incident.id
    session.add(row)
    incident.limits = {**(incident.limits or {}), kind: limit.as_dict()}
    track(session, row)
    return row


def plan(kind, limit, now, calendar, incident=None):
    """Return the clock `kind` with `limit` from `now` as a row of no case yet (not added)."""
    due = _due(calendar, now, limit.minutes, limit.basis, incident)
    warn = _due(calendar, now, int(limit.minutes * WARN_SHARE), limit.basis, incident)
    return Deadline(kind=kind, basis=limit.basis, limit_minutes=limit.minutes, started_at=now,
                    warn_at=warn, due_at=due, state="pending")


def track(session, row):
    """Queue timers for `row`'s thresholds once the session commits."""
    session.info.setdefault("gridops.deadlines", []).append(row)


def stop(session, incident, now, kinds=None, outcome="met"):
    """End the open clocks of the case (all, or those of `kinds`) as met or cancelled."""
    query = update(Deadline).where(Deadline.incident_id == incident.id, Deadline.state.in_(OPEN))
    if kinds:
        query = query.where(Deadline.kind.in_(kinds))
    session.execute(query.values(state=outcome, ended_at=now, paused_at=None)
                    .execution_options(synchronize_session=False))


def open_clock(session, incident, kind):
    """Return the open deadline row of `kind`, locked, or None."""
    return session.scalar(select(Deadline).where(
        Deadline.incident_id == incident.id, Deadline.kind == kind, Deadline.state.in_(OPEN))
        .with_for_update())


def pause(session, incident, kind, now):
    """Stop the clock `kind` (挂账 hold): it keeps its remaining time until resumed."""
    row = open_clock(session, incident, kind)
    if row is not None and row.paused_at is None:
        row.paused_at = now
        track(session, row)


def resume(session, incident, kind, now, calendar):
    """Run the clock `kind` again, moving its due and warning times by the time it stood."""
    row = open_clock(session, incident, kind)
    if row is None or row.paused_at is None:
        return
    row.due_at = _shift(calendar, row, row.due_at, now)
    row.warn_at = _shift(calendar, row, row.warn_at, now)
    row.paused_at = None
    track(session, row)


def extend(session, incident, kind, minutes, now, calendar):
    """Give the clock `kind` `minutes` more; it warns again at 80 % of what then remains."""
    row = open_clock(session, incident, kind)
    if row is None:
        return None
    row.limit_minutes += minutes
    row.due_at = _due(calendar, row.due_at, minutes, row.basis, incident)
    remaining = _elapsed(calendar, row.basis, now, row.due_at)
    row.warn_at = _due(calendar, now, int(remaining * WARN_SHARE), row.basis, incident)
    row.state = "pending"
    track(session, row)
    return row


def refresh_due(session, incident):
    """Copy the earliest running deadline of the case onto it, for queue sorting."""
    session.flush()
    incident.due_at = session.scalar(select(Deadline.due_at).where(
        Deadline.incident_id == incident.id, Deadline.state.in_(OPEN),
        Deadline.paused_at.is_(None)).order_by(Deadline.due_at).limit(1))


def _due(calendar, start, minutes, basis, incident):
    result = calendar.deadline(start, minutes, working=basis == "working")
    if result.unconfirmed_years:
        # The weekday rule stood in for a holiday notice nobody entered: say so, loudly.
        log.warning("case %s: deadline counted on unconfirmed calendar years %s",
                    incident.case_number if incident is not None else "(new)",
                    sorted(result.unconfirmed_years))
    return result.due


def _elapsed(calendar, basis, a, b):
    if basis == "working":
        return calendar.working_between(a, b)
    return max(0, int((b - a).total_seconds() // 60))


def _shift(calendar, row, moment, now):
    remaining = _elapsed(calendar, row.basis, row.paused_at, moment)
    return calendar.deadline(now, remaining, working=row.basis == "working").due
