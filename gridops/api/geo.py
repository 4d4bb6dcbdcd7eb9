"""Grids for the console map, and the point locator: GET /grids, GET and POST /locate."""
import numpy as np
from flask import current_app, request

from gridops.api import bp
from gridops.api.auth import require_user
from gridops.api.incidents import json_body
from gridops.api.locating import locator_for
from gridops.errors import ValidationError
from gridops.extensions import db
from gridops.geo.crs import CRS_NAMES, check_point, normalize_crs, to_wgs84
from gridops.geo.display import MAX_ZOOM, map_layer
from gridops.geo.errors import GeoError
from gridops.geo.features import LEVELS
from gridops.geo.locator import MATCHES

MAX_BATCH = 10_000


@bp.get("/grids")
@require_user
def grids():
    """Return the current layer as GeoJSON, filtered by level and box, simplified for a zoom."""
    args = request.args
    level = args.get("level") or None
    if level is not None and level not in LEVELS:
        raise ValidationError("level must be one of %(levels)s.", levels=", ".join(LEVELS))
    body = map_layer(db.session, level, _bbox(args.get("bbox")), _zoom(args.get("simplify")),
                     normalize_crs(args.get("crs")))
    return body, 200, {"Content-Type": "application/geo+json"}


def _bbox(text):
    if not text:
        return None
    try:
        box = [float(v) for v in text.split(",")]
    except ValueError:
        box = []
    if len(box) != 4 or not (-180 <= box[0] < box[2] <= 180 and -90 <= box[1] < box[3] <= 90):
        raise ValidationError("bbox must be minlon,minlat,maxlon,maxlat in degrees.")
    return box


def _zoom(text):
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_ZOOM:
        raise ValidationError("simplify must be a zoom level from 0 to %(max)s.", max=MAX_ZOOM)
    return int(text)


@bp.get("/locate")
@require_user
def locate():
    """Return the grid (and its community, street, district) of one point."""
    crs = normalize_crs(request.args.get("crs"))
    lat, lon = check_point(request.args.get("lat"), request.args.get("lon"))
    wlon, wlat = to_wgs84(lon, lat, crs)
    locator = locator_for(current_app, db.session)
    return _answer(locator, locator.locate(wlon, wlat), wlon, wlat, crs)


@bp.post("/locate")
@require_user
def locate_batch():
    """Locate up to 10,000 points at once; each result says its match or its own error."""
    body = json_body()
    points, default_crs = body.get("points"), body.get("crs")
    if not isinstance(points, list):
        raise ValidationError("points must be a list of {lat, lon} objects.")
    if len(points) > MAX_BATCH:
        raise ValidationError("At most %(max)s points per request.", max=MAX_BATCH)
    locator = locator_for(current_app, db.session)
    checked = [_checked(p, default_crs) for p in points]
    ok = [i for i, c in enumerate(checked) if "error" not in c]
    found = locator.locate_many(np.array([checked[i]["lon"] for i in ok], dtype=float),
                                np.array([checked[i]["lat"] for i in ok], dtype=float))
    for j, i in enumerate(ok):
        checked[i] = _batch_answer(locator, found, j, checked[i])
    return {"results": checked, "tolerance_m": locator.tolerance_m}


def _checked(point, default_crs):
    """Return {id, crs, lon, lat in WGS-84} of one batch point, or {id, error}."""
    point = point if isinstance(point, dict) else {}
    try:
        crs = normalize_crs(point.get("crs", default_crs))
        lat, lon = check_point(point.get("lat"), point.get("lon"))
        wlon, wlat = to_wgs84(lon, lat, crs)
    except GeoError as error:
        return {"id": point.get("id"), "error": {"code": error.code, "detail": error.message}}
    return {"id": point.get("id"), "crs": crs, "lon": wlon, "lat": wlat}


