"""Fire deadlines whose time has come: claim the rows with a compare-and-set, then act once.

A claim is one statement: it picks rows whose threshold has passed with `FOR UPDATE SKIP
LOCKED` and moves their state on. Only the transaction that moved the state acts on it, so a
job that runs early (nothing has passed), twice (the state already moved), or after the case
moved on (met or cancelled) does nothing.

The case row is locked `FOR NO KEY UPDATE ... SKIP LOCKED` in the same statement, for two
reasons. The effects insert rows that reference the case, and a user's action holding the case
while it waits for the deadline row would otherwise deadlock with us. And two workers must
never act on one case at once: the escalation policy counts its supervision orders and looks
for an active whistle, which only one transaction at a time may do. A case that is locked is
simply left for the next run; the sweep never waits for a lock while holding one.

Callers commit: effects and claims land together or not at all, so a worker killed in the
middle of a batch leaves its rows unclaimed for the next one.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import selectinload

from gridops.dispatch import checkin, escalation, timers
from gridops.dispatch.models import Deadline, Incident

#: threshold → (which rows it fires, the time column it fires by, what the claim sets).
THRESHOLDS = {
    "due": ("state IN ('pending', 'warned') AND d.due_at <= :now", "due_at",
            "state = 'breached', breached_at = :now"),
    "warn": ("state = 'pending' AND d.warn_at <= :now AND d.due_at > :now", "warn_at",
             "state = 'warned', warned_at = :now"),
    "escalate": ("state = 'breached' AND d.escalate_at <= :now", "escalate_at",
                 "escalate_at = NULL"),
}
#: How each owner's claim locks what its effects write to, never waiting for a lock.
OWNERS = {
    "incident": ("JOIN incident i ON i.id = d.incident_id",
                 "FOR UPDATE OF d SKIP LOCKED FOR NO KEY UPDATE OF i SKIP LOCKED"),
    "summons": ("JOIN summons s ON s.id = d.summons_id JOIN whistle w ON w.id = s.whistle_id",
                "FOR UPDATE OF d SKIP LOCKED FOR NO KEY UPDATE OF s, w SKIP LOCKED"),
}
#: The order a run fires in: red before yellow, and cases before check-ins.
ORDER = [("due", "incident"), ("warn", "incident"), ("escalate", "incident"),
         ("due", "summons"), ("warn", "summons")]


@dataclass(frozen=True)
class Fired:
    deadline_id: int
    threshold: str
    #: The threshold time the row was due to fire at, for the lateness metric.
    moment: datetime


def claim(session, threshold, owner, now, limit, ids=None, skip=()):
    """Claim up to `limit` rows of `owner` whose `threshold` has passed; return (id, moment)s.

    `ids` narrows the claim to those rows; `skip` leaves those out.
    """
    where, column, assign = THRESHOLDS[threshold]
    join, lock = OWNERS[owner]
    only = "AND d.id IN :ids" if ids is not None else ""
    but = "AND d.id NOT IN :skip" if skip else ""
    statement = text(f"""
        WITH c AS (
            SELECT d.id, d.{column} AS moment FROM deadline d {join}
            WHERE d.{where} AND d.paused_at IS NULL {only} {but}
            ORDER BY d.{column} LIMIT :limit {lock})
        UPDATE deadline d SET {assign} FROM c WHERE d.id = c.id
        RETURNING d.id, c.moment""")
    params = {"now": now, "limit": limit}
    for name, values in (("ids", ids), ("skip", skip or None)):
        if values is not None:
            statement = statement.bindparams(bindparam(name, expanding=True))
            params[name] = list(values)
    return [tuple(row) for row in session.execute(statement, params)]


def fire_batch(session, now, limit, ids=None):
    """Claim and act on up to `limit` rows in all, most urgent first; return what fired."""
    fired = []
    for threshold, owner in ORDER:
        if len(fired) >= limit:
            break
        fire = _fire_cases if owner == "incident" else _fire_summonses
        fired += fire(session, threshold, now, limit - len(fired), ids)
    return fired


def fire_deadline(session, deadline_id, threshold, now):
    """Fire one row's `threshold` if it has come and nobody fired it yet; return whether it did."""
    return bool(_fire_cases(session, threshold, now, 1, [deadline_id])
                or _fire_summonses(session, threshold, now, 1, [deadline_id]))


