"""Import and export the grid layer: all or nothing, with history, never touching incidents.

A re-import compares each incoming area with the current row of the same code. Unchanged areas
keep their row; changed ones get `valid_to = now` and a new row; areas missing from the file
are retired. Incidents keep pointing at the rows they were located in, so an old case still
shows the grid it was reported in. Every import adds a `grid_layer` row: its version is the
stamp that makes every process rebuild its locator.
"""
import json
from dataclasses import dataclass, field

import shapely
from geoalchemy2.shape import from_shape
from shapely.geometry import mapping
from sqlalchemy import func, select, text
from sqlalchemy.orm import undefer

from gridops.geo.errors import LayerInvalid
from gridops.geo.features import LEVELS, as_feature
from gridops.geo.models import Area, GridLayer
from gridops.geo.reader import RawFeature
from gridops.geo.validate import Rules, validate


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    version: int | None
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    retired: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    report: object = None

    def summary(self):
        """Return the counts stored with the layer version."""
        return {"added": len(self.added), "changed": len(self.changed),
                "retired": len(self.retired), "kept": len(self.kept),
                "warnings": len(self.report.warnings) if self.report else 0,
                "fixed": len(self.report.fixes) if self.report else 0}


def import_layer(session, features, now, dry_run=False, source="", fix=False, rules=Rules()):
    """Validate `features` and make them the current layer; raise LayerInvalid on any error.

    `features` are RawFeatures (from reader.py) or Features; nothing is written when any error
    is found or when `dry_run` is set. Flushes; the caller commits.
    """
    raw = [f if isinstance(f, RawFeature) else raw_from_feature(i, f) for i, f in enumerate(features)]
    report = validate(raw, rules=rules, fix=fix)
    if not report.ok:
        raise LayerInvalid(report.errors, report)
    # One import at a time: the version stamp must grow by one per import, without gaps.
    session.execute(text("LOCK TABLE grid_layer IN EXCLUSIVE MODE"))
    current = {a.code: a for a in session.scalars(select(Area).where(Area.valid_to.is_(None))
                                                  .options(undefer(Area.geom)))}
    result = _plan(current, report.features)
    result.report = report
    if dry_run:
        return result
    result.version = (session.scalar(select(func.max(GridLayer.version))) or 0) + 1
    layer = GridLayer(version=result.version, imported_at=now, source=source[:500],
                      summary=result.summary())
    session.add(layer)
    _apply(session, current, result, now)
    return result


def _plan(current, incoming):
    result = ImportResult(version=None)
    for feature in sorted(incoming, key=_order):
        row = current.get(feature.code)
        if row is None:
            result.added.append(feature)
        elif _same(row, feature):
            result.kept.append(feature)
        else:
            result.changed.append(feature)
    incoming_codes = {f.code for f in incoming}
    result.retired = sorted(code for code in current if code not in incoming_codes)
    return result


def _order(feature):
    return LEVELS.index(feature.level), feature.code


def _same(row, feature):
    if (row.name, row.level, row.parent_code or "") != (feature.name, feature.level, feature.parent):
        return False
    stored = shapely.from_wkb(bytes(row.geom.data))
    return shapely.equals_exact(shapely.normalize(stored), shapely.normalize(feature.geometry), 1e-10)


def _apply(session, current, result, now):
    for code in result.retired + [f.code for f in result.changed]:
        current[code].valid_to = now
    # The old rows must be retired before the new ones claim their codes (unique index).
    session.flush()
    for feature in result.added + result.changed:
        session.add(Area(code=feature.code, name=feature.name, level=feature.level,
                         parent_code=feature.parent or None, valid_from=now,
                         geom=from_shape(feature.geometry, srid=4326),
                         layer_version=result.version))
    session.flush()


def raw_from_feature(index, feature):
    """Return a RawFeature for a Feature (shapely geometry), so it can be validated."""
    feature = as_feature(feature)
    geometry = mapping(feature.geometry)
    coords = json.loads(json.dumps(geometry["coordinates"]))  # tuples → lists
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    return RawFeature(index, feature.code, feature.name, feature.level, feature.parent,
                      geometry["type"], polygons)


def export_layer(session):
    """Return the current layer as a GeoJSON FeatureCollection (dict)."""
    rows = session.execute(
        select(Area.code, Area.name, Area.level, Area.parent_code, func.ST_AsGeoJSON(Area.geom, 9))
        .where(Area.valid_to.is_(None)))
    rows = sorted(rows, key=lambda r: (LEVELS.index(r[2]), r[0]))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(geojson),
         "properties": {"code": code, "name": name, "level": level, "parent": parent or ""}}
        for code, name, level, parent, geojson in rows]}
