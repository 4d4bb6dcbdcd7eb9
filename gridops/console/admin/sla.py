"""Time limits (SLA): the built-in defaults and the limits an admin set, the most specific wins.

A change applies to clocks started afterwards; every case keeps the limits it was given.
"""
from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from gridops.console import admin_bp, labels
from gridops.console.access import missing
from gridops.console.admin.common import done, refused, whole
from gridops.console.admin.operations import set_limit
from gridops.dispatch.catalog import active_categories
from gridops.dispatch.models import SlaLimit
from gridops.dispatch.models.sla import SLA_STEPS
from gridops.dispatch.sla import DEFAULT_LIMITS
from gridops.errors import DomainError
from gridops.extensions import db


def _page(error=None, form=None):
    rows = db.session.scalars(select(SlaLimit).order_by(
        SlaLimit.step, SlaLimit.category_kind, SlaLimit.category_code, SlaLimit.urgency)).all()
    categories = {(c.kind, c.code): c.name for c in active_categories(db.session)}
    return render_template("console/admin/sla.html", rows=rows, defaults=DEFAULT_LIMITS,
                           steps=SLA_STEPS, categories=categories, labels=labels, error=error,
                           form=form or {})


@admin_bp.get("/sla")
def sla():
    """Show the limits in force and the form to set one."""
    return _page()


@admin_bp.post("/sla")
def save_limit():
    """Set a step's limit, for every case or narrowed to a category and an urgency."""
    form = request.form
    try:
        set_limit(db.session, form.get("step", ""), whole(form.get("minutes")),
                  form.get("basis", ""), form.get("category") or None,
                  form.get("urgency") or None)
    except DomainError as error:
        return refused(error, lambda message: _page(message, form))
    return done(_("Time limit saved; it applies to clocks started from now on."),
                "console_admin.sla")


@admin_bp.post("/sla/<int:limit_id>/delete")
def delete_limit(limit_id):
    """Remove a limit; the next less specific one (or the built-in default) applies."""
    row = db.session.get(SlaLimit, limit_id)
    if row is None:
        return missing(_("There is no such time limit."))
    db.session.delete(row)
    return done(_("Time limit removed."), "console_admin.sla")