def _batch_answer(locator, found, j, point):
    location = found.location(j)
    if location is None:
        distance = found.distance_m[j]
        detail = ("outside every grid" if not np.isfinite(distance)
                  else f"outside every grid; the nearest is {distance:.1f} m away")
        return {"id": point["id"], "lon": point["lon"], "lat": point["lat"],
                "error": {"code": MATCHES[found.match_code[j]], "detail": detail}}
    return {"id": point["id"], **_answer(locator, location, point["lon"], point["lat"],
                                         point["crs"])}


def _answer(locator, location, lon, lat, crs):
    def area(code):
        return None if code is None else {"code": code, "name": locator.names.get(code, "")}
    return {"lon": lon, "lat": lat, "crs": crs, "match": location.match,
            "distance_m": round(location.distance_m, 2),
            "grid": area(location.grid), "community": area(location.community),
            "street": area(location.street), "district": area(location.district),
            "layer_version": locator.version}


def _documented():
    """Add the geo paths to the OpenAPI document."""
    from gridops.api.openapi import EXTRA_PATHS, _query, json_body as body_of, ok, \
        problem_responses
    area = {"type": ["object", "null"], "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
    location = {"type": "object",
                "required": ["lon", "lat", "crs", "match", "distance_m", "grid", "community",
                             "street", "district"],
                "properties": {"lon": {"type": "number"}, "lat": {"type": "number"},
                               "crs": {"enum": ["wgs84", "cgcs2000", "gcj02", "bd09"]},
                               "match": {"enum": ["inside", "boundary", "nearest"]},
                               "distance_m": {"type": "number"},
                               "grid": area, "community": area, "street": area, "district": area,
                               "layer_version": {"type": ["integer", "null"]}}}
    failed = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "detail"],
        "properties": {"code": {"type": "string"}, "detail": {"type": "string"}}}}}
    collection = {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"properties": {
                "type": "object", "required": ["code", "name", "level", "parent"],
                "properties": {"level": {"enum": list(LEVELS)}}}}}}}}
    point = {"type": "object", "required": ["lat", "lon"], "properties": {
        "lat": {"type": "number"}, "lon": {"type": "number"}, "id": {},
        "crs": {"type": "string"}}}
    crs = _query("crs", "wgs84 (default), cgcs2000, gcj02 or bd09 (any case, - and _ ignored)",
                 {"enum": list(CRS_NAMES)})
    EXTRA_PATHS.extend([
        ("/grids", "get", {
            "operationId": "grids", "tags": ["geo"],
            "summary": "The current grid layer as GeoJSON, for the console map",
            "parameters": [_query("level", "district, street, community or grid",
                                  {"enum": list(LEVELS)}),
                           _query("bbox", "minlon,minlat,maxlon,maxlat (WGS-84)"),
                           _query("simplify", f"Zoom level (0–{MAX_ZOOM}) to simplify for",
                                  {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}),
                           _query("crs", "Shift the output for GCJ-02 or BD-09 map tiles",
                                  {"enum": list(CRS_NAMES)})],
            "responses": {"200": {"description": "OK", "content": {
                "application/geo+json": {"schema": collection}}},
                **problem_responses(400, 401)}}),
        ("/locate", "get", {
            "operationId": "locate", "tags": ["geo"],
            "summary": "The grid, community, street and district of a point",
            "parameters": [_query("lat", "Latitude",
                                  {"type": "number", "minimum": -90, "maximum": 90}, True),
                           _query("lon", "Longitude",
                                  {"type": "number", "minimum": -180, "maximum": 180}, True),
                           crs],
            "responses": {**ok(location), **problem_responses(400, 401, 422)}}),
        ("/locate", "post", {
            "operationId": "locate_batch", "tags": ["geo"],
            "summary": f"Locate up to {MAX_BATCH:,} points; each result or error in order",
            "requestBody": body_of({"type": "object", "required": ["points"], "properties": {
                "crs": {"type": "string"},
                "points": {"type": "array", "maxItems": MAX_BATCH, "items": point}}}),
            "responses": {**ok({"type": "object", "required": ["results"], "properties": {
                "tolerance_m": {"type": "number"},
                "results": {"type": "array", "items": {"anyOf": [location, failed]}}}}),
                **problem_responses(400, 401, 415, 422)}}),
    ])


_documented()
