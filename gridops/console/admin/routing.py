"""The responsibility list (责任清单): category × area → lead and co-units."""
from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gridops.console import admin_bp, labels
from gridops.console.access import missing
from gridops.console.admin.common import done, refused
from gridops.console.admin.operations import set_line
from gridops.dispatch.catalog import active_categories
from gridops.dispatch.models import Responsibility, Unit
from gridops.errors import DomainError
from gridops.extensions import db
from gridops.geo.models import Area


def _page(error=None, form=None):
    lines = db.session.scalars(select(Responsibility).options(
        selectinload(Responsibility.lead_unit), selectinload(Responsibility.co_units))
        .order_by(Responsibility.category_kind, Responsibility.category_code,
                  Responsibility.area_code)).all()
    categories = {(c.kind, c.code): c.name for c in active_categories(db.session)}
    areas = db.session.execute(select(Area.code, Area.name, Area.level).where(
        Area.valid_to.is_(None), Area.level.in_(("district", "street", "community")))
        .order_by(Area.code)).all()
    units = db.session.execute(select(Unit.code, Unit.name).where(Unit.active)
                               .order_by(Unit.kind, Unit.code)).all()
    return render_template("console/admin/routing.html", lines=lines, categories=categories,
                           areas=areas, area_names={a.code: a.name for a in areas},
                           units=units, labels=labels, error=error, form=form or {})


@admin_bp.get("/routing")
def routing():
    """Show the responsibility list and the form to set a line."""
    return _page()


@admin_bp.post("/routing")
def save_line():
    """Set the lead and co-units of a category in an area (adds or replaces the line)."""
    form = request.form
    try:
        line = set_line(db.session, form.get("category", ""), form.get("area", "").strip(),
                        form.get("lead_unit", ""), form.getlist("co_units"))
    except DomainError as error:
        return refused(error, lambda message: _page(message, form))
    return done(_("Line saved: %(category)s in %(area)s.", category=form.get("category"),
                  area=line.area_code), "console_admin.routing")


@admin_bp.post("/routing/<int:line_id>/delete")
def delete_line(line_id):
    """Remove a line; cases then route by the next less specific one."""
    line = db.session.get(Responsibility, line_id)
    if line is None:
        return missing(_("There is no such line."))
    db.session.delete(line)
    return done(_("Line removed."), "console_admin.routing")
