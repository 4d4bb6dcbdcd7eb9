"""A department's workspace: only its own tasks — to sign for, in handling, co-handled, and
the whistles it is summoned to."""
from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gridops.api.incidents import LIST_LOADS
from gridops.console import bp, labels, live
from gridops.console.access import now
from gridops.console.queries import row_of
from gridops.dispatch.models import Incident, Summons, Whistle
from gridops.dispatch.models.incident import incident_co_unit
from gridops.dispatch.transitions import OPEN_STATES
from gridops.extensions import db
from gridops.web.access import signed_in

LIMIT = 200


@bp.get("/workspace")
@signed_in("department")
def workspace():
    """Show the unit's tasks, soonest deadline first."""
    unit_id, moment = current_user.unit_id, now()
    lead = _cases(Incident.lead_unit_id == unit_id, Incident.state.in_(("assignment",
                                                                         "handling")))
    co = _cases(Incident.id.in_(select(incident_co_unit.c.incident_id)
                                .where(incident_co_unit.c.unit_id == unit_id)),
                Incident.state.in_(OPEN_STATES))
    rows = {"assignment": [], "handling": []}
    for incident in lead:
        rows[incident.state].append(row_of(incident, moment))
    return render_template("console/workspace.html", rows=rows, labels=labels,
                           co=[row_of(i, moment) for i in co], summonses=_summonses(unit_id),
                           since=live.latest_event_id(db.session))


def _cases(*conditions):
    return db.session.scalars(select(Incident).where(*conditions).options(*LIST_LOADS)
                              .order_by(Incident.due_at.asc().nulls_last(), Incident.id)
                              .limit(LIMIT)).all()


def _summonses(unit_id):
    """Return the unit's summonses to active whistles, those still to check in first."""
    return db.session.scalars(
        select(Summons).join(Whistle, Whistle.id == Summons.whistle_id)
        .where(Summons.unit_id == unit_id, Whistle.state == "active")
        .options(selectinload(Summons.whistle).selectinload(Whistle.incidents))
        .order_by(Summons.checked_in_at.is_not(None), Summons.checkin_due_at)).all()
