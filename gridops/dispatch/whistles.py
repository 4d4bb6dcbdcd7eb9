"""吹哨报到: blow a whistle over cases, summon units with check-in deadlines, close it when done."""
from sqlalchemy import select

from gridops.dispatch import clocks
from gridops.dispatch.models import Deadline, Incident, Summons, Whistle
from gridops.dispatch.routing import units_by_code
from gridops.dispatch.sla import limit_for
from gridops.errors import DomainError, Forbidden, NotFound, ValidationError
from gridops.notify import local_text, notify

DISPATCH = ("dispatcher", "district")


class WhistleClosed(DomainError):
    code = "whistle_closed"
    template = "Whistle %(id)s is closed."


def blow(session, incidents, reason, actor, now, note=None, extra_units=()):
    """Blow a whistle over `incidents`; summon their lead and co-units plus `extra_units`."""
    first = incidents[0]
    whistle = Whistle(street_id=first.street_id, reason=reason, note=note,
                      blown_by_id=actor.user_id, blown_by_unit_id=actor.unit_id, blown_at=now)
    whistle.incidents = list(incidents)
    session.add(whistle)
    session.flush()
    units = _summoned_units(incidents, extra_units)
    limit = checkin_limit(session, whistle)
    calendar = clocks.calendar_for(session, first.street.code)
    for unit in units:
        summon(session, whistle, unit, limit, now, calendar,
               added_by="hand" if unit in extra_units else "policy")
    return whistle


def checkin_limit(session, whistle):
    """Return the check-in limit: 30 natural minutes for emergencies, else 2 working hours."""
    urgent = whistle.reason == "emergency" or any(i.urgency == "urgent" for i in whistle.incidents)
    return limit_for(session, "checkin", "urgent" if urgent else "normal")


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
    _tell_summoned(session, whistle, summons, now)
    return summons


def summon_more(session, whistle_id, unit_codes, actor, now):
    """Summon more units to an active whistle by hand; return the new summonses.

    A dispatcher of the street may, and so may a unit already summoned (a department pulls in
    the others it needs). Units already summoned are left as they are.
    """
    whistle = _locked(session, whistle_id)
    summoned = {s.unit_id for s in whistle.summonses}
    if not (_dispatches(actor, whistle) or actor.unit_id in summoned):
        raise Forbidden("Only the street or a summoned unit may summon more units.")
    if not unit_codes:
        raise ValidationError("Name the units to summon.",
                              extra={"errors": [{"field": "units", "problem": "required"}]})
    limit = checkin_limit(session, whistle)
    calendar = clocks.calendar_for(session, whistle.incidents[0].street.code)
    return [summon(session, whistle, unit, limit, now, calendar)
            for unit in units_by_code(session, unit_codes) if unit.id not in summoned]


def score(session, whistle_id, unit_code, value, actor):
    """Record the street's score (0–100) of a summoned unit's response."""
    whistle = _locked(session, whistle_id, active_only=False)
    if not _dispatches(actor, whistle):
        raise Forbidden("Only the street's dispatchers score the units of its whistles.")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError("A score is a whole number from 0 to 100.",
                              extra={"errors": [{"field": "score", "problem": "0-100"}]})
    summons = next((s for s in whistle.summonses if s.unit.code == unit_code), None)
    if summons is None:
        raise NotFound("Unit %(unit)s was not summoned to this whistle.", unit=unit_code)
    summons.score = value
    session.flush()
    return summons


def area_codes(whistle):
    """Return every area code of the whistle's cases, for scope checks."""
    return {code for i in whistle.incidents
            for code in (i.grid.code, i.community.code, i.street.code, i.district.code)}


def _dispatches(actor, whistle):
    return actor.role in DISPATCH and bool(actor.area_codes & {
        whistle.incidents[0].street.code, whistle.incidents[0].district.code})


def _locked(session, whistle_id, active_only=True):
    whistle = session.scalar(select(Whistle).where(Whistle.id == whistle_id)
                             .with_for_update(of=Whistle))
    if whistle is None:
        raise NotFound("No whistle %(id)s.", id=whistle_id)
    if active_only and whistle.state != "active":
        raise WhistleClosed(id=whistle_id)
    return whistle


def _tell_summoned(session, whistle, summons, now):
    first = whistle.incidents[0] if whistle.incidents else None
    cases = ", ".join(i.case_number for i in whistle.incidents)
    notify(session, "whistle.summoned", first, f"【吹哨报到】{cases}",
           f"{summons.unit.name}:街道吹哨({cases}),请于 {local_text(summons.checkin_due_at)} "
           "前报到。", now, units=(summons.unit,),
           payload={"whistle_id": whistle.id, "checkin_due_at": summons.checkin_due_at.isoformat()})


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
