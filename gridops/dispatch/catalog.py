"""The category taxonomy: versioned data loaded from a file, never code."""
import json
from importlib import resources

from sqlalchemy import select, update

from gridops.dispatch import stamps
from gridops.dispatch.models import Category
from gridops.errors import UnknownCategory, ValidationError

DEFAULT_TAXONOMY = "taxonomy-classic.json"


def read_taxonomy(path=None):
    """Return the parsed taxonomy file (the bundled classic one by default)."""
    if path is None:
        return json.loads(resources.files("gridops.data").joinpath(DEFAULT_TAXONOMY).read_text())
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_taxonomy(session, data, now):
    """Insert a taxonomy version and retire the others; return the number of categories.

    Loading the version that is already active changes nothing.
    """
    version = data.get("taxonomy")
    if not version or not isinstance(data.get("categories"), list):
        raise ValidationError("A taxonomy file needs a taxonomy name and a categories list.")
    if session.scalar(select(Category.id).where(Category.taxonomy == version).limit(1)):
        return 0
    try:
        rows = list(_category_rows(version, data["categories"]))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValidationError("Every category needs kind, code and name (problem: %(what)s).",
                              what=repr(error)) from None
    session.add_all(rows)
    session.execute(update(Category).where(Category.taxonomy != version,
                                           Category.retired_at.is_(None)).values(retired_at=now))
    session.flush()
    return len(rows)


def _category_rows(version, classes):
    for top in classes:
        yield Category(taxonomy=version, kind=top["kind"], code=top["code"], name=top["name"])
        for child in top.get("children", []):
            yield Category(taxonomy=version, kind=top["kind"], code=child["code"],
                           name=child["name"], parent_code=top["code"],
                           default_urgency=child.get("default_urgency", "normal"),
                           handling_minutes=child.get("handling_minutes"),
                           urgent_minutes=child.get("urgent_minutes"))


def active_categories(session):
    """Return the categories of the active taxonomy, classes before their children."""
    return session.scalars(select(Category).where(Category.retired_at.is_(None))
                           .order_by(Category.kind, Category.code)).all()


def grouped_by_class(session):
    """Return [(class name, [sub-category])] of the active taxonomy, in code order."""
    rows = active_categories(session)
    classes = {(c.kind, c.code): c.name for c in rows if c.parent_code is None}
    groups = {}
    for c in rows:
        if c.parent_code is not None:
            groups.setdefault(classes.get((c.kind, c.parent_code), ""), []).append(c)
    return list(groups.items())


def category_by_key(session, key):
    """Return the active sub-category for a key such as "event:0102".

    Inside an app the row comes from the process's copy of the taxonomy (`stamps`), not a
    query: every report names one.
    """
    kind, _, code = (key or "").partition(":")
    values = stamps.cached(session, "catalog", ("category", kind, code),
                           lambda: _active_category(session, kind, code))
    if values is None:
        raise UnknownCategory("Unknown category %(key)s: use a sub-category key such as "
                              "event:0102.", key=key, extra={"field": "category"})
    return stamps.attach(session, Category, values)


def _active_category(session, kind, code):
    category = session.scalar(select(Category).where(
        Category.kind == kind, Category.code == code, Category.parent_code.is_not(None),
        Category.retired_at.is_(None)))
    return stamps.snapshot(category) if category is not None else None
