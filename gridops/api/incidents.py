"""Incidents: report, list, read, act."""
from datetime import datetime, timezone

from flask import current_app, request
from flask_login import current_user
from geoalchemy2.shape import to_shape
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from gridops.api import ID, bp
from gridops.api.auth import actor_for, require_user
from gridops.api.serialize import incident_json, local_time
from gridops.dispatch.decide import in_scope, may_see
from gridops.dispatch.intake import report_incident, validate_report
from gridops.dispatch.models import Category, Event, Incident, Unit
from gridops.dispatch.models.incident import STATES, incident_co_unit
from gridops.dispatch.operations import apply_action, facts_of
from gridops.dispatch.transitions import transitions_from
from gridops.errors import NotFound, ValidationError
from gridops.extensions import db
from gridops.api.locating import locator_for
from gridops.geo.models import Area
from gridops.geo.nearby import duplicate_settings, possible_duplicates
from gridops.photos.operations import ACTION_ROLES, attach_stored
from gridops.photos.store import upload_dir

SOURCE_OF_ROLE = {"grid_worker": "grid_worker"}
#: The largest case id: incident.id is a PostgreSQL integer; a larger cursor is refused (400).
MAX_ID = 2**31 - 1
#: What a page of cases shows, loaded in a handful of queries instead of several per case.
LIST_LOADS = [selectinload(getattr(Incident, name)) for name in (
    "category", "grid", "community", "street", "district", "lead_unit", "co_units", "deadlines")]


def now():
    return datetime.now(timezone.utc)


def json_body():
    """Return the request's JSON object, or raise ValidationError."""
    if not request.is_json:
        raise UnsupportedMediaType()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("The body must be a JSON object.")
    return body


class UnsupportedMediaType(ValidationError):
    code = "unsupported_media_type"
    template = "Send the body as application/json."


@bp.post("/incidents")
@require_user
def create_incident():
    report = validate_report(json_body())
    actor = actor_for(current_user)
    source = SOURCE_OF_ROLE.get(current_user.role, "api")
    incident, created = report_incident(
        db.session, report, source, actor, now(), locator_for(current_app, db.session).locate,
        self_handled_state=current_app.config["GRIDOPS_SELF_HANDLED_STATE"],
        source_detail=_token_name())
    # Serialised from the flushed rows before the commit, which expires them all: afterwards
    # every attribute and relation would be read again, ten queries for what we hold already.
    body = incident_json(incident, duplicates=duplicates_of(incident))
    db.session.commit()
    return body, 201 if created else 200


def duplicates_of(incident):
    """Return open cases of the same category near this one, for screening (nearest first)."""
    if incident.state != "screening":
        return None
    point = to_shape(incident.point)
    rows = possible_duplicates(db.session, point.x, point.y, incident.category_id, now(),
                               *duplicate_settings(current_app.config), exclude_id=incident.id)
    return [{"id": other.id, "case_number": other.case_number, "state": other.state,
             "distance_m": round(metres, 1), "reported_at": local_time(other.reported_at)}
            for other, metres in rows]


def _token_name():
    header = request.headers.get("Authorization", "")
    return "api-token" if header.lower().startswith("bearer ") else "session"


@bp.get("/incidents")
@require_user
def list_incidents():
    """List the cases in the caller's scope, newest first, a keyset page at a time."""
    size = _int_arg("page_size", current_app.config["GRIDOPS_PAGE_SIZE"], 1, 500)
    rows = db.session.scalars(list_query(current_user, request.args).options(*LIST_LOADS)
                              .limit(size + 1)).all()
    page = rows[:size]
    next_cursor = cursor_of(page[-1]) if len(rows) > size else None
    return {"items": [incident_json(i) for i in page], "next_cursor": next_cursor}


def list_query(user, args):
    """Return the ordered query of the list page `args` ask for (filters and cursor)."""
    query = _filtered(scoped(select(Incident), user), args)
    if "cursor" in args:
        query = query.where(Incident.id < _int_arg("cursor", 0, 1, MAX_ID))
    return query.order_by(Incident.id.desc())


