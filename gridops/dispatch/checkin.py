"""报到: a summoned unit checks in by its deadline; a missed check-in goes to the district.

Locks are taken cases first, then the summons, then its clock: the same order as a user's
action on a case, so a check-in and an action never wait on each other in a circle.
"""
from geoalchemy2.elements import WKTElement
from sqlalchemy import func, select

from gridops.dispatch import clocks, operations
from gridops.dispatch.whistles import WhistleClosed
from gridops.dispatch.decide import Actor
from gridops.dispatch.models import Deadline, Incident, Summons
from gridops.dispatch.models.timers import whistle_incident
from gridops.errors import DomainError, Forbidden, NotFound, ValidationError
from gridops.notify import local_text, notify
from gridops.notify.recipients import at_level


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    template = "This unit already checked in at %(at)s."


def check_in(session, summons_id, user, attendee, arrive_at, location, now):
    """Record the summoned unit's check-in: who is coming, when they arrive, optionally where.

    A check-in after the deadline is still recorded, and the summons stays `missed`.
    """
    summons = _locked_summons(session, summons_id)
    if user.role != "department" or user.unit_id != summons.unit_id:
        raise Forbidden("Only a member of the summoned unit can check in for it.")
    if summons.whistle.state != "active":
        raise WhistleClosed(id=summons.whistle_id)
    if summons.checked_in_at is not None:
        raise AlreadyCheckedIn(at=summons.checked_in_at.isoformat())
    _check_attendance(attendee, arrive_at, now)
    summons.checked_in_at, summons.checked_in_by_id = now, user.id
    summons.attendee, summons.arrive_at = attendee.strip(), arrive_at
    summons.location = point(location) if location else None
    late = summons.status == "missed"
    if not late:
        summons.status = "checked_in"
    session.execute(Deadline.__table__.update().where(
        Deadline.summons_id == summons.id, Deadline.state.in_(clocks.OPEN))
        .values(state="met", ended_at=now, escalate_at=None))
    actor = Actor("department", user.display_name, user_id=user.id, unit_id=user.unit_id)
    _record_on_cases(session, summons, "checked_in", now, actor,
                     {"attendee": summons.attendee, "late": late,
                      "arrive_at": arrive_at.isoformat() if arrive_at else None})
    session.flush()
    return summons


def remind(session, deadline, now):
    """Warn a summoned unit that 80 % of its check-in time is gone."""
    summons = session.get(Summons, deadline.summons_id)
    first = summons.whistle.incidents[0]
    notify(session, "checkin.warned", first, f"【报到提醒】{first.case_number}",
           f"{summons.unit.name}:吹哨事项请于 {local_text(summons.checkin_due_at)} 前报到。", now,
           units=(summons.unit,), payload={"whistle_id": summons.whistle_id})
    return True


def missed(session, deadline, now):
    """Record a missed check-in against the unit and escalate the whistle to the district.

    Returns False, changing nothing, when one of the whistle's cases is locked by a user's
    action: the caller undoes its claim and the next run tries again.
    """
    summons = session.get(Summons, deadline.summons_id)
    whistle = summons.whistle
    ids = [incident.id for incident in whistle.incidents]
    locked = session.scalars(select(Incident.id).where(Incident.id.in_(ids))
                             .with_for_update(key_share=True, skip_locked=True)).all()
    if len(locked) < len(ids):
        return False
    summons.status, summons.escalated_at = "missed", now
    whistle.escalated_at = whistle.escalated_at or now
    _record_on_cases(session, summons, "checkin_missed", now, operations.SYSTEM, {})
    first = whistle.incidents[0]
    district = at_level(session, first, "district")
    notify(session, "checkin.missed", first, f"【未按时报到】{summons.unit.name}",
           f"{summons.unit.name} 未在 {local_text(summons.checkin_due_at)} 前报到"
           f"(吹哨事项 {', '.join(i.case_number for i in whistle.incidents)}),已上报区级指挥中心。",
           now, units=district.units + (summons.unit,), users=district.users,
           areas=district.areas, payload={"whistle_id": whistle.id, "unit": summons.unit.code})
    return True


EFFECTS = {"due": missed, "warn": remind}


def checkin_record(session, unit_ids=None):
    """Return each unit's summonses: how many, checked in on time, missed, and its mean score."""
    query = select(
        Summons.unit_id, func.count(), func.count().filter(Summons.status == "checked_in"),
        func.count().filter(Summons.status == "missed"), func.avg(Summons.score),
    ).group_by(Summons.unit_id).order_by(Summons.unit_id)
    if unit_ids is not None:
        query = query.where(Summons.unit_id.in_(unit_ids))
    return {unit: {"summoned": n, "on_time": on_time, "missed": missed_,
                   "mean_score": float(score) if score is not None else None}
            for unit, n, on_time, missed_, score in session.execute(query)}


def point(location):
    """Return a (lat, lon) pair as a WGS-84 point, or raise ValidationError."""
    try:
        lat, lon = (float(v) for v in location)
    except (TypeError, ValueError):
        raise ValidationError("The location must be a latitude and a longitude.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError("The location is not a valid latitude and longitude.")
    return WKTElement(f"POINT({lon} {lat})", srid=4326)


def _locked_summons(session, summons_id):
    cases = select(whistle_incident.c.incident_id).join(
        Summons, Summons.whistle_id == whistle_incident.c.whistle_id).where(
        Summons.id == summons_id)
    # Cases first (see the module docstring), then the summons itself.
    session.scalars(select(Incident.id).where(Incident.id.in_(cases)).order_by(Incident.id)
                    .with_for_update(key_share=True)).all()
    summons = session.scalar(select(Summons).where(Summons.id == summons_id)
                             .with_for_update(of=Summons))
    if summons is None:
        raise NotFound("No summons %(id)s.", id=summons_id)
    return summons


def _check_attendance(attendee, arrive_at, now):
    if not isinstance(attendee, str) or not attendee.strip():
        raise ValidationError("Say who is coming.",
                              extra={"errors": [{"field": "attendee", "problem": "required"}]})
    if arrive_at is not None and arrive_at.tzinfo is None:
        raise ValidationError("The arrival time needs a time zone.")


def _record_on_cases(session, summons, action, now, actor, payload):
    for incident in summons.whistle.incidents:
        operations.record(session, incident, action, actor, incident.state, incident.state, now,
                          {"whistle_id": summons.whistle_id, "unit": summons.unit.code,
                           **payload})
