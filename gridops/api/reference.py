"""Reference data: the category taxonomy with its limits, and the units."""
from sqlalchemy import select

from gridops.api import bp
from gridops.api.auth import require_user
from gridops.dispatch.catalog import active_categories
from gridops.dispatch.models import Unit
from gridops.extensions import db


@bp.get("/categories")
@require_user
def categories():
    rows = active_categories(db.session)
    return {"items": [{
        "key": c.key, "kind": c.kind, "code": c.code, "name": c.name,
        "parent": f"{c.kind}:{c.parent_code}" if c.parent_code else None,
        "taxonomy": c.taxonomy, "default_urgency": c.default_urgency,
        "limits": {"normal": {"minutes": c.handling_minutes, "basis": "working"},
                   "urgent": {"minutes": c.urgent_minutes, "basis": "natural"}}
        if c.parent_code else None,
    } for c in rows]}


@bp.get("/units")
@require_user
def units():
    rows = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.code))
    return {"items": [{"code": u.code, "name": u.name, "kind": u.kind, "area": u.area_code}
                      for u in rows]}
