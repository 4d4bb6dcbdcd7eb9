"""我的上报: the worker's own reports, each with its stage and timeline."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gridops.dispatch.models import Incident
from gridops.extensions import db
from gridops.phone import bp
from gridops.web.access import signed_in

PAGE = 50


@bp.get("/reports")
@signed_in("grid_worker")
def my_reports():
    """List the worker's reports, newest first; the page adds those still on the phone."""
    rows = db.session.scalars(
        select(Incident).where(Incident.reporter_id == current_user.id)
        .options(selectinload(Incident.category), selectinload(Incident.grid))
        .order_by(Incident.reported_at.desc(), Incident.id.desc()).limit(PAGE)).all()
    return render_template("phone/mine.html", incidents=rows)


@bp.get("/reports/<int:incident_id>")
@signed_in("grid_worker")
def my_report(incident_id):
    """Show one of the worker's reports with its stage, photos and timeline."""
    incident = db.session.scalar(select(Incident).where(
        Incident.id == incident_id, Incident.reporter_id == current_user.id))
    if incident is None:
        return render_template("phone/missing.html"), 404
    return render_template("phone/case.html", incident=incident, events=incident.events)
