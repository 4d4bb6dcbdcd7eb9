"""Live updates: an open page asks every few seconds for events newer than the last it saw.

Polling a small JSON endpoint with a since-id survives proxies, restarts and sleeping laptops
that a held-open stream would not. Event ids come from a sequence, so a transaction that
commits after a later one can land below the id a page has already seen; the pages also
reload their lists once a minute, which catches those.

Every page, and every answer to a poll, also carries the queue notice: a banner saying that
timers will fire late because Redis is down or no worker has swept lately.
"""
from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from gridops.api.incidents import scoped
from gridops.console import bp
from gridops.console.access import console_user
from gridops.console.labels import event_name
from gridops.dispatch.models import Event, Incident
from gridops.extensions import db
from gridops.ops.status import queue_problem
from gridops.web.filters import local_time

MAX_EVENTS = 30
#: What the banner says for each problem `gridops.ops.status` finds.
QUEUE_NOTICES = {
    "queue_down": _l("The job queue is unavailable: deadline reminders will be late, and are "
                     "sent automatically once it recovers."),
    "sweep_stale": _l("The timer workers are not running: deadline reminders will be late, and "
                      "are sent automatically once they are back."),
}


def latest_event_id(session):
    """Return the newest event id (0 when there is none), where a page starts listening."""
    return session.scalar(select(func.coalesce(func.max(Event.id), 0)))


def events_after(session, user, since, upto, limit=MAX_EVENTS):
    """Return [(event, incident)] with ids in (since, upto] on the user's cases, oldest first."""
    visible = scoped(select(Incident.id), user)
    return session.execute(
        select(Event, Incident).join(Incident, Incident.id == Event.incident_id)
        .where(Event.id > since, Event.id <= upto, Event.incident_id.in_(visible))
        .order_by(Event.id).limit(limit)).all()


@bp.get("/live")
@console_user
def updates():
    """Return the events since `since` on the user's cases, and the id to ask from next."""
    since = request.args.get("since", "")
    poll = current_app.config["GRIDOPS_CONSOLE_POLL_SECONDS"]
    notice = queue_notice()
    if not since.isdigit():
        return {"latest": latest_event_id(db.session), "events": [], "poll": poll,
                "queue_notice": notice}
    top = latest_event_id(db.session)
    rows = events_after(db.session, current_user, int(since), top)
    # A full batch may have more behind it; otherwise skip past other streets' events too.
    latest = rows[-1][0].id if len(rows) == MAX_EVENTS else max(top, int(since))
    return {"latest": latest, "events": [event_json(e, i) for e, i in rows], "poll": poll,
            "queue_notice": notice}


@bp.app_template_global()
def queue_notice():
    """Return the banner text when timers will fire late (queue down, no sweep), else None."""
    problem = queue_problem(current_app)
    return str(QUEUE_NOTICES[problem]) if problem else None


def event_json(event, incident):
    """Return one event as the live feed shows it."""
    return {"id": event.id, "action": event.action, "label": str(event_name(event.action)),
            "case_number": incident.case_number, "incident_id": incident.id,
            "state": incident.state, "at": local_time(event.at, "%H:%M:%S"),
            "url": url_for("console.case", incident_id=incident.id)}
