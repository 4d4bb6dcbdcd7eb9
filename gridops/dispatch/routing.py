"""Routing by the responsibility list (责任清单): category × area → lead and co-units."""
from dataclasses import dataclass

from sqlalchemy import select

from gridops.dispatch.models import Responsibility, Unit
from gridops.errors import UnknownUnit

LEVEL_RANK = {"grid": 0, "community": 1, "street": 2, "district": 3}


@dataclass(frozen=True)
class Suggestion:
    lead: Unit | None
    co_units: tuple
    #: The responsibility line it came from, for the console to show why.
    line_id: int | None = None


def suggest_units(session, category, area_chain):
    """Return the lead and co-units of the most specific line for `category` in the area chain.

    `area_chain` is the case's area codes from grid up to district. A sub-category line beats
    its class line; within that, the smaller area wins.
    """
    codes = [category.code] + ([category.parent_code] if category.parent_code else [])
    lines = session.scalars(select(Responsibility).where(
        Responsibility.category_kind == category.kind,
        Responsibility.category_code.in_(codes),
        Responsibility.area_code.in_(list(area_chain)))).all()
    if not lines:
        return Suggestion(None, ())
    best = min(lines, key=lambda line: (codes.index(line.category_code),
                                        list(area_chain).index(line.area_code)))
    return Suggestion(best.lead_unit, tuple(best.co_units), best.id)


def grid_station_for(session, community_code):
    """Return the community's grid station, which handles small matters (小事)."""
    return session.scalar(select(Unit).where(Unit.kind == "grid_station",
                                             Unit.area_code == community_code, Unit.active))


def units_by_code(session, codes):
    """Return active units for `codes`, in the given order, or raise naming the unknown ones."""
    codes = list(dict.fromkeys(codes or []))
    found = {u.code: u for u in session.scalars(
        select(Unit).where(Unit.code.in_(codes), Unit.active))}
    missing = [c for c in codes if c not in found]
    if missing:
        raise UnknownUnit("Unknown unit %(codes)s.", codes=", ".join(missing),
                          extra={"field": "units", "unknown": missing})
    return [found[c] for c in codes]
