"""What each action does to a case besides its state: fields, units, clocks, orders, whistles.

One small function per action, looked up in `EFFECTS`; the transition table decided already
that the action is allowed, so these only carry it out.
"""
from sqlalchemy import select

from gridops.dispatch import clocks, escalation, whistles
from gridops.dispatch.catalog import category_by_key
from gridops.dispatch.models import Incident, SupervisionOrder
from gridops.dispatch.routing import grid_station_for, suggest_units, units_by_code
from gridops.dispatch.sla import limit_for
from gridops.errors import NotFound, ValidationError


def nothing(ctx):
    """Change nothing but the timeline (comments)."""


def start_step(ctx, kind):
    """Start the clock of the step `kind` with the limit the policy gives this case."""
    incident = ctx.incident
    limit = limit_for(ctx.session, kind, incident.urgency, incident.category)
    return clocks.start(ctx.session, incident, kind, limit, ctx.now, ctx.calendar)


def accept(ctx):
    incident, f = ctx.incident, ctx.fields
    if f["category"]:
        incident.category = category_by_key(ctx.session, f["category"])
    incident.urgency = f["urgency"] or incident.urgency
    incident.triage, incident.accepted_at = f["triage"], ctx.now
    clocks.stop(ctx.session, incident, ctx.now, ["screening"])
    clocks.stop(ctx.session, incident, ctx.now, ["onsite_check"], outcome="cancelled")
    if f["triage"] == "private":
        incident.closing_note, incident.closed_at = f["note"], ctx.now
        return
    _route(ctx, f["lead_unit"], f["co_units"])
    start_step(ctx, "sign")
    if f["triage"] == "hard":
        # 难事 needs several departments at once: it goes straight to a whistle.
        whistles.blow(ctx.session, [incident], "public_demand", ctx.actor, ctx.now,
                      note=f["note"])
    # The category's escalation policy may whistle at once (emergencies, class 04).
    escalation.on_accept(ctx.session, incident, ctx.now)


def _route(ctx, lead_code, co_codes):
    """Set the lead and co-units: as given, else a grid station for 小事, else the list."""
    incident = ctx.incident
    suggestion = suggest_units(ctx.session, incident.category, ctx_area_chain(incident))
    if lead_code:
        lead = units_by_code(ctx.session, [lead_code])[0]
    elif incident.triage == "small":
        lead = grid_station_for(ctx.session, incident.community.code) or suggestion.lead
    else:
        lead = suggestion.lead
    if lead is None:
        raise ValidationError("No unit is responsible for this category here: name a lead unit.",
                              extra={"errors": [{"field": "lead_unit", "problem": "required"}]})
    co = units_by_code(ctx.session, co_codes) if co_codes is not None else (
        [] if incident.triage == "small" else list(suggestion.co_units))
    incident.lead_unit = lead
    incident.co_units = [u for u in co if u.id != lead.id]
    ctx.payload.update(lead_unit=lead.code, co_units=[u.code for u in incident.co_units])


def ctx_area_chain(incident):
    return [incident.grid.code, incident.community.code, incident.street.code,
            incident.district.code]


def reject(ctx):
    ctx.incident.closing_note, ctx.incident.closed_at = ctx.fields["reason"], ctx.now
    _end(ctx)


def merge(ctx):
    target = ctx.session.scalar(select(Incident).where(
        Incident.case_number == ctx.fields["into"]))
    if target is None or target.id == ctx.incident.id or not target.is_open:
        raise NotFound("No open case %(number)s to merge into.", number=ctx.fields["into"])
    ctx.incident.merged_into_id, ctx.incident.closed_at = target.id, ctx.now
    ctx.payload["into_id"] = target.id
    _end(ctx)


def _end(ctx, outcome="cancelled"):
    clocks.stop(ctx.session, ctx.incident, ctx.now, outcome=outcome)
    whistles.close_finished(ctx.session, ctx.incident, ctx.now)


def confirm(ctx):
    ctx.incident.verified_on_site = ctx.fields["found"]
    clocks.stop(ctx.session, ctx.incident, ctx.now, ["onsite_check"])


def sign(ctx):
    clocks.stop(ctx.session, ctx.incident, ctx.now, ["sign"])
    start_step(ctx, "handling")


