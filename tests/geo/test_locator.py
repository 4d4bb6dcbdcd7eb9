import math
import random

import numpy as np
import pyproj
import pytest

from gridops.geo.crs import from_wgs84
from gridops.geo.errors import InvalidCoordinates, OutOfArea
from gridops.geo.locator import Locator, locate_point
from tests.geo.handmade import COMMUNITY, DISTRICT, STREET, U, at, grid

GEOD = pyproj.Geod(ellps="WGS84")


def metres_east(lon, lat, metres):
    return GEOD.fwd(lon, lat, 90, metres)[:2]


def test_inside_answers_the_grid_and_its_ancestors(locator):
    found = locator.locate(*at(0.5, 0.5))
    assert (found.grid, found.community, found.street, found.district) == (
        grid(1), COMMUNITY, STREET, DISTRICT)
    assert (found.match, found.distance_m, found.grid_id) == ("inside", 0.0, 101)


@pytest.mark.parametrize("point, expected", [
    ((1, 0.5), 1),      # edge shared by 1 and 2
    ((1.5, 1), 2),      # edge shared by 2 and 4
    ((1, 1), 1),        # vertex shared by 1, 2, 3 and 4
    ((2, 1.5), 4),      # edge shared by 4 and 5
    ((2.5, 1.0), 5),    # edge between 5 and the grid 6 in its hole
    ((0, 0.3), 1),      # the layer's outer edge
    ((5.25, 1.0), 7),   # the enclave's edge inside 8
])
def test_a_point_on_an_edge_or_vertex_goes_to_the_lowest_code(locator, point, expected):
    found = locator.locate(*at(*point))
    assert (found.grid, found.match, found.distance_m) == (grid(expected), "boundary", 0.0)


def test_lowest_code_wins_whatever_the_feature_order(layer):
    shuffled = list(layer)
    random.Random(3).shuffle(shuffled)
    assert Locator.build(shuffled).locate(*at(1, 1)).grid == grid(1)
    assert Locator.build(list(reversed(layer))).locate(*at(1, 0.5)).grid == grid(1)


def test_a_hole_is_outside_its_grid_and_inside_the_grid_that_fills_it(locator):
    assert locator.locate(*at(2.75, 1.0)).grid == grid(6)
    assert locator.locate(*at(2.25, 1.0)).grid == grid(5)


def test_the_middle_of_a_park_is_out_of_area(locator):
    with pytest.raises(OutOfArea) as info:
        locator.locate(*at(3.25, 1.0))
    assert info.value.distance_m is None and info.value.tolerance_m == 50.0


def test_a_point_in_a_park_near_its_edge_goes_to_the_nearest_grid(locator):
    lon, lat = metres_east(*at(3.5, 1.0), -20)  # 20 m west of the park's east edge (grid 5)
    found = locator.locate(lon, lat)
    assert (found.grid, found.match) == (grid(5), "nearest")
    assert found.distance_m == pytest.approx(20.0, abs=0.05)


def test_an_enclave_belongs_to_its_multipolygon(locator):
    assert locator.locate(*at(5.5, 1.0)).grid == grid(7)
    assert locator.locate(*at(4.5, 1.0)).grid == grid(7)
    assert locator.locate(*at(5.1, 1.0)).grid == grid(8)


@pytest.mark.parametrize("metres", [1.0, 20.0, 49.9])
def test_just_outside_goes_to_the_nearest_grid_with_its_distance(locator, metres):
    lon, lat = metres_east(*at(6, 0.5), metres)
    found = locator.locate(lon, lat)
    assert (found.grid, found.match, found.community) == (grid(8), "nearest", COMMUNITY)
    assert found.distance_m == pytest.approx(metres, abs=0.05)


def test_nearest_ties_go_to_the_lowest_code(locator):
    # South of the vertex shared by 1 and 2: equally near both.
    lon, lat = GEOD.fwd(*at(1, 0), 180, 10)[:2]
    found = locator.locate(lon, lat)
    assert (found.grid, found.match) == (grid(1), "nearest")
    assert found.distance_m == pytest.approx(10.0, abs=0.05)


