"""Create users with a scope that matches their role."""
from sqlalchemy import select

from gridops.auth.models import User, UserArea
from gridops.auth.tokens import issue_token
from gridops.dispatch.models import Unit
from gridops.errors import UnknownReference, UnknownUnit, ValidationError
from gridops.geo.models import Area

#: Which area level a role's scope must name.
SCOPE_LEVELS = {"grid_worker": {"grid", "community"}, "dispatcher": {"street"},
                "district": {"district"}}


def create_user(session, username, role, area_codes=(), unit_code=None, name=None,
                password_hash=None, with_token=False):
    """Create a user; return (user, token or None). Flushes, never commits."""
    if session.scalar(select(User.id).where(User.username == username)):
        raise ValidationError("User %(name)s already exists.", name=username)
    unit = _unit(session, role, unit_code)
    _check_areas(session, role, area_codes)
    user = User(username=username, display_name=name or username, role=role, unit=unit,
                password_hash=password_hash)
    session.add(user)
    session.flush()
    session.add_all(UserArea(user_id=user.id, area_code=code) for code in dict.fromkeys(area_codes))
    token = issue_token(session, user) if with_token else None
    session.flush()
    return user, token


def _unit(session, role, unit_code):
    if role == "department" and not unit_code:
        raise ValidationError("A department user needs --unit.")
    if not unit_code:
        return None
    unit = session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise UnknownUnit("Unknown unit %(codes)s.", codes=unit_code)
    return unit


def _check_areas(session, role, codes):
    levels = SCOPE_LEVELS.get(role)
    if levels and not codes:
        raise ValidationError("Role %(role)s needs at least one --area.", role=role)
    for code in codes:
        level = session.scalar(select(Area.level).where(Area.code == code,
                                                        Area.valid_to.is_(None)))
        if level is None:
            raise UnknownReference("Unknown area %(code)s.", code=code)
        if levels and level not in levels:
            raise ValidationError("Role %(role)s takes %(levels)s areas, not %(level)s %(code)s.",
                                  role=role, levels="/".join(sorted(levels)), level=level,
                                  code=code)
