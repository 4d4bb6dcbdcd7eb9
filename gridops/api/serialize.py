"""JSON shapes of the API's resources; times in ISO 8601 with the +08:00 offset."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from geoalchemy2.shape import to_shape

LOCAL = ZoneInfo("Asia/Shanghai")


def local_time(moment):
    """Return `moment` as ISO 8601 in Asia/Shanghai, or None."""
    return moment.astimezone(LOCAL).isoformat() if moment else None


def area_json(area):
    return {"code": area.code, "name": area.name}


def unit_json(unit):
    return {"code": unit.code, "name": unit.name, "kind": unit.kind} if unit else None


def deadline_json(row):
    return {"kind": row.kind, "state": row.state, "basis": row.basis,
            "limit_minutes": row.limit_minutes, "started_at": local_time(row.started_at),
            "warn_at": local_time(row.warn_at), "due_at": local_time(row.due_at),
            "paused": row.paused_at is not None, "ended_at": local_time(row.ended_at)}


def event_json(event):
    return {"id": event.id, "action": event.action, "actor": event.actor_label,
            "from_state": event.from_state, "to_state": event.to_state,
            "payload": event.payload, "at": local_time(event.at)}


def incident_json(incident, detail=False, allowed=None, duplicates=None):
    """Return the API view of a case; `detail` adds its events and every deadline."""
    point = to_shape(incident.point)
    body = {
        "id": incident.id, "case_number": incident.case_number, "state": incident.state,
        "version": incident.version, "source": incident.source,
        "category": incident.category.key, "category_name": incident.category.name,
        "urgency": incident.urgency, "triage": incident.triage,
        "description": incident.description, "address": incident.address,
        "lat": point.y, "lon": point.x, "crs": incident.crs, "accuracy_m": incident.accuracy_m,
        "location_match": incident.location_match,
        "grid": area_json(incident.grid), "community": area_json(incident.community),
        "street": area_json(incident.street), "district": area_json(incident.district),
        "lead_unit": unit_json(incident.lead_unit),
        "co_units": [unit_json(u) for u in incident.co_units],
        "due_at": local_time(incident.due_at), "on_hold": incident.on_hold_since is not None,
        "extension_request": incident.extension_request,
        "self_handled": incident.self_handled, "rework_count": incident.rework_count,
        "satisfaction": incident.satisfaction,
        "reported_at": local_time(incident.reported_at),
        "closed_at": local_time(incident.closed_at),
        "deadlines": [deadline_json(d) for d in incident.deadlines
                      if detail or d.state in ("pending", "warned", "breached")],
    }
    if detail:
        from gridops.api.whistles import supervision_order_json, whistle_json  # (cycle)
        body["events"] = [event_json(e) for e in incident.events]
        body["supervision_orders"] = [supervision_order_json(o)
                                      for o in incident.supervision_orders]
        body["whistles"] = [whistle_json(w, datetime.now(timezone.utc)) for w in incident.whistles]
        body["limits"] = incident.limits
        body["closing_note"] = incident.closing_note
        body["result_note"] = incident.result_note
    if allowed is not None:
        body["allowed_actions"] = allowed
    if duplicates is not None:
        body["possible_duplicates"] = duplicates
    return body
