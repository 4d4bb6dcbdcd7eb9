"""Everything the case page shows about one case, gathered in a few queries."""
from flask import current_app
from sqlalchemy import select

from gridops.api.incidents import duplicates_of, scoped
from gridops.console import actions, mapdata
from gridops.console.lights import case_light, light, time_left
from gridops.dispatch.catalog import grouped_by_class
from gridops.dispatch.models import Incident, SupervisionOrder, Unit, Whistle
from gridops.dispatch.operations import area_codes
from gridops.dispatch.routing import suggest_units


def case_context(session, user, actor, incident, now, failed=None, sent=None):
    """Return the template context of the case page; a refused form keeps what was `sent`."""
    colour, deadline = case_light(incident, now)
    crs = mapdata.display_crs(current_app.config)
    forms = actions.forms_for(incident, actor)
    wanted = {spec.widget for form in forms for spec in form.fields}
    suggestion = suggest_units(session, incident.category, area_codes(incident))
    start = prefill(incident, suggestion)
    values = {f.action: actions.start_values(f, start.get(f.action, {}),
                                             sent if f.action == failed else None)
              for f in forms}
    return dict(
        incident=incident, light=colour, deadline=deadline,
        left=time_left(deadline.due_at, now) if deadline else "",
        forms=forms, values=values, failed=failed, suggestion=suggestion,
        duplicates=visible_duplicates(session, user, incident),
        deadlines=[(d, light(d, now) if d.state in ("pending", "warned", "breached") else None)
                   for d in incident.deadlines],
        orders=session.scalars(select(SupervisionOrder).where(
            SupervisionOrder.incident_id == incident.id).order_by(SupervisionOrder.id)).all(),
        whistles=session.scalars(select(Whistle).where(
            Whistle.incidents.any(Incident.id == incident.id)).order_by(Whistle.id)).all(),
        units=_units(session) if wanted & {"unit", "units"} else [],
        unit_names=dict(session.execute(select(Unit.code, Unit.name)).all()),
        categories=_categories(session) if "category" in wanted else [],
        tiles=mapdata.tiles(current_app.config),
        point=mapdata.lat_lon(incident.point, crs),
        outline=mapdata.outline(session, incident.grid_id, crs),
        now=now)


def prefill(incident, suggestion):
    """Return {action: {field: value}} the forms start with: the case as it is, the list's units."""
    lead = suggestion.lead.code if suggestion.lead else ""
    return {"accept": {"category": incident.category.key, "urgency": incident.urgency,
                       "lead_unit": lead, "co_units": [u.code for u in suggestion.co_units]},
            "whistle": {"reason": "public_demand"},
            "evaluate": {"contacted": True}}


def visible_duplicates(session, user, incident):
    """Return the possible duplicates of a case in screening that the user may also see."""
    found = duplicates_of(incident) or []
    if not found or user.role == "admin":
        return found
    ids = set(session.scalars(scoped(select(Incident.id), user).where(
        Incident.id.in_([d["id"] for d in found]))))
    return [d for d in found if d["id"] in ids]


def _units(session):
    return session.execute(select(Unit.code, Unit.name, Unit.kind).where(Unit.active)
                           .order_by(Unit.kind, Unit.code)).all()


def _categories(session):
    """Return [(class name, [(key, name)])] of the active sub-categories."""
    return [(name, [(c.key, f"{c.code} {c.name}") for c in members])
            for name, members in grouped_by_class(session)]
