"""The district view: every street's queues, overdue cases, whistles and escalations."""
from datetime import timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from gridops.api.incidents import scoped
from gridops.console import bp, labels, live
from gridops.console.access import now
from gridops.console.filters import scope_codes
from gridops.dispatch.models import Event, Incident, Summons, Whistle
from gridops.dispatch.transitions import OPEN_STATES
from gridops.extensions import db
from gridops.geo.models import Area
from gridops.web.access import signed_in

#: How far back the list of escalations to the district reaches.
ESCALATION_DAYS = 7


@bp.get("/district")
@signed_in("district", "admin")
def district():
    """Show each street's open cases per stage, overdue and whistles, and the escalations."""
    moment = now()
    streets = _streets()
    codes = [code for code, _name in streets]
    return render_template(
        "console/district.html", streets=streets, labels=labels, stages=OPEN_STATES,
        counts=_counts(codes, moment), whistles=_whistles(codes),
        missed=_missed_checkins(codes), escalated=_escalated_cases(moment),
        since=live.latest_event_id(db.session))


def _streets():
    query = select(Area.code, Area.name).where(Area.valid_to.is_(None), Area.level == "street")
    if current_user.role != "admin":
        query = query.where(Area.parent_code.in_(scope_codes(current_user)))
    return db.session.execute(query.order_by(Area.code)).all()


def _counts(codes, moment):
    """Return {street code: {stage: n, "overdue": n}} of open cases."""
    visible = scoped(select(Incident.id), current_user)
    rows = db.session.execute(
        select(Area.code, Incident.state, func.count(),
               func.count().filter(Incident.due_at < moment))
        .join(Area, Area.id == Incident.street_id)
        .where(Incident.state.in_(OPEN_STATES), Area.code.in_(codes), Incident.id.in_(visible))
        .group_by(Area.code, Incident.state))
    counts = {code: {"overdue": 0} for code in codes}
    for code, state, n, late in rows:
        counts[code][state] = n
        counts[code]["overdue"] += late
    return counts


def _whistles(codes):
    """Return {street code: (active whistles, of which escalated)}."""
    rows = db.session.execute(
        select(Area.code, func.count(), func.count().filter(Whistle.escalated_at.is_not(None)))
        .join(Area, Area.id == Whistle.street_id)
        .where(Whistle.state == "active", Area.code.in_(codes)).group_by(Area.code))
    return {code: (n, escalated) for code, n, escalated in rows}


def _missed_checkins(codes):
    """Return the missed check-ins of active whistles in the streets: escalated to the district."""
    return db.session.scalars(
        select(Summons).join(Whistle, Whistle.id == Summons.whistle_id)
        .join(Area, Area.id == Whistle.street_id)
        .where(Whistle.state == "active", Summons.status == "missed", Area.code.in_(codes))
        .order_by(Summons.escalated_at.desc())).all()


def _escalated_cases(moment):
    """Return [(event, incident)] of cases the escalation policy sent to the district lately."""
    visible = scoped(select(Incident.id), current_user)
    return db.session.execute(
        select(Event, Incident).join(Incident, Incident.id == Event.incident_id)
        .where(Event.action == "escalated", Event.payload["escalation"].astext == "district",
               Event.at >= moment - timedelta(days=ESCALATION_DAYS),
               Incident.id.in_(visible))
        .order_by(Event.id.desc()).limit(100)).all()
