import pytest

from gridops.geo.frame import area_m2, wgs84_geod
from gridops.geo.reader import read_geojson
from gridops.geo.validate import Rules, validate
from tests.geo.handmade import U
from tests.geo.layerfiles import (base_features, collection, feature, replace, ring,
                                  square)

G1, G2, G3, G4 = (f"110199001001{i:03d}" for i in range(1, 5))


def check(features, fix=False, rules=Rules()):
    return validate(read_geojson(collection(features)), rules=rules, fix=fix)


def messages(report, severity="error"):
    return [str(p) for p in report.problems if p.severity == severity]


def test_a_clean_layer_passes_with_multipolygons():
    report = check(base_features())
    assert report.ok and report.problems == []
    assert len(report.features) == 7
    assert {f.geometry.geom_type for f in report.features} == {"MultiPolygon"}


def test_a_bow_tie_is_a_self_intersection():
    bow = [ring((3, 0), (4, 2), (4, 0), (3, 2))]
    report = check(replace(base_features(), G4, rings=bow))
    assert messages(report) == [f"error: {G4}: invalid geometry: self-intersection at (116.435, 39.91)"]


def test_fix_makes_a_bow_tie_valid_and_says_so():
    bow = [ring((3, 0), (4, 2), (4, 0), (3, 2))]
    report = check(replace(base_features(), G4, rings=bow), fix=True)
    assert report.ok
    assert [str(p) for p in report.fixes] == [
        f"fixed: {G4}: made valid (self-intersection at (116.435, 39.91)): now 2 polygon(s), "
        f"{area_m2(wgs84_geod(), next(f.geometry for f in report.features if f.code == G4)):.1f} m²"]
    # Half of the strip is no longer covered: a gap, which is only a warning.
    assert any("110199001001: its children leave 2 gap(s)" in m for m in messages(report, "warning"))


def test_an_unclosed_ring_is_an_error_and_fix_closes_it():
    open_ring = [ring((0, 0), (1, 0), (1, 2), (0, 2), close=False)]
    features = replace(base_features(), G1, rings=open_ring)
    assert messages(check(features)) == [
        f"error: {G1}: ring 1 of polygon 1 is not closed: it starts at (116.4, 39.9) "
        "and ends at (116.4, 39.92)"]
    fixed = check(features, fix=True)
    assert fixed.ok and [p.message for p in fixed.fixes] == ["closed ring 1 of polygon 1"]


def test_a_ring_too_short():
    report = check(replace(base_features(), G1, rings=[ring((0, 0), (1, 0))]))
    assert f"error: {G1}: ring 1 of polygon 1 is too short: 2 distinct point(s); " \
           "a ring needs at least 3" in messages(report)


@pytest.mark.parametrize("rings, kind, expected", [
    ([], "Polygon", "empty geometry"),
    ([[]], "MultiPolygon", "polygon 1 has no rings"),
    (None, None, "geometry is missing; expected Polygon or MultiPolygon"),
    ([116.4, 39.9], "Point", "geometry is Point; expected Polygon or MultiPolygon"),
    ([[["a", "b"], [1, 2]]], "Polygon", "ring 1 of polygon 1 has malformed coordinates"),
])
def test_empty_missing_or_wrong_geometry(rings, kind, expected):
    features = [f for f in base_features() if f["properties"]["code"] != G1]
    features.append(feature(G1, "grid", "110199001001", rings, kind or "Polygon"))
    if rings is None:
        features[-1]["geometry"] = None
    report = check(features)
    assert f"error: {G1}: {expected}" in messages(report)


def test_projected_metres_in_a_degrees_file():
    metres = [[[440000.0, 4420000.0], [441000.0, 4420000.0], [441000.0, 4421000.0],
               [440000.0, 4420000.0]]]
    report = check(replace(base_features(), G2, rings=metres))
    assert (f"error: {G2}: ring 1 of polygon 1 has coordinates out of range, e.g. "
            "(440000, 4420000); these look like projected metres, not degrees: export the layer "
            "in WGS-84/CGCS2000 longitude and latitude") in messages(report)


def test_a_latitude_out_of_range():
    bad = [[[116.4, 95.0], [116.41, 95.0], [116.41, 95.1], [116.4, 95.0]]]
    report = check(replace(base_features(), G2, rings=bad))
    assert f"error: {G2}: ring 1 of polygon 1 has coordinates out of range, e.g. (116.4, 95)" \
           in messages(report)


def test_duplicate_codes():
    features = base_features() + [feature(G1, "grid", "110199001001", [square(0, 0, 1, 2)])]
    assert f"error: {G1}: code appears 2 times (features #4, #8)" in messages(check(features))


def test_unknown_parent():
    features = replace(base_features(), G3, parent="110199001009")
    report = check(features)
    assert f"error: {G3}: unknown parent 110199001009" in messages(report)


