"""The case page: place, photos, timeline, deadlines, duplicates, suggested units, and the
forms of exactly the actions the transition table allows this user now."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from gridops.console import bp, labels, live
from gridops.console.access import actor, console_user, missing, now, visible_case
from gridops.console.actions import fields_of, raw_fields
from gridops.console.casepage import case_context
from gridops.console.errors import readable
from gridops.dispatch.models import Event
from gridops.dispatch.operations import apply_action
from gridops.dispatch.transitions import TABLE
from gridops.errors import DomainError
from gridops.extensions import db
from gridops.photos.operations import ACTION_ROLES, attach, clean_upload


@bp.get("/cases/<int:incident_id>")
@console_user
def case(incident_id):
    """Show one case with the actions this user may take on it now."""
    incident = visible_case(incident_id)
    if incident is None:
        return missing()
    return _page(incident)


def _page(incident, error=None, failed=None, sent=None, status=200):
    context = case_context(db.session, current_user, actor(), incident, now(), failed, sent)
    return render_template("console/case.html", labels=labels, error=error,
                           since=live.latest_event_id(db.session), **context), status


@bp.post("/cases/<int:incident_id>/actions/<action>")
@console_user
def act(incident_id, action):
    """Apply one action with the fields of its form; on a refusal show the page and why."""
    incident = visible_case(incident_id)
    if incident is None:
        return missing()
    row = TABLE.get((incident.state, action))
    specs = fields_of(row.params) if row is not None else ()
    try:
        photos = _store_photos(action)
        fields = raw_fields(specs, request.form, [p.sha256 for p in photos])
        apply_action(db.session, incident_id, action, actor(), fields, _version(), now())
        _attach(incident, action, photos)
    except DomainError as error:
        db.session.rollback()
        status, message = readable(error)
        return _page(db.session.get(type(incident), incident_id), message, action,
                     request.form, status)
    db.session.commit()
    flash(_("Done: %(action)s, case %(case)s.", action=labels.verb(action),
            case=incident.case_number))
    if visible_case(incident_id) is None:  # e.g. returned by the department: no longer theirs
        return redirect(url_for("console.home"))
    return redirect(url_for("console.case", incident_id=incident_id))


def _version():
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else -1


def _store_photos(action):
    """Clean and store the photos sent with an action that takes them; return them."""
    if action not in ACTION_ROLES:
        return []
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    return [clean_upload(current_app, f.stream) for f in files]


def _attach(incident, action, photos):
    """Attach the action's photos to the case, linked to the event that action wrote."""
    if not photos:
        return
    event_id = db.session.scalar(select(Event.id).where(
        Event.incident_id == incident.id, Event.action == action)
        .order_by(Event.id.desc()).limit(1))
    for photo in photos:
        attach(db.session, incident, photo, ACTION_ROLES[action], event_id=event_id)
