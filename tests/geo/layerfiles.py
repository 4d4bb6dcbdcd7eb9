"""Tiny grid layers written by hand, as GeoJSON dicts, for the reader and validator tests."""
from tests.geo.handmade import LAT0, LON0, U


def ring(*points, close=True):
    """Return a ring of (x, y) layer units as [lon, lat] lists."""
    coords = [[LON0 + x * U, LAT0 + y * U] for x, y in points]
    return coords + [coords[0]] if close else coords


def square(x1, y1, x2, y2):
    return ring((x1, y1), (x2, y1), (x2, y2), (x1, y2))


def feature(code, level, parent, rings, kind="Polygon", name="某地"):
    geometry = None if rings is None else {"type": kind, "coordinates": rings}
    return {"type": "Feature", "geometry": geometry,
            "properties": {"code": code, "name": name, "level": level, "parent": parent}}


def collection(features):
    return {"type": "FeatureCollection", "features": list(features)}


def base_features():
    """Return a valid layer: one district, street and community [0,4]×[0,2], four grid strips."""
    whole = [square(0, 0, 4, 2)]
    features = [feature("110199", "district", "", whole),
                feature("110199001", "street", "110199", whole),
                feature("110199001001", "community", "110199001", whole)]
    for i in range(4):
        features.append(feature(f"110199001001{i + 1:03d}", "grid", "110199001001",
                                [square(i, 0, i + 1, 2)]))
    return features


def replace(features, which, **changes):
    """Return features with the one whose code is `which` changed (rings or properties)."""
    out = []
    for f in features:
        if f["properties"]["code"] == which:
            f = {**f, "properties": {**f["properties"]}}
            if "rings" in changes:
                f["geometry"] = {"type": changes.pop("kind", "Polygon"),
                                 "coordinates": changes.pop("rings")}
            f["properties"].update(changes)
        out.append(f)
    return out
