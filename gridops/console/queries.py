"""The queues: cases in the user's scope per stage, by deadline, a page at a time.

Pages are keyset pages on (due_at, id), so page 200 costs what page 1 costs: the query
continues after the last row seen instead of counting past an offset. Cases without a
running clock (on hold) have no due time and come last, as PostgreSQL sorts NULLs after
values in ascending order.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, tuple_

from gridops.api.incidents import LIST_LOADS, scoped
from gridops.console import filters as queue_filters
from gridops.console.lights import case_light, time_left
from gridops.dispatch.models import Incident
from gridops.dispatch.transitions import OPEN_STATES

STAGES = OPEN_STATES


@dataclass(frozen=True)
class Row:
    """One case in a queue with its light and time left."""

    incident: object
    light: str | None
    deadline: object
    left: str
    whistled: bool


def open_cases(user, filters, now):
    """Return the query of open cases the user may see, narrowed by the filters."""
    query = scoped(select(Incident), user).where(Incident.state.in_(STAGES))
    return queue_filters.apply(query, filters, now)


def stage_counts(session, user, filters, now):
    """Return {stage: number of cases} under the filters, every stage present."""
    inner = open_cases(user, filters, now).with_only_columns(Incident.state)
    sub = inner.subquery()
    counts = dict(session.execute(select(sub.c.state, func.count()).group_by(sub.c.state)).all())
    return {stage: counts.get(stage, 0) for stage in STAGES}


def queue_page(session, user, stage, filters, now, size, after=None):
    """Return (rows, cursor of the next page or None) of one stage, soonest deadline first."""
    query = open_cases(user, filters, now).where(Incident.state == stage)
    if after is not None:
        query = query.where(_after(*after))
    found = session.scalars(query.options(*LIST_LOADS)
                            .order_by(Incident.due_at.asc().nulls_last(), Incident.id)
                            .limit(size + 1)).all()
    page = found[:size]
    whistled = whistled_among(session, [i.id for i in page])
    rows = [row_of(i, now, i.id in whistled) for i in page]
    return rows, (cursor_of(page[-1]) if len(found) > size else None)


def row_of(incident, now, whistled=False):
    """Return the queue row of a case at `now`."""
    colour, deadline = case_light(incident, now)
    left = time_left(deadline.due_at, now) if deadline is not None else ""
    return Row(incident, colour, deadline, left, whistled)


def whistled_among(session, ids):
    """Return which of the case ids are under an active whistle."""
    if not ids:
        return set()
    return set(session.scalars(queue_filters.whistled_cases().where(
        queue_filters.whistle_incident.c.incident_id.in_(ids))))


def _after(due_at, incident_id):
    if due_at is None:
        return and_(Incident.due_at.is_(None), Incident.id > incident_id)
    return or_(tuple_(Incident.due_at, Incident.id) > tuple_(due_at, incident_id),
               Incident.due_at.is_(None))


def cursor_of(incident):
    """Return the page cursor after `incident`: its due time and id."""
    due = incident.due_at.isoformat() if incident.due_at else ""
    return f"{due}~{incident.id}"


def parse_cursor(text):
    """Return (due_at or None, id) from a cursor, or None when it is not one."""
    due, sep, ident = (text or "").rpartition("~")
    if not sep or not ident.isdigit():
        return None
    try:
        moment = datetime.fromisoformat(due) if due else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        return None
    return moment, int(ident)
