"""Who hears about a case: channels of units and areas, users of a role in an area.

Both are read once per transaction and kept in `session.info`: a sweep firing a few hundred
deadlines in one transaction asks the same questions hundreds of times.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from gridops.auth.models import User, UserArea
from gridops.dispatch.models import Channel, Unit

#: Who must act while each step's clock runs: the lead unit, the street's dispatchers, or the
#: grid worker who checks on site.
ACTOR_OF_STEP = {"sign": "lead", "handling": "lead", "screening": "street",
                 "verification": "street", "evaluation": "street", "onsite_check": "grid"}
#: The unit that answers for an area level when no lead unit does.
UNIT_OF_LEVEL = {"community": "grid_station", "street": "street_office",
                 "district": "district_centre"}
#: The users who work at an area level.
ROLE_OF_LEVEL = {"grid": "grid_worker", "community": "grid_worker", "street": "dispatcher",
                 "district": "district"}


@dataclass(frozen=True)
class Audience:
    """Whom a notification goes to: units and users (inbox), areas (their group channels)."""

    units: tuple = ()
    users: tuple = ()
    areas: tuple = ()

    def __add__(self, other):
        return Audience(self.units + other.units, self.users + other.users,
                        self.areas + other.areas)


def must_act(session, incident, step):
    """Return who must act on `step` of the case: the lead unit, the street, or the grid."""
    actor = ACTOR_OF_STEP.get(step, "street")
    if actor == "lead" and incident.lead_unit is not None:
        return Audience(units=(incident.lead_unit,))
    if actor == "grid":
        return at_level(session, incident, "grid")
    return at_level(session, incident, "street")


def at_level(session, incident, level):
    """Return the people of the case's area at `level`: its unit, its users, its channels."""
    code = area_code_at(incident, level)
    unit = unit_of_area(session, UNIT_OF_LEVEL.get(level), code)
    users = users_with_role(session, ROLE_OF_LEVEL[level], [code])
    return Audience(units=(unit,) if unit else (), users=tuple(users), areas=(code,))


def area_code_at(incident, level):
    """Return the code of the case's area at `level`."""
    return {"grid": incident.grid, "community": incident.community, "street": incident.street,
            "district": incident.district}[level].code


def unit_of_area(session, kind, area_code):
    """Return the active unit of `kind` that belongs to `area_code` (a street office …), or None."""
    if kind is None:
        return None
    units = per_transaction(session, "gridops.area_units", _load_area_units)
    return units.get((kind, area_code))


def channels_for(session, unit_ids, area_codes):
    """Return the enabled outside channels of the units and areas (the inbox is not one)."""
    by_unit, by_area = per_transaction(session, "gridops.channels", _load_channels)
    found = [c for i in unit_ids for c in by_unit.get(i, ())]
    found += [c for code in area_codes for c in by_area.get(code, ())]
    return list(dict.fromkeys(found))


def users_with_role(session, role, area_codes):
    """Return the active users of `role` whose scope names one of `area_codes`."""
    by_role_area = per_transaction(session, "gridops.role_users", _load_users)
    found = [u for code in area_codes for u in by_role_area.get((role, code), ())]
    return list(dict.fromkeys(found))


def _load_area_units(session):
    rows = session.scalars(select(Unit).where(Unit.active, Unit.kind.in_(
        tuple(UNIT_OF_LEVEL.values()))).order_by(Unit.id.desc()))
    return {(unit.kind, unit.area_code): unit for unit in rows}


def _load_channels(session):
    by_unit, by_area = defaultdict(list), defaultdict(list)
    for channel in session.scalars(select(Channel).where(
            Channel.enabled, Channel.kind != "inbox").order_by(Channel.id)):
        if channel.unit_id is not None:
            by_unit[channel.unit_id].append(channel)
        elif channel.area_code:
            by_area[channel.area_code].append(channel)
    return by_unit, by_area


def _load_users(session):
    found = defaultdict(list)
    rows = session.execute(select(User, UserArea.area_code).join(
        UserArea, UserArea.user_id == User.id).where(User.active).order_by(User.id))
    for user, code in rows:
        found[(user.role, code)].append(user)
    return found


def per_transaction(session, key, loader):
    """Return `loader(session)`, computed once per transaction of `session` and kept in it."""
    real = session() if isinstance(session, scoped_session) else session
    transaction = real.get_transaction()
    held = session.info.get(key)
    if held is None or held[0] is not transaction:
        held = (transaction, loader(session))
        session.info[key] = held
    return held[1]
