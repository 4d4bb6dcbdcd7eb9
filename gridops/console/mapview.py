"""The map: every open case in scope over the grid outlines, coloured by its light."""
from flask import current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from gridops.console import bp, filters, labels, live, mapdata, queries
from gridops.console.access import now, queue_user
from gridops.console.lights import case_light, time_left
from gridops.dispatch.models import Incident
from gridops.extensions import db
from gridops.phone.context import bbox_of
from gridops.web.labels import STAGES

#: More open cases than this in one view is a district at its worst; the map says so.
MAX_POINTS = 5000


@bp.get("/map")
@queue_user
def map_page():
    """Show the map with the queue's filters; points come from `map_cases`."""
    chosen, choices = filters.parse(db.session, current_user, request.args)
    streets = [chosen.get("street")] if chosen.get("street") else [c for c, _n in choices.streets]
    return render_template(
        "console/map.html", filters=chosen, choices=choices, labels=labels,
        since=live.latest_event_id(db.session), tiles=mapdata.tiles(current_app.config),
        bbox=bbox_of(db.session, streets),
        cases_url=url_for("console.map_cases", **chosen.args()),
        grids_url=url_for("api.grids", level="grid",
                          crs=mapdata.display_crs(current_app.config)))


@bp.get("/map/cases")
@queue_user
def map_cases():
    """Return the open cases under the filters as GeoJSON points with their light."""
    moment = now()
    chosen, _choices = filters.parse(db.session, current_user, request.args)
    crs = mapdata.display_crs(current_app.config)
    found = db.session.scalars(queries.open_cases(current_user, chosen, moment)
                               .options(selectinload(Incident.deadlines),
                                        selectinload(Incident.category))
                               .order_by(Incident.id).limit(MAX_POINTS + 1)).all()
    features = [_feature(i, moment, crs) for i in found[:MAX_POINTS]]
    return {"type": "FeatureCollection", "features": features,
            "truncated": len(found) > MAX_POINTS}


def _feature(incident, moment, crs):
    colour, deadline = case_light(incident, moment)
    lat, lon = mapdata.lat_lon(incident.point, crs)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": incident.id, "case_number": incident.case_number,
                "category": incident.category.name, "light": colour or "none",
                "stage": str(STAGES.get(incident.state, incident.state)),
                "left": time_left(deadline.due_at, moment) if deadline else "",
                "url": url_for("console.case", incident_id=incident.id)}}