def test_beyond_the_tolerance_is_out_of_area(locator):
    lon, lat = metres_east(*at(6, 0.5), 50.5)
    with pytest.raises(OutOfArea, match="outside every grid"):
        locator.locate(lon, lat)
    with pytest.raises(OutOfArea):
        locator.locate(120.0, 30.0)


def test_the_tolerance_is_configurable(layer):
    lon, lat = metres_east(*at(6, 0.5), 200)
    wide = Locator.build(layer, tolerance_m=300)
    found = wide.locate(lon, lat)
    assert (found.grid, found.match) == (grid(8), "nearest")
    assert found.distance_m == pytest.approx(200, abs=0.1)
    with pytest.raises(OutOfArea) as info:
        Locator.build(layer, tolerance_m=10).locate(*metres_east(*at(6, 0.5), 20))
    assert info.value.tolerance_m == 10


def test_swapped_coordinates_are_reported(locator):
    lon, lat = at(0.5, 0.5)
    with pytest.raises(InvalidCoordinates, match="look swapped"):
        locator.locate(lat, lon)


@pytest.mark.parametrize("lon, lat", [(float("nan"), 39.9), (116.4, float("inf")), ("x", 39.9)])
def test_invalid_coordinates_are_rejected(locator, lon, lat):
    with pytest.raises(InvalidCoordinates):
        locator.locate(lon, lat)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_shifted_inputs_are_converted_before_locating(locator, crs):
    wgs = at(0.9, 0.5)  # near grid 1's east edge; the shift would carry it into grid 2
    shifted = from_wgs84(*wgs, crs)
    assert locator.locate(*shifted).grid != grid(1)
    found, lon, lat = locate_point(locator, *shifted, crs)
    assert found.grid == grid(1)
    assert math.dist((lon, lat), wgs) < 1e-9


def test_overlapping_grids_still_answer_deterministically(layer):
    from tests.geo.handmade import unit_box
    from gridops.geo.features import Feature
    extra = Feature(grid(0), "grid", COMMUNITY, unit_box(0.5, 0.5, 1.5, 1.5))
    locator = Locator.build(layer + [extra])
    assert locator.locate(*at(1.25, 1.25)).grid == grid(0)
    assert locator.locate(*at(0.25, 0.25)).grid == grid(1)


def test_a_layer_without_grids_is_refused(layer):
    with pytest.raises(ValueError, match="no grids"):
        Locator.build([f for f in layer if f.level != "grid"])


def special_points():
    """Return vertices, edge midpoints, near and far points of the test layer."""
    xs = [0, 0.5, 1, 1.5, 2, 2.5, 2.75, 3, 3.25, 3.5, 4, 5, 5.25, 5.5, 5.75, 6]
    ys = [0, 0.5, 0.75, 1, 1.25, 1.5, 2]
    points = [at(x, y) for x in xs for y in ys]
    points += [metres_east(*at(6, 0.5), m) for m in (5, 49, 51, 500)]
    return points


def test_bulk_results_equal_single_results(locator):
    rng = np.random.default_rng(11)
    lons = list(rng.uniform(116.40 - 0.001, 116.40 + 6 * U + 0.001, 3000))
    lats = list(rng.uniform(39.90 - 0.001, 39.90 + 2 * U + 0.001, 3000))
    for lon, lat in special_points():
        lons.append(lon)
        lats.append(lat)
    bulk = locator.locate_many(np.array(lons), np.array(lats))
    assert set(bulk.match) >= {"inside", "boundary", "nearest", "out_of_area"}
    for i, (lon, lat) in enumerate(zip(lons, lats)):
        try:
            single = locator.locate(lon, lat)
        except OutOfArea:
            single = None
        assert bulk.location(i) == single, (i, lon, lat)


def test_bulk_marks_invalid_points_and_gives_columns(locator):
    lons = np.array([at(0.5, 0.5)[0], np.nan, 200.0, at(9, 9)[0]])
    lats = np.array([at(0.5, 0.5)[1], 39.9, 39.9, at(9, 9)[1]])
    bulk = locator.locate_many(lons, lats)
    assert list(bulk.match) == ["inside", "invalid", "invalid", "out_of_area"]
    assert list(bulk.column("grid")) == [grid(1), None, None, None]
    assert list(bulk.column("district")) == [DISTRICT, None, None, None]
    assert len(bulk) == 4
