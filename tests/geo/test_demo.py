from collections import Counter

import shapely

from gridops.geo.demo import demo_features
from gridops.geo.layer import raw_from_feature
from gridops.geo.locator import Locator
from gridops.geo.validate import validate


def test_the_demo_layer_passes_validation_without_a_single_remark():
    report = validate([raw_from_feature(i, f) for i, f in enumerate(demo_features())])
    assert report.ok and report.problems == []


def test_the_demo_has_the_promised_shape():
    features = demo_features()
    levels = Counter(f.level for f in features)
    assert levels == {"district": 1, "street": 4, "community": 16, "grid": 193}
    minx, miny, maxx, maxy = shapely.total_bounds([f.geometry for f in features])
    assert 116.39 < minx < maxx < 116.51 and 39.89 < miny < maxy < 39.97
    assert all(f.geometry.geom_type == "MultiPolygon" for f in features)


def test_the_demo_is_deterministic():
    first, second = demo_features(), demo_features()
    assert [(f.code, f.name, f.geometry.wkb) for f in first] == [
        (f.code, f.name, f.geometry.wkb) for f in second]


def test_the_demo_has_a_hole_owned_by_another_grid_and_an_enclave():
    grids = {f.code: f for f in demo_features() if f.level == "grid"}
    host, school = grids["110199001001001"], grids["110199001001013"]
    assert len(host.geometry.geoms[0].interiors) == 1
    owner, neighbour = grids["110199002002005"], grids["110199002002006"]
    assert len(owner.geometry.geoms) == 2 and len(neighbour.geometry.geoms[0].interiors) == 1
    locator = Locator.build(demo_features())
    point = school.geometry.representative_point()
    assert locator.locate(point.x, point.y).grid == school.code
    enclave = owner.geometry.geoms[1].representative_point()
    found = locator.locate(enclave.x, enclave.y)
    assert (found.grid, found.community, found.street, found.district) == (
        owner.code, "110199002002", "110199002", "110199")


def test_children_tile_their_parents_exactly():
    features = demo_features()
    by_code = {f.code: f for f in features}
    for parent in features:
        children = [f.geometry for f in features if f.parent == parent.code]
        if children:
            union = shapely.coverage_union_all(children)
            assert union.symmetric_difference(parent.geometry).area < 1e-14, parent.code
    assert all(f.parent in by_code for f in features if f.parent)
