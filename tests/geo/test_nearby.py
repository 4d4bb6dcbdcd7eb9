"""Duplicate suggestions against the real database, with cases reported through intake."""
from datetime import timedelta

import pyproj
import pytest

from gridops.api.locating import locator_for
from gridops.dispatch.decide import Actor
from gridops.dispatch.intake import report_incident
from gridops.geo.nearby import duplicate_settings, possible_duplicates

GEOD = pyproj.Geod(ellps="WGS84")
GRID = "110199001001001"
WORKER = Actor("grid_worker", "网格员", area_codes=frozenset({GRID}))


@pytest.fixture
def near(world, app):
    lat, lon = world.center(GRID)
    locate = locator_for(app, world.session).locate

    def report(metres_east=0.0, category="event:0102", hours_ago=0.0, state=None):
        x, y = GEOD.fwd(lon, lat, 90, metres_east)[:2] if metres_east else (lon, lat)
        incident, _ = report_incident(world.session, {"lat": y, "lon": x, "category": category},
                                      "grid_worker", WORKER,
                                      world.now - timedelta(hours=hours_ago), locate)
        if state:
            incident.state = state
        world.session.commit()
        return incident
    report.origin = (lon, lat)
    return report


def found(world, near, category_id, **kwargs):
    lon, lat = near.origin
    return [(i.id, round(d, 1)) for i, d in possible_duplicates(
        world.session, lon, lat, category_id, world.now, **kwargs)]


def test_nearest_first_then_newest(world, near):
    a = near(10)
    b = near(30)
    c = near(10, hours_ago=1)
    assert found(world, near, a.category_id) == [(a.id, 10.0), (c.id, 10.0), (b.id, 30.0)]


def test_too_far_too_old_other_category_or_closed_are_left_out(world, near):
    a = near(20)
    near(60)
    near(5, hours_ago=73)
    near(5, category="event:0101")
    near(5, state="rejected")
    near(5, state="merged")
    assert found(world, near, a.category_id) == [(a.id, 20.0)]


def test_radius_and_hours_are_configurable_and_self_is_excluded(world, near):
    a = near(20)
    far = near(60)
    old = near(5, hours_ago=80)
    assert found(world, near, a.category_id, radius_m=100, hours=96) == [
        (old.id, 5.0), (a.id, 20.0), (far.id, 60.0)]
    assert found(world, near, a.category_id, radius_m=100, exclude_id=a.id) == [(far.id, 60.0)]


def test_settings_come_from_the_app_config(app):
    assert duplicate_settings(app.config) == (50.0, 72.0)
