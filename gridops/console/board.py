"""The whistle board (吹哨报到): active whistles, the summoned units and their check-in clocks.

Check-in, summoning more units and scoring are the timer engineer's operations
(`gridops.dispatch.checkin`, `gridops.dispatch.whistles`); these views parse and commit.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from gridops.api.whistles import _visible as visible_whistles
from gridops.console import bp, labels, live
from gridops.console.access import actor, console_user, missing, now
from gridops.console.errors import readable
from gridops.dispatch import whistles
from gridops.dispatch.checkin import check_in
from gridops.dispatch.models import Unit, Whistle
from gridops.errors import DomainError, ValidationError
from gridops.extensions import db


@bp.get("/whistles")
@console_user
def board():
    """Show the active whistles the user may see, newest first."""
    return _board()


def _board(error=None, failed=None, status=200):
    found = db.session.scalars(visible_whistles(select(Whistle), current_user)
                               .where(Whistle.state == "active")
                               .order_by(Whistle.blown_at.desc()).limit(200)).all()
    page = dict(whistles=found, labels=labels, now=now(), error=error, failed=failed,
                since=live.latest_event_id(db.session), units=_units(),
                dispatching=current_user.role in whistles.DISPATCH)
    template = "console/_board.html" if request.args.get("fragment") else "console/board.html"
    return render_template(template, **page), status


def _units():
    return db.session.execute(select(Unit.code, Unit.name).where(Unit.active)
                              .order_by(Unit.kind, Unit.code)).all()


def _whistle(whistle_id):
    return db.session.scalar(visible_whistles(select(Whistle).where(Whistle.id == whistle_id),
                                              current_user))


def _done(whistle_id, message):
    db.session.commit()
    flash(message)
    return redirect(url_for("console.board", _anchor=f"whistle-{whistle_id}"))


def _refused(error, whistle_id):
    db.session.rollback()
    status, message = readable(error)
    return _board(message, whistle_id, status)


@bp.post("/whistles/<int:whistle_id>/checkin")
@console_user
def checkin(whistle_id):
    """Check the user's unit in to a whistle: who is coming and when they arrive."""
    whistle = _whistle(whistle_id)
    summons = whistle and next((s for s in whistle.summonses
                                if s.unit_id == current_user.unit_id), None)
    if summons is None:
        return missing(_("Your unit was not summoned to this whistle."))
    try:
        check_in(db.session, summons.id, current_user, request.form.get("attendee", ""),
                 _arrival(request.form.get("arrive_at", "")), None, now())
    except DomainError as error:
        return _refused(error, whistle_id)
    return _done(whistle_id, _("Checked in to whistle %(id)s.", id=whistle_id))


def _arrival(text):
    """Return the local date and time from a datetime-local field as an aware time, or None."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(extra={"errors": [{"field": "arrive_at", "problem": "format"}]})
    return moment.replace(tzinfo=ZoneInfo(current_app.config["GRIDOPS_TZ"]))


@bp.post("/whistles/<int:whistle_id>/summons")
@console_user
def summon(whistle_id):
    """Summon more units to an active whistle."""
    if _whistle(whistle_id) is None:
        return missing(_("There is no such whistle, or it is not yours to see."))
    try:
        added = whistles.summon_more(db.session, whistle_id, request.form.getlist("units"),
                                     actor(), now())
    except DomainError as error:
        return _refused(error, whistle_id)
    return _done(whistle_id, _("%(n)s more units summoned.", n=len(added)))


@bp.post("/whistles/<int:whistle_id>/scores")
@console_user
def score(whistle_id):
    """Record the street's scores of the summoned units' response."""
    whistle = _whistle(whistle_id)
    if whistle is None:
        return missing(_("There is no such whistle, or it is not yours to see."))
    try:
        for summons in whistle.summonses:
            value = request.form.get(f"score-{summons.unit.code}", "").strip()
            if value:
                whistles.score(db.session, whistle_id, summons.unit.code, _whole(value),
                               actor())
    except DomainError as error:
        return _refused(error, whistle_id)
    return _done(whistle_id, _("Scores saved."))


def _whole(text):
    return int(text) if text.isdigit() else text
