"""The pure decision: may this actor take this action on this case now, and where does it lead?

No database here: callers pass the facts. The order of checks is deliberate: who you are
(403) before what you saw (409) before what the state allows (422) before what you sent (400),
so a refusal never leaks more than the caller may know.
"""
from dataclasses import dataclass, field

from pydantic import ValidationError as PydanticError

from gridops.dispatch.transitions import ACTIONS, DISPATCH, TABLE
from gridops.errors import Forbidden, InvalidTransition, NotFound, ValidationError, VersionConflict


@dataclass(frozen=True)
class Actor:
    """Who acts: a user's role and scope, a resident with a tracking link, or the system."""

    role: str
    label: str
    user_id: int | None = None
    unit_id: int | None = None
    area_codes: frozenset = frozenset()
    #: For a reporter acting through the tracking link: the one case they may rate.
    incident_id: int | None = None


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about a case."""

    id: int
    state: str
    version: int
    area_codes: frozenset
    lead_unit_id: int | None = None
    co_unit_ids: frozenset = frozenset()
    on_hold: bool = False
    pending_request: str | None = None


@dataclass(frozen=True)
class Decision:
    action: str
    from_state: str
    to_state: str
    fields: dict = field(default_factory=dict)


def in_scope(actor, facts):
    """Return whether the case is within the actor's scope."""
    if actor.role in ("dispatcher", "district", "grid_worker"):
        return bool(actor.area_codes & facts.area_codes)
    if actor.role == "department":
        return actor.unit_id is not None and actor.unit_id == facts.lead_unit_id
    if actor.role == "reporter":
        return actor.incident_id == facts.id
    return False


def may_see(actor, facts):
    """Return whether the actor may read the case: its scope, or a co-unit's."""
    return in_scope(actor, facts) or (actor.role == "department"
                                      and actor.unit_id in facts.co_unit_ids)


def decide(facts, action, actor, raw_fields, sent_version):
    """Return the Decision for `action`, or raise the domain error that refuses it."""
    if action not in ACTIONS:
        raise NotFound("Unknown action %(action)s.", action=action)
    if not any(actor.role in row.roles for (_, a), row in TABLE.items() if a == action):
        raise Forbidden("Role %(role)s may not %(action)s.", role=actor.role, action=action)
    if not in_scope(actor, facts):
        raise Forbidden("This case is outside your scope.")
    if sent_version != facts.version:
        raise VersionConflict(current=facts.version, sent=sent_version,
                              extra={"current_version": facts.version})
    row = TABLE.get((facts.state, action))
    if row is None:
        raise InvalidTransition(action=action, state=facts.state)
    if actor.role not in row.roles:
        raise Forbidden("Role %(role)s may not %(action)s.", role=actor.role, action=action)
    fields = validate_fields(row.params, raw_fields)
    if row.guard:
        GUARDS[row.guard](facts, fields, actor)
    return Decision(action, facts.state, row.target(fields), fields)


def validate_fields(model, raw):
    """Return the action's fields validated by its pydantic model, or raise ValidationError."""
    try:
        return model.model_validate(raw or {}).model_dump()
    except PydanticError as error:
        problems = [{"field": ".".join(map(str, e["loc"])), "problem": e["msg"]}
                    for e in error.errors()]
        raise ValidationError(extra={"errors": problems}) from None


def _refuse(facts, why):
    raise InvalidTransition("Not allowed in state %(state)s: %(why)s", state=facts.state, why=why)


def _advice_for_private(facts, fields, actor):
    if fields["triage"] == "private" and not fields.get("note"):
        _refuse(facts, "a private matter (私事) closes with the advice given: send a note")


def _no_pending_request(facts, fields, actor):
    if facts.pending_request:
        _refuse(facts, "a request is already waiting for the dispatcher")


def _pending_request(facts, fields, actor):
    if not facts.pending_request:
        _refuse(facts, "there is no pending request")


def _pending_extension(facts, fields, actor):
    if facts.pending_request != "extension":
        _refuse(facts, "there is no pending extension request")


def _on_hold(facts, fields, actor):
    if not facts.on_hold:
        _refuse(facts, "the case is not on hold")


def _not_on_hold(facts, fields, actor):
    if facts.on_hold:
        _refuse(facts, "the case is already on hold")


def _score_by_dispatch(facts, fields, actor):
    if fields.get("unit_score") is not None and actor.role not in DISPATCH:
        _refuse(facts, "only the command centre scores units")


def _lead_unit_set(facts, fields, actor):
    if facts.lead_unit_id is None and not fields.get("units"):
        _refuse(facts, "name the units to summon: the case has no lead unit yet")


GUARDS = {
    "advice_for_private": _advice_for_private,
    "no_pending_request": _no_pending_request,
    "pending_request": _pending_request,
    "pending_extension": _pending_extension,
    "on_hold": _on_hold,
    "not_on_hold": _not_on_hold,
    "score_by_dispatch": _score_by_dispatch,
    "lead_unit_set": _lead_unit_set,
}