def upcoming(session, now, until):
    """Return the thresholds between `now` and `until` still waiting to fire."""
    rows = session.execute(text("""
        SELECT warn_at FROM deadline WHERE state = 'pending' AND paused_at IS NULL
            AND warn_at > :now AND warn_at <= :until
        UNION SELECT due_at FROM deadline WHERE state IN ('pending', 'warned')
            AND paused_at IS NULL AND due_at > :now AND due_at <= :until
        UNION SELECT escalate_at FROM deadline WHERE state = 'breached' AND paused_at IS NULL
            AND escalate_at > :now AND escalate_at <= :until"""), {"now": now, "until": until})
    return [moment for (moment,) in rows]


def timer_lateness(session, now):
    """Return how many seconds the oldest threshold still waiting to fire is past (0 if none)."""
    oldest = session.scalar(text("""
        SELECT min(m) FROM (
            SELECT min(warn_at) AS m FROM deadline
                WHERE state = 'pending' AND paused_at IS NULL AND due_at > :now
            UNION ALL SELECT min(due_at) FROM deadline
                WHERE state IN ('pending', 'warned') AND paused_at IS NULL
            UNION ALL SELECT min(escalate_at) FROM deadline
                WHERE state = 'breached' AND paused_at IS NULL) AS t"""), {"now": now})
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def _fire_cases(session, threshold, now, limit, ids):
    claimed = claim(session, threshold, "incident", now, limit, ids)
    if not claimed:
        return []
    rows = _rows(session, [i for i, _ in claimed])
    cases = _cases(session, {row.incident_id for row in rows})
    if threshold != "warn":  # one count of orders for the batch, not one per row
        escalation.order_counts(session, list(cases))
    effect = CASE_EFFECTS[threshold]
    for row in rows:
        effect(session, row, cases[row.incident_id], now)
        timers.note(session, row.escalate_at)
    return [Fired(i, threshold, moment) for i, moment in claimed]


def _fire_summonses(session, threshold, now, limit, ids):
    """Fire check-in clocks one by one, each in a savepoint.

    A missed check-in writes to the whistle's cases; if one of them is locked by a user's
    action, the savepoint undoes this claim and the row waits for the next run.
    """
    if threshold not in checkin.EFFECTS:
        return []
    fired, skip = [], []
    while len(fired) < limit:
        savepoint = session.begin_nested()
        claimed = claim(session, threshold, "summons", now, 1, ids, skip)
        if not claimed:
            savepoint.rollback()
            break
        (deadline_id, moment), = claimed
        if checkin.EFFECTS[threshold](session, _rows(session, [deadline_id])[0], now):
            savepoint.commit()
            fired.append(Fired(deadline_id, threshold, moment))
        else:
            savepoint.rollback()
            skip.append(deadline_id)
    return fired


def _rows(session, ids):
    return session.scalars(select(Deadline).where(Deadline.id.in_(ids)).order_by(Deadline.id)
                           .execution_options(populate_existing=True)).all()


CASE_EFFECTS = {"due": escalation.breach, "warn": escalation.warn,
                "escalate": escalation.escalate}


def _cases(session, ids):
    query = select(Incident).where(Incident.id.in_(ids)).options(
        selectinload(Incident.lead_unit), selectinload(Incident.co_units),
        selectinload(Incident.category), selectinload(Incident.grid),
        selectinload(Incident.community), selectinload(Incident.street),
        selectinload(Incident.district))
    return {case.id: case for case in session.scalars(query)}
