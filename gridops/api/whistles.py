"""Whistles (吹哨报到): the active ones with their countdowns; check in, summon more, score."""
from datetime import datetime

from flask import request
from flask_login import current_user
from sqlalchemy import select

from gridops.api import ID, bp
from gridops.api.auth import actor_for, require_user
from gridops.api.incidents import json_body, now, scoped
from gridops.api.serialize import local_time, unit_json
from gridops.dispatch import whistles
from gridops.dispatch.checkin import check_in
from gridops.dispatch.models import Incident, Summons, Whistle
from gridops.errors import NotFound, ValidationError
from gridops.extensions import db

STATES = {"active": ("active",), "closed": ("closed",), "all": ("active", "closed")}


@bp.get("/whistles")
@require_user
def list_whistles():
    states = STATES.get(request.args.get("state", "active"))
    if states is None:
        raise ValidationError("state must be active, closed or all.")
    query = _visible(select(Whistle).where(Whistle.state.in_(states)), current_user)
    at = now()
    return {"items": [whistle_json(w, at) for w in
                      db.session.scalars(query.order_by(Whistle.blown_at.desc()).limit(200))]}


@bp.post(f"/whistles/<{ID}:whistle_id>/checkin")
@require_user
def check_in_to(whistle_id):
    body = json_body()
    whistle = _visible_whistle(whistle_id)
    summons = next((s for s in whistle.summonses if s.unit_id == current_user.unit_id), None)
    if summons is None:
        raise NotFound("Your unit was not summoned to whistle %(id)s.", id=whistle_id)
    location = (body.get("lat"), body.get("lon")) if "lat" in body or "lon" in body else None
    check_in(db.session, summons.id, current_user, body.get("attendee"),
             _instant(body.get("arrive_at"), "arrive_at"), location, now())
    db.session.commit()
    return whistle_json(whistle, now())


@bp.post(f"/whistles/<{ID}:whistle_id>/summons")
@require_user
def summon_units(whistle_id):
    body = json_body()
    _visible_whistle(whistle_id)
    units = body.get("units")
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        raise ValidationError("Send the units to summon as a list of unit codes.",
                              extra={"errors": [{"field": "units", "problem": "required"}]})
    whistles.summon_more(db.session, whistle_id, units, actor_for(current_user), now())
    db.session.commit()
    return whistle_json(db.session.get(Whistle, whistle_id), now()), 201


@bp.post(f"/whistles/<{ID}:whistle_id>/scores")
@require_user
def score_units(whistle_id):
    scores = json_body().get("scores")
    _visible_whistle(whistle_id)
    if not isinstance(scores, dict) or not scores:
        raise ValidationError("Send the scores as {\"scores\": {\"unit code\": 0-100}}.",
                              extra={"errors": [{"field": "scores", "problem": "required"}]})
    actor = actor_for(current_user)
    for unit_code, value in scores.items():
        whistles.score(db.session, whistle_id, unit_code, value, actor)
    db.session.commit()
    return whistle_json(db.session.get(Whistle, whistle_id), now())


def whistle_json(whistle, at):
    """Return the API view of a whistle, each summons with its check-in countdown."""
    return {
        "id": whistle.id, "state": whistle.state, "reason": whistle.reason, "note": whistle.note,
        "blown_at": local_time(whistle.blown_at), "blown_by_id": whistle.blown_by_id,
        "closed_at": local_time(whistle.closed_at),
        "escalated_at": local_time(whistle.escalated_at),
        "incidents": [{"id": i.id, "case_number": i.case_number, "state": i.state}
                      for i in whistle.incidents],
        "summonses": [summons_json(s, at) for s in whistle.summonses],
    }


def summons_json(summons, at):
    """Return one summoned unit: its deadline, seconds left (negative: overdue), its check-in."""
    waiting = summons.checked_in_at is None and summons.whistle.state == "active"
    return {
        "unit": unit_json(summons.unit), "added_by": summons.added_by, "status": summons.status,
        "checkin_due_at": local_time(summons.checkin_due_at),
        "seconds_left": int((summons.checkin_due_at - at).total_seconds()) if waiting else None,
        "checked_in_at": local_time(summons.checked_in_at), "attendee": summons.attendee,
        "arrive_at": local_time(summons.arrive_at), "escalated_at":
        local_time(summons.escalated_at), "score": summons.score,
    }


def supervision_order_json(order):
    """Return a supervision order (督办单) as the case view shows it."""
    return {"id": order.id, "reason": order.reason, "note": order.note,
            "unit": unit_json(order.unit), "deadline_id": order.deadline_id,
            "issued_by_id": order.issued_by_id, "issued_at": local_time(order.issued_at)}


def _visible(query, user):
    """Narrow a whistle query to what the user may see: their areas' cases, or their unit's."""
    if user.role == "admin":
        return query
    if user.role == "department":
        return query.where(Whistle.summonses.any(Summons.unit_id == user.unit_id))
    cases = scoped(select(Incident.id), user)
    return query.where(Whistle.incidents.any(Incident.id.in_(cases)))


def _visible_whistle(whistle_id):
    whistle = db.session.scalar(_visible(select(Whistle).where(Whistle.id == whistle_id),
                                         current_user))
    if whistle is None:
        raise NotFound("No whistle %(id)s.", id=whistle_id)
    return whistle


def _instant(value, field):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError("%(field)s must be an ISO 8601 time with its offset.", field=field,
                              extra={"errors": [{"field": field, "problem": "iso8601"}]})
    return moment


def _documented():
    """Add the whistle paths to the OpenAPI document."""
    from gridops.api.openapi import EXTRA_PATHS, ID_SCHEMA, _query, json_body as body_of, ok, \
        problem_responses
    whistle = {"type": "object", "required": ["id", "state", "reason"]}
    page = {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": whistle}}}
    path_id = {"name": "whistle_id", "in": "path", "required": True, "schema": ID_SCHEMA}

    def post(operation_id, summary, body, status=200):
        return {"operationId": operation_id, "tags": ["whistles"], "summary": summary,
                "parameters": [path_id], "requestBody": body_of(body),
                "responses": {**ok(whistle, status),
                              **problem_responses(400, 401, 403, 404, 415, 422)}}

    EXTRA_PATHS.extend([
        ("/whistles", "get", {
            "operationId": "whistles", "tags": ["whistles"],
            "summary": "Whistles in your scope with each summoned unit's check-in countdown",
            "parameters": [_query("state", "active (default), closed or all",
                                  {"enum": list(STATES)})],
            "responses": {**ok(page), **problem_responses(400, 401)}}),
        ("/whistles/{whistle_id}/checkin", "post", post(
            "check_in", "Check in (报到) for your unit: who is coming, when, optionally where",
            {"type": "object", "required": ["attendee"], "properties": {
                "attendee": {"type": "string", "minLength": 1}, "arrive_at": {"type": "string"},
                "lat": {"type": "number"}, "lon": {"type": "number"}}})),
        ("/whistles/{whistle_id}/summons", "post", post(
            "summon", "Summon more units", {"type": "object", "required": ["units"], "properties": {
                "units": {"type": "array", "minItems": 1, "items": {"type": "string"}}}}, 201)),
        ("/whistles/{whistle_id}/scores", "post", post(
            "score", "Score the summoned units' response (0–100)",
            {"type": "object", "required": ["scores"], "properties": {
                "scores": {"type": "object", "minProperties": 1, "additionalProperties": {
                    "type": "integer", "minimum": 0, "maximum": 100}}}})),
    ])


_documented()
