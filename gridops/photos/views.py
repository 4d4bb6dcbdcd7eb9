"""Serve a case's photos to the people who may see the case; store uploads for actions."""
from flask import current_app, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from gridops.api.auth import actor_for
from gridops.api.errors import STATUS
from gridops.dispatch.decide import may_see
from gridops.dispatch.models import Incident, Photo
from gridops.dispatch.operations import facts_of
from gridops.extensions import db
from gridops.photos import bp, store
from gridops.photos.errors import PhotoRefused
from gridops.photos.operations import clean_upload
from gridops.web.access import signed_in
from gridops.web.problems import problem

#: Content-addressed files never change: browsers may keep them, but only privately.
CACHE_SECONDS = 30 * 24 * 3600


@bp.get("/<sha256>.jpg", defaults={"size": "full"})
@bp.get("/<sha256>.thumb.jpg", defaults={"size": "thumb"})
@signed_in()
def show(sha256, size):
    """Send a stored photo if it belongs to a case the user may see."""
    if not store.SHA256.match(sha256) or not _visible(sha256):
        return problem(404, "not_found", _("No such photo."))
    path = store.path_of(store.upload_dir(current_app), sha256, size)
    if not path.exists():
        return problem(404, "not_found", _("No such photo."))
    response = send_file(path, mimetype="image/jpeg", max_age=CACHE_SECONDS)
    response.cache_control.private = True
    response.cache_control.public = False
    return response


def _visible(sha256):
    if current_user.role == "admin":
        return True
    actor = actor_for(current_user)
    incidents = db.session.scalars(select(Incident).join(Photo, Photo.incident_id == Incident.id)
                                   .where(Photo.sha256 == sha256))
    # A worker who reported outside their own grids still sees their report's photos.
    return any(incident.reporter_id == current_user.id or may_see(actor, facts_of(incident))
               for incident in incidents)


@bp.post("")
@signed_in()
def upload():
    """Clean and store one photo (field `photo`); return its id for an action's `photos`."""
    file = request.files.get("photo")
    if file is None:
        return problem(400, "validation_error", _("Choose a photo to send."))
    try:
        photo = clean_upload(current_app, file.stream)
    except PhotoRefused as refusal:  # 422, or 507 when the disk is full (try again later)
        return problem(STATUS.get(refusal.code, 422), refusal.code, refusal.message())
    return {"id": photo.sha256, "width": photo.width, "height": photo.height}, 201
