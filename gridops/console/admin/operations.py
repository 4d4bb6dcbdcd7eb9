"""What the admin pages change: users' roles and scopes, responsibility lines, SLA limits and
notification channels. Each flushes and never commits; a bad value raises a domain error
naming it, and nothing is stored.
"""
import re

from sqlalchemy import delete, select

from gridops.auth.models import UserArea
from gridops.auth.operations import _check_areas, _unit
from gridops.dispatch.models import Category, Channel, Responsibility, SlaLimit
from gridops.dispatch.models.notify import CHANNELS
from gridops.dispatch.models.reference import URGENCIES
from gridops.dispatch.models.sla import SLA_STEPS
from gridops.dispatch.routing import units_by_code
from gridops.errors import Forbidden, UnknownReference, ValidationError
from gridops.geo.models import Area

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,80}$")
MAX_MINUTES = 366 * 24 * 60
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _invalid(field, message, **params):
    return ValidationError(message, extra={"errors": [{"field": field, "problem": "invalid"}]},
                           **params)


def check_username(username):
    if not USERNAME.match(username or ""):
        raise _invalid("username", "A username is 2–80 letters, digits, dots, dashes or "
                                   "underscores.")


def update_user(session, user, acting, name, role, unit_code, area_codes, active):
    """Change a user's name, role, unit, scope and whether they may sign in."""
    if user.id == acting.id and (role != "admin" or not active):
        raise Forbidden("You cannot take away your own admin access.")
    unit = _unit(session, role, unit_code if role == "department" else None)
    _check_areas(session, role, area_codes)
    user.display_name, user.role, user.unit, user.active = name or user.username, role, unit, \
        active
    session.execute(delete(UserArea).where(UserArea.user_id == user.id))
    session.add_all(UserArea(user_id=user.id, area_code=code) for code in dict.fromkeys(area_codes))
    session.flush()
    session.expire(user, ["area_links"])
    return user


def category_row(session, key):
    """Return the active class or sub-category of a key such as event:01 or event:0102."""
    kind, _sep, code = (key or "").partition(":")
    row = session.scalar(select(Category).where(Category.kind == kind, Category.code == code,
                                                Category.retired_at.is_(None)))
    if row is None:
        raise UnknownReference("Unknown category %(code)s.", code=key,
                               extra={"errors": [{"field": "category", "problem": "unknown"}]})
    return row


def _area(session, code):
    if not session.scalar(select(Area.id).where(Area.code == code, Area.valid_to.is_(None))):
        raise UnknownReference("Unknown area %(code)s.", code=code,
                               extra={"errors": [{"field": "area", "problem": "unknown"}]})


def set_line(session, category_key, area_code, lead_code, co_codes):
    """Set the responsibility line of a category in an area: its lead and co-units."""
    category = category_row(session, category_key)
    _area(session, area_code)
    if not lead_code:
        raise _invalid("lead_unit", "Choose the lead unit.")
    lead = units_by_code(session, [lead_code])[0]
    co = [u for u in units_by_code(session, co_codes) if u.id != lead.id]
    line = session.scalar(select(Responsibility).where(
        Responsibility.category_kind == category.kind,
        Responsibility.category_code == category.code, Responsibility.area_code == area_code))
    if line is None:
        line = Responsibility(category_kind=category.kind, category_code=category.code,
                              area_code=area_code)
        session.add(line)
    line.lead_unit, line.co_units = lead, co
    session.flush()
    return line


def set_limit(session, step, minutes, basis, category_key=None, urgency=None):
    """Set a step's time limit, for every case or for a category and an urgency."""
    if step not in SLA_STEPS:
        raise _invalid("step", "Unknown step %(step)s.", step=step)
    if basis not in ("working", "natural"):
        raise _invalid("basis", "Choose working or natural time.")
    if urgency and urgency not in URGENCIES:
        raise _invalid("urgency", "Unknown urgency %(urgency)s.", urgency=urgency)
    if not (isinstance(minutes, int) and 1 <= minutes <= MAX_MINUTES):
        raise _invalid("minutes", "A limit is a whole number of minutes from 1 to %(max)s.",
                       max=MAX_MINUTES)
    category = category_row(session, category_key) if category_key else None
    kind, code = (category.kind, category.code) if category else (None, None)
    row = session.scalar(select(SlaLimit).where(
        SlaLimit.step == step, _is(SlaLimit.category_kind, kind),
        _is(SlaLimit.category_code, code), _is(SlaLimit.urgency, urgency or None)))
    if row is None:
        row = SlaLimit(step=step, category_kind=kind, category_code=code, urgency=urgency or None)
        session.add(row)
    row.minutes, row.basis = minutes, basis
    session.flush()
    return row


def _is(column, value):
    return column.is_(None) if value is None else column == value


def add_channel(session, kind, target, secret=None, unit_code=None, area_code=None):
    """Add a notification channel of a unit, or of a street (its group chat)."""
    if kind not in CHANNELS:
        raise _invalid("kind", "Unknown channel kind %(kind)s.", kind=kind)
    if bool(unit_code) == bool(area_code):
        raise _invalid("owner", "Choose either a unit or a street.")
    unit = units_by_code(session, [unit_code])[0] if unit_code else None
    if area_code:
        _area(session, area_code)
    _check_target(kind, target or "")
    channel = Channel(unit_id=unit.id if unit else None, area_code=area_code or None, kind=kind,
                      target=(target or "").strip(), secret=(secret or "").strip() or None)
    session.add(channel)
    session.flush()
    return channel


def _check_target(kind, target):
    target = target.strip()
    if kind == "email" and not EMAIL.match(target):
        raise _invalid("target", "An e-mail channel needs an address such as ops@example.cn.")
    if kind in ("wecom", "dingtalk", "webhook") and not re.match(r"^https?://\S+$", target):
        raise _invalid("target", "A %(kind)s channel needs its URL (https://…).", kind=kind)
    if len(target) > 500:
        raise _invalid("target", "The target is longer than 500 characters.")