def test_wrong_level_order():
    features = replace(base_features(), G3, parent="110199001")
    assert (f"error: {G3}: is a grid but its parent 110199001 is a street; expected a community"
            in messages(check(features)))


def test_only_a_district_may_be_at_the_top():
    features = replace(base_features(), "110199001", parent="")
    assert ("error: 110199001: is a street without a parent; only a district may be at the top"
            in messages(check(features)))


def test_missing_code_level_and_name():
    features = base_features() + [feature("", "grid", "110199001001", [square(0, 0, 1, 1)])]
    features = replace(features, G2, level="cell", name="")
    report = check(features)
    assert "error: #8 (no code): has no code" in messages(report)
    assert f"error: {G2}: level 'cell' is not one of district, street, community, grid" \
           in messages(report)
    assert f"warning: {G2}: has no name" in messages(report, "warning")


@pytest.mark.parametrize("code, expected", [
    ("11019900100101", "code has 14 characters; a grid code has 15"),
    ("1101990010010A1", "code must be digits only"),
    ("110199001002001", "code does not start with its parent's code 110199001001"),
])
def test_code_structure(code, expected):
    features = replace(base_features(), G1, code=code)
    assert f"error: {code}: {expected}" in messages(check(features))


def test_code_rules_are_configurable():
    features = replace(base_features(), G1, code="1101990010010A1")
    assert check(features, rules=Rules(digits_only=False)).ok
    fourteen = Rules(code_lengths=(("district", 6), ("street", 9), ("community", 12), ("grid", 14)))
    assert messages(check(base_features(), rules=fourteen)) == [
        f"error: {g}: code has 15 characters; a grid code has 14" for g in (G1, G2, G3, G4)]


def test_a_child_outside_its_parent_beyond_one_metre():
    wide = [square(3, 0, 4 + 0.001 / U * 1, 2)]  # 0.001° of longitude is about 85 m
    report = check(replace(base_features(), G4, rings=wide))
    found = [m for m in messages(report) if "outside its parent" in m]
    assert len(found) == 1 and found[0].startswith(
        f"error: {G4}: lies outside its parent 110199001001 by up to 85.")
    assert "m² outside)" in found[0]


def test_less_than_a_metre_outside_is_tolerated():
    nudge = 0.5 / 85_300 / U  # half a metre of longitude, in layer units
    report = check(replace(base_features(), G4, rings=[square(3, 0, 4 + nudge, 2)]))
    assert report.ok


def test_overlapping_siblings_report_the_area():
    report = check(replace(base_features(), G2, rings=[square(0.9, 0, 2, 2)]))
    overlap = _area(square(0.9, 0, 1, 2))
    assert messages(report) == [f"error: {G1}: overlaps {G2} by {overlap:.1f} m²"]


def test_a_duplicate_polygon_overlaps_entirely():
    features = replace(base_features(), G2, rings=[square(0, 0, 1, 2)])
    report = check(features)
    assert any(m.startswith(f"error: {G1}: overlaps {G2} by ") for m in messages(report))


def test_gaps_are_warnings_with_their_area():
    report = check(replace(base_features(), G2, rings=[square(1.1, 0, 2, 2)]))
    assert report.ok
    assert messages(report, "warning") == [
        f"warning: 110199001001: its children leave 1 gap(s) of {_area(square(1, 0, 1.1, 2)):.1f} m² "
        "in all (largest "
        f"{_area(square(1, 0, 1.1, 2)):.1f} m² near (116.410500, 39.910000))"]


def test_holes_and_multipolygons_are_read_and_pass():
    holed = [square(0, 0, 1, 2), square(0.25, 0.5, 0.75, 1.5)]
    features = replace(base_features(), G1, rings=holed)
    features = replace(features, G2, kind="MultiPolygon",
                       rings=[[square(1, 0, 2, 2)], [square(0.25, 0.5, 0.75, 1.5)]])
    report = check(features)
    assert report.ok and report.warnings == []
    g1 = next(f for f in report.features if f.code == G1)
    assert len(g1.geometry.geoms[0].interiors) == 1


def test_every_problem_is_reported_at_once():
    features = base_features()
    features = replace(features, G1, rings=[ring((0, 0), (1, 2), (1, 0), (0, 2))])
    features = replace(features, G2, parent="110199001777")
    features = replace(features, G3, code="X10199001001003")
    features = replace(features, G4, rings=[square(3, 0, 4.5, 2)])
    report = check(features)
    codes = {p.code for p in report.errors}
    assert {G1, G2, "X10199001001003", G4} <= codes
    assert len(report.errors) >= 5


def _area(coords):
    from shapely.geometry import Polygon
    return area_m2(wgs84_geod(), Polygon(coords))
