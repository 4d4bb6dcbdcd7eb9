"""Read grid layers as survey departments hand them over: GeoJSON or ESRI Shapefile.

Reading keeps the file's coordinates as they are (nested lists, rings possibly unclosed,
values possibly out of range) because shapely refuses some of the very faults that
validation must report. Building geometries is validate.py's job.
"""
import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import shapefile

from gridops.geo.crs import normalize_crs, to_wgs84

PROPERTIES = ("code", "name", "level", "parent")


class LayerFileError(ValueError):
    """The file itself cannot be read (not its content's faults, which validation reports)."""


@dataclass
class RawFeature:
    """One feature as read: its properties as strings and its rings as nested lists."""

    index: int
    code: str
    name: str
    level: str
    parent: str
    #: GeoJSON geometry type as found ("Polygon", "MultiPolygon", anything else, or "").
    kind: str
    #: Polygons, each a list of rings (exterior first), each a list of [x, y] as read.
    polygons: list = field(default_factory=list)

    @property
    def label(self):
        """Return how messages name this feature: its code, or its position when it has none."""
        return self.code or f"#{self.index + 1} (no code)"


def read_layer(path, crs="wgs84"):
    """Return the RawFeatures of a GeoJSON, .shp or zipped Shapefile, converted to WGS-84."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".json", ".geojson"):
        features = read_geojson(_load_json(path))
    elif suffix in (".shp", ".zip"):
        features = read_shapefile(path)
    else:
        raise LayerFileError(f"{path.name}: expected .geojson, .json, .shp or .zip")
    return convert(features, crs)


def _load_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LayerFileError(f"{path.name}: cannot read GeoJSON: {error}") from None


def read_geojson(document):
    """Return the RawFeatures of a GeoJSON FeatureCollection (a dict)."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise LayerFileError("expected a GeoJSON FeatureCollection")
    items = document.get("features")
    if not isinstance(items, list):
        raise LayerFileError("the FeatureCollection has no list of features")
    return [_from_geojson_feature(i, item) for i, item in enumerate(items)]


def _from_geojson_feature(index, item):
    item = item if isinstance(item, dict) else {}
    props = item.get("properties") or {}
    geometry = item.get("geometry") or {}
    kind = str(geometry.get("type") or "")
    coords = geometry.get("coordinates")
    return RawFeature(index, *(_text(props.get(k)) for k in PROPERTIES), kind,
                      _polygons(kind, coords))


def _polygons(kind, coords):
    """Return the polygons of a Polygon or MultiPolygon's coordinates ([] when empty or other)."""
    if not coords or not isinstance(coords, list):
        return []
    return [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []


def _text(value):
    # Codes typed as numbers in a spreadsheet arrive as 110105.0; keep them as digit strings.
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_shapefile(path):
    """Return the RawFeatures of a .shp (with its siblings) or of a .zip holding one."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        path = _zipped_shp(path)
    try:
        with shapefile.Reader(str(path)) as reader:
            names = [f.name.lower() for f in reader.fields[1:]]
            return [_from_shape_record(i, names, sr) for i, sr in enumerate(reader.iterShapeRecords())]
    except (shapefile.ShapefileException, OSError, UnicodeDecodeError) as error:
        raise LayerFileError(f"{path.name}: cannot read the shapefile: {error}") from None


def _zipped_shp(path):
    try:
        with zipfile.ZipFile(path) as archive:
            shps = [n for n in archive.namelist() if n.lower().endswith(".shp")]
    except (OSError, zipfile.BadZipFile) as error:
        raise LayerFileError(f"{path.name}: cannot open the zip: {error}") from None
    if len(shps) != 1:
        raise LayerFileError(f"{path.name}: expected exactly one .shp in the zip, found {len(shps)}")
    return path / shps[0]


def _from_shape_record(index, names, shape_record):
    values = dict(zip(names, shape_record.record))
    shape = shape_record.shape
    if shape.shapeType == shapefile.NULL:
        return RawFeature(index, *(_text(values.get(k)) for k in PROPERTIES), "")
    geometry = shape.__geo_interface__
    kind = geometry["type"]
    return RawFeature(index, *(_text(values.get(k)) for k in PROPERTIES), kind,
                      _polygons(kind, _as_lists(geometry["coordinates"])))


def _as_lists(value):
    if isinstance(value, (list, tuple)):
        return [_as_lists(v) for v in value]
    return value


def convert(features, crs):
    """Return features with every plausible vertex moved from `crs` to WGS-84."""
    crs = normalize_crs(crs)
    if crs in ("wgs84", "cgcs2000"):
        return features
    for feature in features:
        feature.polygons = [[[_convert_vertex(v, crs) for v in ring] if isinstance(ring, list)
                             else ring for ring in polygon] if isinstance(polygon, list)
                            else polygon for polygon in feature.polygons]
    return features


def _convert_vertex(vertex, crs):
    # Out-of-range or malformed vertices stay as they are so that validation can name them.
    try:
        lon, lat = float(vertex[0]), float(vertex[1])
    except (TypeError, ValueError, IndexError):
        return vertex
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90):
        return vertex
    return list(to_wgs84(lon, lat, crs))
