"""我的任务: on-site checks (核实), result checks (核查) and return visits (回访) in my grids.

Each task is an open deadline of a case in the worker's scope; acting on it is the loop's
own action (`confirm`, `verify`, `evaluate`) through `apply_action`.
"""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from gridops.api.auth import actor_for
from gridops.dispatch.clocks import OPEN
from gridops.dispatch.models import Deadline, Incident
from gridops.dispatch.operations import apply_action
from gridops.extensions import db
from gridops.geo.models import Area
from gridops.phone import bp
from gridops.phone.context import scope_codes
from gridops.phone.errors import REFUSALS, readable
from gridops.web.access import signed_in

#: deadline kind -> (state the case is in, action that does the task, its name)
TASKS = {
    "onsite_check": ("screening", "confirm", _l("On-site check")),
    "verification": ("supervision", "verify", _l("Result check")),
    "evaluation": ("evaluation", "evaluate", _l("Return visit")),
}


def now():
    return datetime.now(timezone.utc)


def light(deadline, moment):
    """Return green (< 80 % of the limit used), yellow (80–100 %) or red (over the limit)."""
    if deadline.paused_at is not None:
        moment = deadline.paused_at
    if moment > deadline.due_at:
        return "red"
    return "yellow" if moment >= deadline.warn_at else "green"


def in_scope(codes):
    """Return the condition: the case lies in one of the areas `codes` (any level)."""
    ids = select(Area.id).where(Area.code.in_(codes)).scalar_subquery()
    return or_(Incident.grid_id.in_(ids), Incident.community_id.in_(ids),
               Incident.street_id.in_(ids))


def open_tasks(session, user, incident_id=None):
    """Return [(incident, deadline)] of the user's tasks, the newest deadline first."""
    kind_matches = [and_(Deadline.kind == kind, Incident.state == state)
                    for kind, (state, _action, _name) in TASKS.items()]
    query = (select(Incident, Deadline).join(Deadline, Deadline.incident_id == Incident.id)
             .where(Deadline.state.in_(OPEN), or_(*kind_matches), in_scope(scope_codes(user)),
                    # A return visit is done once someone recorded the satisfaction.
                    or_(Deadline.kind != "evaluation", Incident.satisfaction.is_(None)))
             .options(selectinload(Incident.category), selectinload(Incident.grid))
             .order_by(Deadline.started_at.desc(), Deadline.id.desc()))
    if incident_id is not None:
        query = query.where(Incident.id == incident_id)
    return session.execute(query).all()


@bp.get("/tasks")
@signed_in("grid_worker")
def tasks():
    """List my tasks with their deadline and traffic light."""
    moment = now()
    rows = [(incident, deadline, light(deadline, moment))
            for incident, deadline in open_tasks(db.session, current_user)]
    return render_template("phone/tasks.html", rows=rows, names=TASKS)


@bp.get("/tasks/<int:incident_id>")
@signed_in("grid_worker")
def task(incident_id):
    """Show one task: the case, its place and photos, and the form that does it."""
    found = _task_of(incident_id)
    if found is None:
        return render_template("phone/missing.html"), 404
    return _task_page(*found)


def _task_of(incident_id):
    rows = open_tasks(db.session, current_user, incident_id)
    return tuple(rows[0]) if rows else None


def _task_page(incident, deadline, error=None, status=200):
    return render_template("phone/task.html", incident=incident, deadline=deadline,
                           light=light(deadline, now()), action=TASKS[deadline.kind][1],
                           name=TASKS[deadline.kind][2], error=error), status


@bp.post("/tasks/<int:incident_id>/<action>")
@signed_in("grid_worker")
def act(incident_id, action):
    """Do the task: apply the loop's action with what the worker entered."""
    found = _task_of(incident_id)
    if found is None or TASKS[found[1].kind][1] != action:
        flash(_("This task is already done or no longer yours."), "error")
        return redirect(url_for("phone.tasks"))
    try:
        apply_action(db.session, incident_id, action, actor_for(current_user),
                     task_fields(action, request.form), _version(request.form), now())
    except REFUSALS as error:
        db.session.rollback()
        return _task_page(*found, error=readable(error)[2], status=readable(error)[0])
    db.session.commit()
    flash(_("Done: %(task)s of case %(case)s.", task=TASKS[found[1].kind][2],
            case=found[0].case_number))
    return redirect(url_for("phone.tasks"))


def task_fields(action, form):
    """Return the action's fields from the task form (missing answers stay missing)."""
    fields = {"note": form.get("note", "").strip() or None}
    if action == "confirm":
        fields["found"] = _yes_no(form.get("found"))
    elif action == "verify":
        fields["passed"] = _yes_no(form.get("passed"))
    elif action == "evaluate":
        fields.update(satisfaction=form.get("satisfaction"),
                      contacted=form.get("contacted") == "yes",
                      solved=_yes_no(form.get("solved")))
    return fields


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _version(form):
    try:
        return int(form.get("version", ""))
    except ValueError:
        return -1
