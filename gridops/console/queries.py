"""The queues: cases in the user's scope per stage, by deadline, a page at a time.

Pages are keyset pages on (due time, id), so page 1,000 costs what page 1 costs: the query
continues after the last row seen instead of counting past an offset. Cases without a
running clock (on hold) have no due time and come last: they sort as due at 'infinity',
so that one row comparison, which the index incident_open_queue serves, finds the next page.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, func, literal, select, tuple_

from gridops.api.incidents import LIST_LOADS, MAX_ID, scoped
from gridops.console import filters as queue_filters
from gridops.console.lights import case_light, time_left
from gridops.dispatch.models import Incident
from gridops.dispatch.models.incident import FOREVER, SORT_DUE
from gridops.dispatch.transitions import OPEN_STATES

STAGES = OPEN_STATES
#: A queue's order: soonest deadline first, then by id so that every row has one place.
QUEUE_ORDER = (SORT_DUE, Incident.id)


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
                            .order_by(*QUEUE_ORDER)
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
    due = FOREVER if due_at is None else literal(due_at, DateTime(timezone=True))
    return tuple_(SORT_DUE, Incident.id) > tuple_(due, incident_id)


def cursor_of(incident):
    """Return the page cursor after `incident`: its due time and id."""
    due = incident.due_at.isoformat() if incident.due_at else ""
    return f"{due}~{incident.id}"


def parse_cursor(text):
    """Return (due_at or None, id) from a cursor, or None when it is not one."""
    due, sep, ident = (text or "").rpartition("~")
    if not sep or not ident.isdigit() or int(ident) > MAX_ID:
        return None
    try:
        moment = datetime.fromisoformat(due) if due else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        return None
    return moment, int(ident)
