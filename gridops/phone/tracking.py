"""The reporter's tracking link: the stage and the result, no one's personal data, a rating.

The token in the link is the only key. The page shows the case number, category, place
name, stage and public milestones; never names, phone numbers or free-text notes.
"""
from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from gridops.dispatch.decide import Actor
from gridops.dispatch.models import Event, Incident
from gridops.dispatch.operations import apply_action
from gridops.extensions import db
from gridops.phone import public
from gridops.phone.errors import REFUSALS, readable
from gridops.web.csrf import recovers

REPORTER_LABEL = "reporter"
#: Milestones a reporter sees; other events (notes, orders, whistles) stay internal.
PUBLIC_ACTIONS = ("report", "confirm", "accept", "reject", "merge", "sign", "submit_result",
                  "verify", "evaluate", "close", "reopen")


def incident_or_404(token):
    incident = db.session.scalar(select(Incident).where(Incident.tracking_token == token))
    if incident is None or not token:
        abort(404)
    return incident


def reporter_rating(incident):
    """Return the reporter's own evaluate event, if they rated already."""
    return db.session.scalar(select(Event).where(
        Event.incident_id == incident.id, Event.action == "evaluate",
        Event.actor_id.is_(None), Event.actor_label == REPORTER_LABEL))


@public.get("/t/<token>")
def tracking(token):
    """Show a report's stage, milestones and result to whoever holds the link."""
    return _page(incident_or_404(token))


def _page(incident, error=None, status=200):
    events = [e for e in incident.events if e.action in PUBLIC_ACTIONS]
    rating = reporter_rating(incident)
    return render_template("phone/tracking.html", incident=incident, events=events,
                           rating=rating, can_rate=incident.state == "evaluation" and not rating,
                           error=error, new=request.args.get("new") == "1"), status


@public.post("/t/<token>/rate")
def rate(token):
    """Record the reporter's satisfaction with the result (feeds the evaluation)."""
    incident = incident_or_404(token)
    if incident.state != "evaluation" or reporter_rating(incident) is not None:
        return _page(incident, _("This report cannot be rated now."), 409)
    actor = Actor(role="reporter", label=REPORTER_LABEL, incident_id=incident.id)
    fields = {"satisfaction": request.form.get("satisfaction"),
              "solved": {"yes": True, "no": False}.get(request.form.get("solved")),
              "note": request.form.get("note", "").strip() or None}
    try:
        apply_action(db.session, incident.id, "evaluate", actor, fields, incident.version,
                     datetime.now(timezone.utc))
    except REFUSALS as error:
        db.session.rollback()
        status, _code, message = readable(error)
        return _page(incident_or_404(token), message, status)
    db.session.commit()
    flash(_("Thank you for your rating."))
    return redirect(url_for("public.tracking", token=token))


@public.errorhandler(404)
def not_found(_error):
    """Tell a resident plainly that the link or page does not exist."""
    return render_template("web/error.html", title=_("Not found"),
                           message=_("This link is not valid. Check that it was copied whole."),
                           back=None), 404


@recovers("public.rate")
def _rate_again(message):
    return _page(incident_or_404(request.view_args["token"]), message)[0]
