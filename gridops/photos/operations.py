"""Attach stored photos to a case, once each."""
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import func, select

from gridops.dispatch.models import Photo
from gridops.photos import store
from gridops.photos.errors import StorageFull, TooManyPhotos, UnknownPhoto
from gridops.photos.process import clean_photo

ROLES = ("report", "before", "after", "result", "check")
#: Which role the photos an action sends get on the case.
ACTION_ROLES = {"submit_result": "result", "verify": "check"}
MAX_PER_CASE = 12


def clean_upload(app, stream):
    """Return the uploaded file as a CleanPhoto, stored; raise PhotoRefused otherwise."""
    photo = clean_only(app, stream)
    store.save(store.upload_dir(app), photo)
    return photo


def clean_only(app, stream):
    """Return the uploaded file as a CleanPhoto, not stored yet; raise PhotoRefused otherwise."""
    return clean_photo(stream, app.config["GRIDOPS_PHOTO_MAX_BYTES"],
                       app.config["GRIDOPS_PHOTO_MAX_PIXELS"])


def store_and_attach(app, session, incident, photos, role):
    """Store cleaned `photos` and attach them to the case; return how many did not fit.

    A full disk must not cost the report: the case keeps the photos stored so far, and the
    caller tells the sender that the others were not saved.
    """
    for done, photo in enumerate(photos):
        try:
            store.save(store.upload_dir(app), photo)
        except StorageFull:
            return len(photos) - done
        attach(session, incident, photo, role)
    return 0


def attach(session, incident, photo, role, event_id=None, limit=MAX_PER_CASE):
    """Return the case's Photo row for `photo` in `role`, adding it if new. Flushes."""
    existing = session.scalar(select(Photo).where(
        Photo.incident_id == incident.id, Photo.sha256 == photo.sha256, Photo.role == role))
    if existing is not None:
        return existing, False
    count = session.scalar(select(func.count()).select_from(Photo).where(
        Photo.incident_id == incident.id))
    if count >= limit:
        raise TooManyPhotos(limit=limit)
    row = Photo(incident_id=incident.id, role=role, sha256=photo.sha256, width=photo.width,
                height=photo.height, event_id=event_id)
    session.add(row)
    session.flush()
    return row, True


def attach_stored(session, root, incident, shas, role, event_id=None):
    """Attach photos already stored under `root` (by their sha256) to the case in `role`."""
    for sha in dict.fromkeys(shas):
        try:
            with Image.open(store.path_of(root, sha)) as image:
                width, height = image.size
        except (OSError, ValueError):
            raise UnknownPhoto(sha=sha) from None
        photo = _Stored(sha256=sha, width=width, height=height)
        attach(session, incident, photo, role, event_id)


@dataclass(frozen=True)
class _Stored:
    sha256: str
    width: int
    height: int
