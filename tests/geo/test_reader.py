import json
import zipfile

import pytest
import shapefile
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from gridops.geo.crs import from_wgs84, to_wgs84
from gridops.geo.reader import LayerFileError, read_geojson, read_layer
from gridops.geo.validate import validate
from tests.geo.layerfiles import base_features, collection, replace, square

G1, G2 = "110199001001001", "110199001001002"


def layer_with_hole_and_enclave():
    features = replace(base_features(), G1, rings=[square(0, 0, 1, 2), square(0.25, 0.5, 0.75, 1.5)])
    return replace(features, G2, kind="MultiPolygon",
                   rings=[[square(1, 0, 2, 2)], [square(0.25, 0.5, 0.75, 1.5)]])


def write_shapefile(path, features, encoding="utf-8"):
    """Write GeoJSON-like features with pyshp: outer rings clockwise, holes anticlockwise."""
    with shapefile.Writer(str(path), shapefile.POLYGON, encoding=encoding) as w:
        for name in ("code", "name", "level", "parent"):
            w.field(name, "C", size=40)
        for f in features:
            geometry = f["geometry"]
            polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                        else geometry["coordinates"])
            rings = []
            for p in polygons:
                shape = orient(Polygon(p[0], p[1:]), sign=-1.0)
                rings.append([list(c) for c in shape.exterior.coords])
                rings.extend([list(c) for c in hole.coords] for hole in shape.interiors)
            w.poly(rings)
            w.record(**f["properties"])


def summary(report):
    return {f.code: (f.level, f.parent, f.name, round(f.geometry.area, 12),
                     len(f.geometry.geoms)) for f in report.features}


def test_geojson_file_round_trip(tmp_path):
    path = tmp_path / "layer.geojson"
    path.write_text(json.dumps(collection(layer_with_hole_and_enclave()), ensure_ascii=False),
                    encoding="utf-8")
    report = validate(read_layer(path))
    assert report.ok
    assert summary(report)[G2][4] == 2


def test_shapefile_round_trip(tmp_path):
    features = layer_with_hole_and_enclave()
    write_shapefile(tmp_path / "grids.shp", features)
    from_shp = validate(read_layer(tmp_path / "grids.shp"))
    from_json = validate(read_geojson(collection(features)))
    assert from_shp.ok and from_shp.problems == []
    assert summary(from_shp) == summary(from_json)
    assert summary(from_shp)[G1][2] == "某地"


def test_zipped_shapefile(tmp_path):
    write_shapefile(tmp_path / "grids.shp", base_features())
    archive = tmp_path / "grids.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for ext in ("shp", "shx", "dbf"):
            z.write(tmp_path / f"grids.{ext}", f"layer/grids.{ext}")
    report = validate(read_layer(archive))
    assert report.ok and len(report.features) == 7


def test_a_zip_without_one_shapefile_is_refused(tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "nothing here")
    with pytest.raises(LayerFileError, match="expected exactly one .shp in the zip, found 0"):
        read_layer(archive)


@pytest.mark.parametrize("content, message", [
    ("{not json", "cannot read GeoJSON"),
    ('{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": 3}', "has no list of features"),
])
def test_unreadable_geojson(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LayerFileError, match=message):
        read_layer(path)


def test_unknown_extension(tmp_path):
    with pytest.raises(LayerFileError, match="expected .geojson, .json, .shp or .zip"):
        read_layer(tmp_path / "grids.kml")


def test_numeric_codes_become_digit_strings():
    features = replace(base_features(), "110199", code=110199)
    features = replace(features, "110199001", parent=110199.0)
    raw = read_geojson(collection(features))
    assert (raw[0].code, raw[1].parent) == ("110199", "110199")


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_a_shifted_layer_is_converted_to_wgs84(tmp_path, crs):
    wgs = base_features()
    shifted = json.loads(json.dumps(wgs))
    for f in shifted:
        for ring in f["geometry"]["coordinates"]:
            ring[:] = [list(from_wgs84(lon, lat, crs)) for lon, lat in ring]
    path = tmp_path / "shifted.geojson"
    path.write_text(json.dumps(collection(shifted)), encoding="utf-8")
    raw = read_layer(path, crs=crs)
    got = raw[3].polygons[0][0][0]
    want = wgs[3]["geometry"]["coordinates"][0][0]
    assert got == pytest.approx(want, abs=1e-9)
    assert validate(raw).ok


def test_out_of_range_vertices_are_left_for_validation_to_name():
    features = replace(base_features(), G2, rings=[[[440000.0, 4420000.0], [441000.0, 4420000.0],
                                                    [441000.0, 4421000.0], [440000.0, 4420000.0]]])
    from gridops.geo.reader import convert
    raw = convert(read_geojson(collection(features)), "gcj02")
    assert raw[4].polygons[0][0][0] == [440000.0, 4420000.0]
    assert raw[3].polygons[0][0][0] == pytest.approx(list(to_wgs84(116.4, 39.9, "gcj02")))
