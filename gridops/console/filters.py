"""Queue filters kept in the URL: parsed, checked against what the user may choose, applied.

A value that is not among the choices (a stale bookmark, a typo) is dropped with a notice
rather than failing the page: the queue still shows, unfiltered on that field.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import or_, select

from gridops.api.incidents import in_areas
from gridops.console.labels import FILTERS as FILTER_NAMES
from gridops.dispatch.catalog import active_categories
from gridops.dispatch.models import Category, Incident, Unit, Whistle
from gridops.dispatch.models.incident import SORT_DUE, SOURCES
from gridops.dispatch.models.reference import URGENCIES
from gridops.dispatch.models.timers import whistle_incident
from gridops.geo.models import Area

AREA_FIELDS = ("street", "community", "grid")
FIELDS = AREA_FIELDS + ("category", "unit", "urgency", "source", "overdue", "whistled")
FLAGS = ("overdue", "whistled")


@dataclass
class Filters:
    """The filters of a queue view: valid values only, and notices for the dropped ones."""

    values: dict = field(default_factory=dict)
    dropped: list = field(default_factory=list)

    def get(self, name):
        return self.values.get(name, "")

    def args(self, **changes):
        """Return the URL arguments of these filters with `changes` (None removes one)."""
        merged = {**self.values, **changes}
        return {k: v for k, v in merged.items() if v not in (None, "")}


@dataclass
class Choices:
    """What the filter form offers the user: areas in scope, categories, units."""

    streets: list
    communities: list
    grids: list
    categories: list
    units: list


def scope_codes(user):
    return [link.area_code for link in user.area_links]


def parse(session, user, args):
    """Return (Filters, Choices) for `args`, keeping only values the user may choose."""
    raw = {name: (args.get(name) or "").strip() for name in FIELDS}
    kept, dropped = {}, []
    scope = None if user.role == "admin" else scope_codes(user)
    # Areas in order: each pick narrows the choices of the next level.
    streets = _areas(session, "street", scope, include_self=True)
    _keep(kept, dropped, "street", raw["street"], _codes(streets))
    communities = _areas(session, "community",
                         [kept["street"]] if "street" in kept else list(_codes(streets)))
    _keep(kept, dropped, "community", raw["community"], _codes(communities))
    grids = _areas(session, "grid", [kept["community"]]) if "community" in kept else []
    _keep(kept, dropped, "grid", raw["grid"], _codes(grids))
    categories = [(f"{c.kind}:{c.code}", c.name, c.parent_code is None)
                  for c in active_categories(session)]
    units = session.execute(select(Unit.code, Unit.name).where(Unit.active)
                            .order_by(Unit.kind, Unit.code)).all()
    _keep(kept, dropped, "category", raw["category"], {key for key, *_rest in categories})
    _keep(kept, dropped, "unit", raw["unit"], _codes(units))
    _keep(kept, dropped, "urgency", raw["urgency"], set(URGENCIES))
    _keep(kept, dropped, "source", raw["source"], set(SOURCES))
    for flag in FLAGS:
        _keep(kept, dropped, flag, raw[flag], {"1"})
    return Filters(kept, dropped), Choices(streets, communities, grids, categories, units)


def _codes(rows):
    return {row[0] for row in rows}


def _areas(session, level, parents, include_self=False):
    query = select(Area.code, Area.name).where(Area.valid_to.is_(None), Area.level == level)
    if parents is not None:
        inside = Area.parent_code.in_(parents)
        query = query.where(or_(inside, Area.code.in_(parents)) if include_self else inside)
    return session.execute(query.order_by(Area.code)).all()


def _keep(kept, dropped, name, value, allowed):
    if not value:
        return
    if value in allowed:
        kept[name] = value
    else:
        dropped.append(_("The filter %(name)s=%(value)s is not one you can use; it was left "
                         "out.", name=FILTER_NAMES.get(name, name), value=value))


def apply(query, filters, now):
    """Narrow an incident query by the filters."""
    values = filters.values
    for name in AREA_FIELDS:
        if values.get(name):
            query = query.where(in_areas([values[name]]))
    if values.get("category"):
        kind, _sep, code = values["category"].partition(":")
        query = query.where(Incident.category_id.in_(select(Category.id).where(
            Category.kind == kind, or_(Category.code == code, Category.parent_code == code))))
    if values.get("unit"):
        query = query.where(Incident.lead_unit_id.in_(
            select(Unit.id).where(Unit.code == values["unit"])))
    if values.get("urgency"):
        query = query.where(Incident.urgency == values["urgency"])
    if values.get("source"):
        query = query.where(Incident.source == values["source"])
    if values.get("overdue"):
        query = query.where(SORT_DUE < now)
    if values.get("whistled"):
        query = query.where(Incident.id.in_(whistled_cases()))
    return query


def whistled_cases():
    """Return the ids of cases under an active whistle, as a subquery."""
    return (select(whistle_incident.c.incident_id)
            .join(Whistle, Whistle.id == whistle_incident.c.whistle_id)
            .where(Whistle.state == "active"))