def return_(ctx):
    incident = ctx.incident
    incident.return_count += 1
    ctx.payload["from_unit"] = incident.lead_unit.code
    incident.lead_unit, incident.co_units = None, []
    clocks.stop(ctx.session, incident, ctx.now, ["sign"])
    start_step(ctx, "screening")


def assign(ctx):
    incident = ctx.incident
    incident.reassign_count += 1
    incident.extension_request, incident.on_hold_since = None, None
    clocks.stop(ctx.session, incident, ctx.now, ["sign", "handling"], outcome="cancelled")
    _route(ctx, ctx.fields["lead_unit"], ctx.fields["co_units"])
    start_step(ctx, "sign")


def request_extension(ctx):
    f = ctx.fields
    ctx.incident.extension_request = {"kind": "extension", "minutes": f["minutes"],
                                      "reason": f["reason"]}


def request_hold(ctx):
    ctx.incident.extension_request = {"kind": "hold", "reason": ctx.fields["reason"]}


def approve_extension(ctx):
    minutes = ctx.incident.extension_request["minutes"]
    row = clocks.extend(ctx.session, ctx.incident, "handling", minutes, ctx.now, ctx.calendar)
    ctx.incident.extension_request = None
    ctx.payload.update(minutes=minutes, due_at=row.due_at.isoformat() if row else None)


def deny_extension(ctx):
    ctx.payload["request"] = ctx.incident.extension_request
    ctx.incident.extension_request = None


def hold(ctx):
    ctx.incident.on_hold_since, ctx.incident.extension_request = ctx.now, None
    clocks.pause(ctx.session, ctx.incident, "handling", ctx.now)


def resume(ctx):
    ctx.incident.on_hold_since = None
    clocks.resume(ctx.session, ctx.incident, "handling", ctx.now, ctx.calendar)


def submit_result(ctx):
    incident = ctx.incident
    incident.result_note, incident.handled_at = ctx.fields["note"], ctx.now
    incident.on_hold_since, incident.extension_request = None, None
    clocks.stop(ctx.session, incident, ctx.now, ["handling"])
    start_step(ctx, "verification")


def verify(ctx):
    clocks.stop(ctx.session, ctx.incident, ctx.now, ["verification"])
    if ctx.fields["passed"]:
        start_step(ctx, "evaluation")
    else:
        ctx.incident.rework_count += 1
        start_step(ctx, "handling")


def evaluate(ctx):
    f = ctx.fields
    ctx.incident.satisfaction = f["satisfaction"]
    if f["unit_score"] is not None:
        ctx.incident.unit_score = f["unit_score"]


def close(ctx):
    ctx.incident.closed_at = ctx.now
    _end(ctx, outcome="met")


def reopen(ctx):
    ctx.incident.rework_count += 1
    ctx.incident.closed_at = None
    clocks.stop(ctx.session, ctx.incident, ctx.now, ["evaluation"], outcome="cancelled")
    start_step(ctx, "handling")


def supervise(ctx):
    order = SupervisionOrder(incident_id=ctx.incident.id, unit_id=ctx.incident.lead_unit_id,
                             reason="manual", note=ctx.fields["note"],
                             issued_by_id=ctx.actor.user_id, issued_at=ctx.now)
    ctx.session.add(order)
    # A second order on the same case escalates by the policy (it blows the whistle).
    escalation.after_order(ctx.session, ctx.incident, ctx.now)


def whistle(ctx):
    extra = units_by_code(ctx.session, ctx.fields["units"])
    blown = whistles.blow(ctx.session, [ctx.incident], ctx.fields["reason"], ctx.actor, ctx.now,
                          note=ctx.fields["note"], extra_units=extra)
    ctx.payload["whistle_id"] = blown.id


EFFECTS = {
    "accept": accept, "reject": reject, "merge": merge, "confirm": confirm, "sign": sign,
    "return": return_, "assign": assign, "request_extension": request_extension,
    "request_hold": request_hold, "approve_extension": approve_extension,
    "deny_extension": deny_extension, "hold": hold, "resume": resume,
    "submit_result": submit_result, "verify": verify, "evaluate": evaluate, "close": close,
    "reopen": reopen, "supervise": supervise, "whistle": whistle, "comment": nothing,
}