def cursor_of(incident):
    """Return the cursor of the page after `incident`."""
    return incident.id


def scoped(query, user):
    """Narrow `query` to the cases the user may see."""
    if user.role == "admin":
        return query
    if user.role == "department":
        co = select(incident_co_unit.c.incident_id).where(incident_co_unit.c.unit_id == user.unit_id)
        return query.where(or_(Incident.lead_unit_id == user.unit_id, Incident.id.in_(co)))
    return query.where(in_areas([link.area_code for link in user.area_links]))


#: The incident column that records an area of each level.
AREA_COLUMNS = {"grid": Incident.grid_id, "community": Incident.community_id,
                "street": Incident.street_id, "district": Incident.district_id}


def in_areas(codes):
    """Return the condition "recorded in one of these areas" (in any version of each).

    The ids are looked up first, so the planner gets plain values on the one column of each
    area's level, which the indexes serve, rather than four subqueries it can only filter by.
    """
    found = db.session.execute(select(Area.level, Area.id).where(Area.code.in_(codes))).all()
    ids = {}
    for level, area_id in found:
        if level in AREA_COLUMNS:
            ids.setdefault(level, []).append(area_id)
    return or_(false(), *(AREA_COLUMNS[level].in_(values) for level, values in ids.items()))


def _filtered(query, args):
    if args.get("state"):
        states = args.get("state").split(",")
        if not set(states) <= set(STATES):
            raise ValidationError("Unknown state %(state)s.", state=args.get("state"))
        query = query.where(Incident.state.in_(states))
    if args.get("area"):
        query = query.where(in_areas([args["area"]]))
    if args.get("unit"):
        query = query.where(Incident.lead_unit_id.in_(select(Unit.id).where(
            Unit.code == args["unit"])))
    if args.get("category"):
        kind, _, code = args["category"].partition(":")
        query = query.where(Incident.category_id.in_(select(Category.id).where(
            Category.kind == kind, (Category.code == code) | (Category.parent_code == code))))
    if args.get("overdue") in ("1", "true"):
        query = query.where(Incident.due_at < now())
    return query


def _int_arg(name, default, low, high):
    raw = request.args.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError("%(name)s must be a whole number.", name=name) from None
    if not low <= value <= high:
        raise ValidationError("%(name)s must be between %(low)s and %(high)s.",
                              name=name, low=low, high=high)
    return value


def visible_incident(incident_id):
    """Return the case if the current user may see it; 404 otherwise, so ids don't leak."""
    incident = db.session.get(Incident, incident_id)
    actor = actor_for(current_user)
    if incident is None or not (current_user.role == "admin"
                                or may_see(actor, facts_of(incident))):
        raise NotFound("No case %(id)s.", id=incident_id)
    return incident


def allowed_actions(incident, actor):
    """Return the actions this actor may take on the case now, from the transition table."""
    facts = facts_of(incident)
    if not in_scope(actor, facts):
        return []
    return [row.action for row in transitions_from(incident.state) if actor.role in row.roles]


@bp.get(f"/incidents/<{ID}:incident_id>")
@require_user
def get_incident(incident_id):
    incident = visible_incident(incident_id)
    return incident_json(incident, detail=True, duplicates=duplicates_of(incident),
                         allowed=allowed_actions(incident, actor_for(current_user)))


@bp.post(f"/incidents/<{ID}:incident_id>/actions/<action>")
@require_user
def act(incident_id, action):
    visible_incident(incident_id)
    body = json_body()
    version = body.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError("Send the version of the case you saw.",
                              extra={"errors": [{"field": "version", "problem": "required"}]})
    actor = actor_for(current_user)
    incident = apply_action(db.session, incident_id, action, actor, body, version, now())
    if body.get("photos") and action in ACTION_ROLES:
        event_id = db.session.scalar(select(Event.id).where(Event.incident_id == incident.id)
                                     .order_by(Event.id.desc()).limit(1))
        attach_stored(db.session, upload_dir(current_app), incident, body["photos"],
                      ACTION_ROLES[action], event_id)
    db.session.commit()
    return incident_json(incident, detail=True, allowed=allowed_actions(incident, actor))
