"""Residents' public report page, one per community (reached from its QR poster).

No login: the report always goes to screening as a resident report, which starts the grid
worker's on-site check. Each client may send a limited number per hour.
"""
import secrets
from datetime import datetime, timezone

from flask import (abort, current_app, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from sqlalchemy import func, select

from gridops.api.locating import locator_for
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident, validate_report
from gridops.errors import ValidationError
from gridops.extensions import db
from gridops.geo.display import map_layer
from gridops.geo.models import Area
from gridops.phone import public
from gridops.phone.context import bbox_of, category_groups, map_tiles
from gridops.phone.errors import REFUSALS, readable
from gridops.photos.errors import TooManyPhotos
from gridops.photos.operations import clean_only, store_and_attach
from gridops.web.csrf import recovers
from gridops.web.limits import limited

RESIDENT = Actor(role="resident", label="resident")
MAX_PHOTOS = 6
FIELDS = ("category", "description", "address", "reporter_phone", "lat", "lon", "accuracy_m",
          "client_id")


def now():
    return datetime.now(timezone.utc)


def community_or_404(code):
    area = db.session.scalar(select(Area).where(Area.code == code, Area.level == "community",
                                                Area.valid_to.is_(None)))
    if area is None:
        abort(404)
    return area


@public.get("/r/<code>")
def resident_form(code):
    """Show the community's public report form."""
    return _form(community_or_404(code), {"client_id": secrets.token_urlsafe(18)})


def _form(community, values, error=None, status=200):
    return render_template("phone/resident.html", community=community, values=values,
                           groups=category_groups(db.session), error=error, tiles=map_tiles(),
                           bbox=bbox_of(db.session, [community.code])), status


def reports_per_hour():
    return f"{current_app.config['GRIDOPS_RESIDENT_REPORTS_PER_HOUR']}/hour"


def _too_many(_limit):
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    return make_response(_form(community_or_404(request.view_args["code"]), values,
                               _("You have sent many reports in the last hour. "
                                 "Please try again later."), 429))


@public.post("/r/<code>")
@limited(reports_per_hour, on_breach=_too_many)
def resident_submit(code):
    """Take a resident's report; on success go to its tracking page."""
    community = community_or_404(code)
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    try:
        incident, photos_lost = _take(community, values)
    except REFUSALS as error:  # photo refusals too: they are domain errors
        db.session.rollback()
        status, _code, message = readable(error)
        return _form(community, values, message, status)
    db.session.commit()
    if photos_lost:
        flash(_("Your report was received, but %(count)s of its photos could not be saved: the "
                "server's storage is full.", count=photos_lost), "error")
    return redirect(url_for("public.tracking", token=incident.tracking_token, new=1))


def _take(community, values):
    """Make the case; return it and how many photos did not fit on a full disk."""
    photos = [clean_only(current_app, f.stream)
              for f in request.files.getlist("photos") if f and f.filename][:MAX_PHOTOS + 1]
    if len(photos) > MAX_PHOTOS:
        raise TooManyPhotos(limit=MAX_PHOTOS)
    raw = {k: v for k, v in values.items() if v}
    _place(community, raw)
    report = validate_report(raw)
    incident, created = report_incident(
        db.session, report, "resident", RESIDENT, now(),
        locator_for(current_app, db.session).locate, source_detail=f"qr:{community.code}")
    lost = store_and_attach(current_app, db.session, incident, photos, "report") if created else 0
    return incident, lost


def _place(community, raw):
    """Without a position, use a point inside the community; then an address is needed."""
    if raw.get("lat") and raw.get("lon"):
        return
    if not raw.get("address"):
        raise ValidationError(extra={"errors": [{"field": "address", "problem": "required"}]})
    point = func.ST_PointOnSurface(Area.geom)
    raw["lat"], raw["lon"] = db.session.execute(
        select(func.ST_Y(point), func.ST_X(point)).where(Area.id == community.id)).one()
    raw.pop("accuracy_m", None)


@recovers("public.resident_submit")
def _send_again(message):
    code = request.view_args["code"]
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    return _form(community_or_404(code), values, message)[0]


@public.get("/r/<code>/grids.geojson")
def resident_grids(code):
    """Return the community's grid outlines for the place picker."""
    community = community_or_404(code)
    layer = map_layer(db.session, "grid", bbox_of(db.session, [community.code]), zoom=17)
    layer["features"] = [f for f in layer["features"]
                         if f["properties"]["parent"] == community.code]
    return layer, 200, {"Content-Type": "application/geo+json"}
