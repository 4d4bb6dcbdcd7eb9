"""上报: the worker's report form, the JSON intake its outbox posts to, and photo uploads.

The phone saves a report before sending it and sends it with its client_id until the server
answers; intake is idempotent on client_id, so a retry returns the same case.
"""
from datetime import datetime, timezone

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from gridops.api.auth import actor_for
from gridops.api.locating import locator_for
from gridops.dispatch.intake import report_incident, validate_report
from gridops.dispatch.models import Incident
from gridops.errors import ValidationError
from gridops.extensions import db
from gridops.phone import bp
from gridops.phone.context import (bbox_of, category_choices, map_tiles, scope_codes,
                                   worker_grids)
from gridops.phone.errors import REFUSALS, problem_for
from gridops.photos.errors import PhotoRefused
from gridops.photos.operations import attach, clean_upload
from gridops.web.access import signed_in
from gridops.web.problems import problem

#: Fields the phone sends that intake takes as they are.
REPORT_FIELDS = ("client_id", "lat", "lon", "accuracy_m", "category", "description", "urgency",
                 "self_handled")
PHOTO_ROLES = ("report", "before", "after")
MAX_PHOTOS = 8


def now():
    return datetime.now(timezone.utc)


@bp.get("/")
@signed_in("grid_worker")
def report():
    """Show the report form with the worker's grids and usual categories."""
    pinned, groups = category_choices(db.session, current_user, now())
    grids = worker_grids(db.session, current_user)
    return render_template(
        "phone/report.html", pinned=pinned, groups=groups, grids=grids,
        bbox=bbox_of(db.session, scope_codes(current_user)), tiles=map_tiles())


@bp.get("/csrf")
@signed_in()
def csrf_token():
    """Return a fresh CSRF token: the outbox asks before sending, the page may be old."""
    return {"csrf_token": generate_csrf()}


@bp.post("/reports")
@signed_in("grid_worker")
def submit():
    """Create the case for a report from the outbox; a repeated client_id returns it again."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, "validation_error", _("The report could not be read."))
    try:
        incident, created = _intake(body)
    except REFUSALS as error:
        db.session.rollback()
        return problem_for(error)
    if incident.reporter_id != current_user.id:
        db.session.rollback()
        return problem(409, "conflict", _("This report number is already in use."))
    db.session.commit()
    return _receipt(incident), 201 if created else 200


def _intake(body):
    _check_photos_promised(body)
    raw = {k: body[k] for k in REPORT_FIELDS if body.get(k) not in (None, "")}
    raw["address"] = _place_note(body)
    report = validate_report(raw)
    if not report.client_id:
        raise ValidationError(extra={"errors": [{"field": "client_id", "problem": "required"}]})
    return report_incident(
        db.session, report, "grid_worker", actor_for(current_user), now(),
        locator_for(current_app, db.session).locate,
        self_handled_state=current_app.config["GRIDOPS_SELF_HANDLED_STATE"],
        source_detail="phone")


def _check_photos_promised(body):
    # Photos follow the report; a self-handled case must come with both sides of the fix.
    roles = body.get("photos") or []
    if body.get("self_handled") and not {"before", "after"} <= set(roles):
        raise ValidationError("A self-handled report needs a photo before and after the fix.")


def _place_note(body):
    """Say how the place was chosen when it was not a GPS fix, for the dispatcher."""
    if body.get("located_by") == "grid":
        return _("Place: a point inside grid %(grid)s, chosen by the worker",
                 grid=str(body.get("grid_name", ""))[:100])
    if body.get("located_by") == "map":
        return _("Place: picked on the map by the worker")
    return None


def _receipt(incident):
    return {"id": incident.id, "case_number": incident.case_number, "state": incident.state,
            "photos": [{"role": p.role, "sha256": p.sha256} for p in incident.photos],
            "url": url_for("phone.my_report", incident_id=incident.id)}


@bp.post("/reports/<client_id>/photos")
@signed_in("grid_worker")
def add_photo(client_id):
    """Attach one photo (field `photo`, `role`) to the worker's report `client_id`."""
    incident = db.session.scalar(select(Incident).where(
        Incident.client_id == client_id, Incident.reporter_id == current_user.id)
        .with_for_update())  # one upload at a time per case, so the photo limit holds
    if incident is None:
        return problem(404, "not_found", _("This report has not reached the server yet."))
    role, file = request.form.get("role", "report"), request.files.get("photo")
    if role not in PHOTO_ROLES or file is None:
        return problem(400, "validation_error", _("Send one photo with its role."))
    try:
        photo = clean_upload(current_app, file.stream)
        row, created = attach(db.session, incident, photo, role, limit=MAX_PHOTOS)
    except PhotoRefused as refusal:  # 422, or 507 on a full disk: the outbox tries again later
        db.session.rollback()
        return problem_for(refusal)
    db.session.commit()
    return {"sha256": row.sha256, "role": row.role, "case_number": incident.case_number}, \
        201 if created else 200


@bp.errorhandler(413)
def too_large(_error):
    return problem(413, "payload_too_large", _("The photo is too large to send."))
