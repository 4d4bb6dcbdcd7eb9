"""With extensions=true: a case's extended attributes and its public timeline.

The timeline (the `notes` of the Update History extension) shows how the case passed between
units and every whistle with its check-ins. It names units, never the people who acted, and
leaves out internal comments and notes.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gridops.dispatch.models import Summons, Unit, Whistle
from gridops.dispatch.models.timers import whistle_incident
from gridops.open311.times import w3c
from gridops.open311.wording import stage_name

#: The events that move a case between units or stages, in words.
HANDOFFS = {
    "report": ("登记立案", "Reported"),
    "accept": ("受理并派遣", "Accepted and sent to"),
    "assign": ("改派", "Re-assigned to"),
    "sign": ("签收", "Signed for by"),
    "return": ("退回", "Handed back by"),
    "submit_result": ("反馈办理结果", "Result reported by"),
    "reopen": ("返工", "Sent back for rework to"),
    "supervise": ("督办", "Supervision order issued to"),
    "hold": ("挂账", "Put on hold"),
    "resume": ("恢复办理", "Handling resumed by"),
    "approve_extension": ("延期", "Deadline extended for"),
    "close": ("结案", "Closed"),
    "reject": ("不予受理", "Not accepted"),
    "merge": ("合并", "Merged as a duplicate"),
}
VERIFIED = {True: ("核查通过", "Check passed"), False: ("核查未通过，返工", "Check failed: rework")}
PRIVATE = ("受理，私事已答复", "Accepted as a private matter, advice given")
BLOWN = ("吹哨，召集单位报到", "Whistle blown, summoning")
CHECKED_IN = ("报到", "Checked in:")
#: Actions done by the case's lead unit of the moment.
BY_LEAD = ("sign", "submit_result", "reopen", "supervise", "resume", "approve_extension")


def extended_attributes(incident):
    """Return the GridOps facts of a case beyond the spec's fields."""
    return {
        "case_number": incident.case_number, "stage": incident.state,
        "stage_name": stage_name(incident.state), "urgency": incident.urgency,
        "grid_code": incident.grid.code, "grid_name": incident.grid.name,
        "street_code": incident.street.code, "street_name": incident.street.name,
        "co_agencies": [unit.name for unit in incident.co_units],
        "deadlines": [_deadline(row) for row in incident.deadlines],
    }


def _deadline(row):
    return {"kind": row.kind, "state": row.state, "started_datetime": w3c(row.started_at),
            "due_datetime": w3c(row.due_at), "ended_datetime": w3c(row.ended_at)}


def timelines(session, incidents):
    """Return {incident id: notes}: hand-offs between units, whistles and check-ins, in order."""
    names = _unit_names(session, incidents)
    whistles = _whistle_notes(session, [incident.id for incident in incidents])
    result = {}
    for incident in incidents:
        notes = list(_handoff_notes(incident, names)) + whistles.get(incident.id, [])
        result[incident.id] = [note for _, note in sorted(notes, key=lambda pair: pair[0])]
    return result


def _handoff_notes(incident, names):
    lead = None
    for event in incident.events:
        payload = event.payload or {}
        lead = payload.get("lead_unit", lead)
        words, units = _handoff(event.action, payload, lead)
        if event.action == "return":
            lead = None
        if words is not None:
            yield event.at, _note(event.at, event.action, words, [names.get(u, u) for u in units])


def _handoff(action, payload, lead):
    if action == "verify":
        return VERIFIED[bool(payload.get("passed"))], []
    if action == "accept" and payload.get("triage") == "private":
        return PRIVATE, []
    if action in ("accept", "assign"):
        return HANDOFFS[action], [lead] + list(payload.get("co_units") or [])
    if action == "return":
        return HANDOFFS[action], [payload.get("from_unit")]
    units = [lead] if action in BY_LEAD and lead else []
    return HANDOFFS.get(action), units


def _note(at, kind, words, units):
    zh, en = words
    units = [u for u in units if u]
    if units:
        zh, en = f"{zh}：{'、'.join(units)}", f"{en} {', '.join(units)}"
    return {"datetime": w3c(at), "type": kind, "description": f"{zh} / {en}", "units": units}


def _unit_names(session, incidents):
    codes = set()
    for incident in incidents:
        for event in incident.events:
            payload = event.payload or {}
            codes.update(c for c in [payload.get("lead_unit"), payload.get("from_unit")] if c)
            codes.update(payload.get("co_units") or [])
    if not codes:
        return {}
    return dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all())


def _whistle_notes(session, incident_ids):
    rows = session.execute(
        select(Whistle, whistle_incident.c.incident_id).join(whistle_incident)
        .where(whistle_incident.c.incident_id.in_(incident_ids))
        .options(selectinload(Whistle.summonses).joinedload(Summons.unit)))
    notes = {}
    for whistle, incident_id in rows:
        summoned = [s.unit.name for s in whistle.summonses]
        found = [(whistle.blown_at, _note(whistle.blown_at, "whistle", BLOWN, summoned))]
        found += [(s.checked_in_at, _note(s.checked_in_at, "checkin", CHECKED_IN, [s.unit.name]))
                  for s in whistle.summonses if s.checked_in_at]
        notes.setdefault(incident_id, []).extend(found)
    return notes
