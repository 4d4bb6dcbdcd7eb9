"""The SLA policy: which time limit a step gets, for a category and an urgency.

Defaults follow the domain brief and common practice; admins edit them as `sla_limit` rows.
The most specific row wins (sub-category, then class, then any; an exact urgency before
any urgency). Handling limits fall back to the category's own columns.
"""
from dataclasses import dataclass

from sqlalchemy import select

from gridops.dispatch import stamps
from gridops.dispatch.models import SlaLimit


@dataclass(frozen=True)
class Limit:
    minutes: int
    #: "working" (工作时) or "natural".
    basis: str

    def as_dict(self):
        return {"minutes": self.minutes, "basis": self.basis}


#: (step, urgency) → limit. Urgent cases count natural time throughout.
DEFAULT_LIMITS = {
    ("screening", "normal"): Limit(60, "working"),
    ("screening", "urgent"): Limit(30, "natural"),
    ("onsite_check", "normal"): Limit(120, "working"),
    ("onsite_check", "urgent"): Limit(60, "natural"),
    ("sign", "normal"): Limit(60, "working"),
    ("sign", "urgent"): Limit(30, "natural"),
    ("handling", "normal"): Limit(2940, "working"),
    ("handling", "urgent"): Limit(120, "natural"),
    ("verification", "normal"): Limit(120, "working"),
    ("verification", "urgent"): Limit(60, "natural"),
    ("evaluation", "normal"): Limit(1260, "working"),
    ("evaluation", "urgent"): Limit(1260, "working"),
    ("checkin", "normal"): Limit(120, "working"),
    ("checkin", "urgent"): Limit(30, "natural"),
}


def default_rows():
    """Return the default policy as `sla_limit` rows, for seeding."""
    return [SlaLimit(step=step, urgency=urgency, minutes=limit.minutes, basis=limit.basis)
            for (step, urgency), limit in DEFAULT_LIMITS.items()]


def limit_for(session, step, urgency, category=None):
    """Return the Limit for `step` of a case of `category` and `urgency`."""
    codes = [category.code, category.parent_code] if category is not None else []
    kind = getattr(category, "kind", None)
    rows = [row for row in policy(session)
            if row.step == step and row.urgency in (None, urgency)
            and (row.category_code is None
                 or (row.category_kind == kind and row.category_code in codes))]
    ranked = sorted(rows, key=lambda row: _rank(row, codes))
    specific = [row for row in ranked if row.category_code is not None]
    if specific:
        return Limit(specific[0].minutes, specific[0].basis)
    if step == "handling" and category is not None:
        own = _category_limit(category, urgency)
        if own:
            return own
    if ranked:
        return Limit(ranked[0].minutes, ranked[0].basis)
    return DEFAULT_LIMITS[(step, urgency)]


@dataclass(frozen=True)
class Rule:
    """An `sla_limit` row, as the process keeps it."""

    step: str
    urgency: str | None
    category_kind: str | None
    category_code: str | None
    minutes: int
    basis: str


def policy(session):
    """Return every `sla_limit` row as a Rule: a few dozen, kept while the catalog's stamp holds."""
    return stamps.cached(session, "catalog", "sla", lambda: tuple(
        Rule(row.step, row.urgency, row.category_kind, row.category_code, row.minutes, row.basis)
        for row in session.scalars(select(SlaLimit))))


def _rank(row, codes):
    category_rank = codes.index(row.category_code) if row.category_code in codes else len(codes)
    return (category_rank, row.urgency is None)


def _category_limit(category, urgency):
    if urgency == "urgent" and category.urgent_minutes:
        return Limit(category.urgent_minutes, "natural")
    if urgency == "normal" and category.handling_minutes:
        return Limit(category.handling_minutes, "working")
    return None
