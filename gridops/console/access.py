"""Who may open which console page, and which case: every request checks on the server."""
from datetime import datetime, timezone

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from gridops.api.auth import actor_for
from gridops.dispatch.decide import may_see
from gridops.dispatch.models import Incident
from gridops.dispatch.operations import facts_of
from gridops.extensions import db
from gridops.web.access import signed_in

#: Roles that run queues: the street's dispatchers, the district centre, admins (read only).
QUEUE_ROLES = ("dispatcher", "district", "admin")
CONSOLE_ROLES = QUEUE_ROLES + ("department",)

console_user = signed_in(*CONSOLE_ROLES)
queue_user = signed_in(*QUEUE_ROLES)


def now():
    return datetime.now(timezone.utc)


def actor():
    """Return the dispatch Actor of the signed-in user."""
    return actor_for(current_user)


def visible_case(incident_id):
    """Return the case if the signed-in user may see it, else None (the page says 404)."""
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        return None
    if current_user.role == "admin" or may_see(actor(), facts_of(incident)):
        return incident
    return None


def missing(message=None):
    """Answer 404 the same way whether the case does not exist or is someone else's."""
    text = message or _("There is no such case, or it is not yours to see.")
    return render_template("console/error.html", title=_("Not found"), message=text), 404
