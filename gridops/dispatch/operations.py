"""Apply an action to a case: lock the row, decide, write state, event and clocks, flush.

Operations flush but never commit; the caller (a view, a CLI command, a job) commits.
"""
from dataclasses import dataclass

from sqlalchemy import select

from gridops.dispatch import clocks, effects
from gridops.dispatch.decide import Actor, Facts, decide
from gridops.dispatch.models import Event, Incident
from gridops.errors import NotFound

SYSTEM = Actor(role="system", label="system")


@dataclass
class Context:
    """What an action's effect needs: the locked case, the decision, who and when."""

    session: object
    incident: Incident
    decision: object
    actor: Actor
    now: object
    #: Extra payload the effect adds to the event (resolved unit codes, counts …).
    payload: dict

    @property
    def fields(self):
        return self.decision.fields

    @property
    def calendar(self):
        return clocks.calendar_for(self.session, self.incident.street.code)


def facts_of(incident):
    """Return the decision facts of a loaded case."""
    return Facts(
        id=incident.id, state=incident.state, version=incident.version,
        area_codes=frozenset(area_codes(incident)),
        lead_unit_id=incident.lead_unit_id,
        co_unit_ids=frozenset(u.id for u in incident.co_units),
        on_hold=incident.on_hold_since is not None,
        pending_request=(incident.extension_request or {}).get("kind"))


def area_codes(incident):
    """Return the case's area codes from grid up to district."""
    return [incident.grid.code, incident.community.code, incident.street.code,
            incident.district.code]


def lock_incident(session, incident_id):
    """Return the case locked FOR UPDATE, or raise NotFound."""
    incident = session.scalar(select(Incident).where(Incident.id == incident_id)
                              .with_for_update(of=Incident))
    if incident is None:
        raise NotFound("No case %(id)s.", id=incident_id)
    return incident


def apply_action(session, incident_id, action, actor, fields, version, now):
    """Apply `action` with `fields` to the case the actor saw at `version`; return the case."""
    incident = lock_incident(session, incident_id)
    decision = decide(facts_of(incident), action, actor, fields, version)
    ctx = Context(session, incident, decision, actor, now, payload={})
    effects.EFFECTS.get(action, effects.nothing)(ctx)
    record(session, incident, action, actor, decision.from_state, decision.to_state, now,
           {**_public(decision.fields), **ctx.payload})
    incident.state = decision.to_state
    incident.version += 1
    incident.updated_at = now
    clocks.refresh_due(session, incident)
    session.flush()
    return incident


def record(session, incident, action, actor, from_state, to_state, now, payload):
    """Append the event of an action to the case's log."""
    event = Event(incident_id=incident.id,
                  **event_values(action, actor, from_state, to_state, now, payload))
    session.add(event)
    return event


def event_values(action, actor, from_state, to_state, now, payload):
    """Return the columns of an action's event, all but its case."""
    return dict(action=action, actor_id=actor.user_id, actor_label=actor.label,
                from_state=from_state, to_state=to_state, payload=payload, at=now)


def _public(fields):
    return {k: v for k, v in fields.items() if v is not None}
