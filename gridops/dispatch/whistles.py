"""吹哨报到: blow a whistle over cases, summon units with check-in deadlines, close it when done."""
from sqlalchemy import select

from gridops.dispatch import clocks
from gridops.dispatch.models import Deadline, Incident, Summons, Whistle
from gridops.dispatch.sla import limit_for


def blow(session, incidents, reason, actor, now, note=None, extra_units=()):
    """Blow a whistle over `incidents`; summon their lead and co-units plus `extra_units`."""
    first = incidents[0]
    whistle = Whistle(street_id=first.street_id, reason=reason, note=note,
                      blown_by_id=actor.user_id, blown_by_unit_id=actor.unit_id, blown_at=now)
    whistle.incidents = list(incidents)
    session.add(whistle)
    session.flush()
    units = _summoned_units(incidents, extra_units)
    urgency = "urgent" if reason == "emergency" or first.urgency == "urgent" else "normal"
    limit = limit_for(session, "checkin", urgency)
    calendar = clocks.calendar_for(session, first.street.code)
    for unit in units:
        summon(session, whistle, unit, limit, now, calendar,
               added_by="hand" if unit in extra_units else "policy")
    return whistle


def summon(session, whistle, unit, limit, now, calendar, added_by="hand"):
    """Summon `unit` to `whistle` with a check-in deadline of `limit` from `now`."""
    due = calendar.deadline(now, limit.minutes, working=limit.basis == "working").due
    warn = calendar.deadline(now, int(limit.minutes * clocks.WARN_SHARE),
                             working=limit.basis == "working").due
    summons = Summons(whistle=whistle, unit=unit, added_by=added_by, checkin_due_at=due)
    session.add(summons)
    session.flush()
    row = Deadline(summons_id=summons.id, kind="checkin", basis=limit.basis,
                   limit_minutes=limit.minutes, started_at=now, warn_at=warn, due_at=due)
    session.add(row)
    session.info.setdefault("gridops.deadlines", []).append(row)
    return summons


def _summoned_units(incidents, extra_units):
    units = []
    for incident in incidents:
        units += [incident.lead_unit] if incident.lead_unit else []
        units += list(incident.co_units)
    units += list(extra_units)
    return list(dict.fromkeys(u for u in units if u is not None))


def close_finished(session, incident, now):
    """Close the active whistles over `incident` whose cases have all ended (事不完、人不撤)."""
    for whistle in session.scalars(select(Whistle).where(
            Whistle.state == "active", Whistle.incidents.any(Incident.id == incident.id))):
        if all(not i.is_open or i.id == incident.id for i in whistle.incidents):
            whistle.state, whistle.closed_at = "closed", now
            session.execute(Deadline.__table__.update().where(
                Deadline.summons_id.in_([s.id for s in whistle.summonses]),
                Deadline.state.in_(clocks.OPEN)).values(state="cancelled", ended_at=now))
