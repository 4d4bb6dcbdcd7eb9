import math

import pytest
from hypothesis import given, settings, strategies as st

from gridops.geo.crs import check_point, from_wgs84, normalize_crs, to_wgs84
from gridops.geo.errors import InvalidCoordinates

CHINA_LON = st.floats(min_value=73.5, max_value=135.0)
CHINA_LAT = st.floats(min_value=18.0, max_value=53.5)


def metres_apart(a, b):
    dlat = (a[1] - b[1]) * 111_320
    dlon = (a[0] - b[0]) * 111_320 * math.cos(math.radians(a[1]))
    return math.hypot(dlat, dlon)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
@settings(max_examples=300, deadline=None)
@given(lon=CHINA_LON, lat=CHINA_LAT)
def test_round_trip_is_within_a_centimetre(crs, lon, lat):
    shifted = from_wgs84(lon, lat, crs)
    assert metres_apart(to_wgs84(*shifted, crs), (lon, lat)) < 0.01


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
@settings(max_examples=100, deadline=None)
@given(lon=CHINA_LON, lat=CHINA_LAT)
def test_inverse_then_forward_gives_back_the_input(crs, lon, lat):
    back = from_wgs84(*to_wgs84(lon, lat, crs), crs)
    assert metres_apart(back, (lon, lat)) < 0.01


# Reference pairs from googollee/eviltransform's test suite (wgs lon, lat → gcj lon, lat).
EVILTRANSFORM_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize("wgs, gcj", EVILTRANSFORM_GCJ)
def test_known_gcj02_values(wgs, gcj):
    assert from_wgs84(*wgs, "gcj02") == pytest.approx(gcj, abs=1e-9)
    assert metres_apart(to_wgs84(*gcj, "gcj02"), wgs) < 0.01


def published_gcj_to_bd(lon, lat):
    """Apply the widely published GCJ-02 → BD-09 formula (x_pi = π·3000/180)."""
    x_pi = math.pi * 3000.0 / 180.0
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * x_pi)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def test_known_bd09_value():
    # GCJ-02 of (116.404, 39.915) as published by wandergis/coordtransform and hutool.
    wgs, gcj = (116.404, 39.915), (116.41024449916938, 39.91640428150164)
    bd = published_gcj_to_bd(*gcj)
    assert from_wgs84(*wgs, "gcj02") == pytest.approx(gcj, abs=1e-12)
    assert from_wgs84(*wgs, "bd09") == pytest.approx(bd, abs=1e-12)
    assert metres_apart(to_wgs84(*bd, "bd09"), wgs) < 0.01


def test_offsets_in_beijing_are_hundreds_of_metres():
    wgs = (116.391275, 39.907216)
    assert 400 < metres_apart(from_wgs84(*wgs, "gcj02"), wgs) < 700
    assert 1000 < metres_apart(from_wgs84(*wgs, "bd09"), wgs) < 1500


def test_one_step_inverse_would_be_metres_off_but_ours_is_not():
    gcj = (116.397518, 39.908620)
    wgs = to_wgs84(*gcj, "gcj02")
    assert metres_apart(from_wgs84(*wgs, "gcj02"), gcj) < 0.001


@pytest.mark.parametrize("crs", ["wgs84", "cgcs2000", "WGS-84", "CGCS2000", None, ""])
def test_wgs84_and_cgcs2000_are_identity(crs):
    assert to_wgs84(116.4, 39.9, crs) == (116.4, 39.9)
    assert from_wgs84(116.4, 39.9, crs) == (116.4, 39.9)


def test_gcj02_outside_china_is_unshifted():
    assert to_wgs84(2.35, 48.85, "gcj02") == (2.35, 48.85)
    assert from_wgs84(2.35, 48.85, "GCJ-02") == (2.35, 48.85)


def test_bd09_outside_china_round_trips():
    back = to_wgs84(*from_wgs84(2.35, 48.85, "bd09"), "bd09")
    assert metres_apart(back, (2.35, 48.85)) < 0.01


def test_unknown_crs_is_rejected():
    with pytest.raises(InvalidCoordinates, match="unknown coordinate system 'epsg:3857'"):
        normalize_crs("epsg:3857")


def test_check_point_returns_floats():
    assert check_point("39.9", 116) == (39.9, 116.0)
    assert check_point(-90, 180) == (-90.0, 180.0)


@pytest.mark.parametrize("lat, lon, message", [
    (float("nan"), 116.4, "lat=nan is not a finite number"),
    (39.9, float("inf"), "lon=inf is not a finite number"),
    ("abc", 116.4, "lat='abc' is not a number"),
    (39.9, None, "lon is missing"),
    ("", 116.4, "lat is missing"),
    (True, 116.4, "lat=True is not a number"),
    (39.9, [116.4], r"lon=\[116.4\] is not a number"),
    (91, 116.4, r"lat=91.0 is out of range \(-90..90\)$"),
    (39.9, 181, r"lon=181.0 is out of range"),
    (39.9, -180.5, r"lon=-180.5 is out of range"),
    ("1e999", 116.4, "is not a finite number"),
])
def test_check_point_rejects(lat, lon, message):
    with pytest.raises(InvalidCoordinates, match=message):
        check_point(lat, lon)


def test_check_point_says_when_the_pair_looks_swapped():
    with pytest.raises(InvalidCoordinates, match="look swapped"):
        check_point(116.4, 39.9)


def test_swapped_hint_only_when_the_swap_would_be_valid():
    with pytest.raises(InvalidCoordinates) as info:
        check_point(116.4, 100.0)
    assert "swapped" not in str(info.value)
