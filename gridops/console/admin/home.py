"""The admin start page, and the check every admin page passes first."""
from flask import render_template
from sqlalchemy import func, select

from gridops.console import admin_bp, labels
from gridops.console.access import now
from gridops.dispatch.calendar_store import unconfirmed_years
from gridops.dispatch.models import Channel, OutboxMessage, Responsibility, SlaLimit
from gridops.auth.models import User
from gridops.extensions import db
from gridops.web.access import signed_in


@admin_bp.before_request
@signed_in("admin")
def admins_only():
    """Let only signed-in admins reach any admin page."""
    return None


def years_to_confirm(session):
    """Return this year and next year if nobody confirmed their holidays yet."""
    year = now().year
    return unconfirmed_years(session, [year, year + 1])


@admin_bp.get("/")
def home():
    """Show what admins look after, with warnings that need them."""
    dead = _count(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dead))
    counts = {name: _count(select(func.count()).select_from(model)) for name, model in
              (("users", User), ("lines", Responsibility), ("limits", SlaLimit),
               ("channels", Channel))}
    return render_template("console/admin/home.html", labels=labels, counts=counts, dead=dead,
                           unconfirmed=years_to_confirm(db.session))


def _count(query):
    return db.session.scalar(query)
