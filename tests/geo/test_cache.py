import threading

from gridops.geo.cache import LocatorCache
from tests.geo.handmade import at, grid, grid_layer, parent_layer, unit_box


class FakeLayer:
    """Stands in for the database: a version stamp and the features, counting reads."""

    def __init__(self, features, version=1):
        self.features, self.version = features, version
        self.version_reads = self.feature_reads = 0

    def read_version(self):
        self.version_reads += 1
        return self.version

    def read_features(self):
        self.feature_reads += 1
        return self.features


def test_builds_once_and_reuses_while_the_version_holds():
    db = FakeLayer(parent_layer() + grid_layer())
    cache = LocatorCache()
    first = cache.get(db.read_version, db.read_features, now=0.0)
    assert first.locate(*at(0.5, 0.5)).grid == grid(1)
    assert cache.get(db.read_version, db.read_features, now=5.0) is first
    assert (db.version_reads, db.feature_reads) == (2, 1)


def test_checks_the_version_at_most_once_a_second():
    db = FakeLayer(grid_layer())
    cache = LocatorCache(check_every_s=1.0)
    for now in (0.0, 0.2, 0.5, 0.99):
        cache.get(db.read_version, db.read_features, now=now)
    assert db.version_reads == 1
    cache.get(db.read_version, db.read_features, now=1.0)
    assert db.version_reads == 2


def test_rebuilds_when_the_version_changes():
    db = FakeLayer(grid_layer())
    cache = LocatorCache()
    old = cache.get(db.read_version, db.read_features, now=0.0)
    moved = [f._replace(geometry=unit_box(10, 10, 11, 11)) if f.code == grid(1) else f
             for f in db.features]
    db.features, db.version = moved, 2
    new = cache.get(db.read_version, db.read_features, now=1.5)
    assert new is not old and new.version == 2
    assert new.locate(*at(10.5, 10.5)).grid == grid(1)
    assert old.locate(*at(0.5, 0.5)).grid == grid(1)  # the old one is untouched


def test_no_layer_means_no_locator():
    db = FakeLayer([], version=None)
    assert LocatorCache().get(db.read_version, db.read_features, now=0.0) is None
    assert db.feature_reads == 0


def test_tolerance_comes_from_the_cache():
    cache = LocatorCache(tolerance_m=12.5)
    db = FakeLayer(grid_layer())
    assert cache.get(db.read_version, db.read_features, now=0.0).tolerance_m == 12.5


def test_a_request_during_the_first_build_waits_for_it():
    """A thread arriving while a fresh process builds its first locator gets that locator,
    not None (which intake answers with 422 no_grid_layer)."""
    db = FakeLayer(grid_layer())
    building, release, got = threading.Event(), threading.Event(), {}

    def slow_features():
        building.set()
        release.wait(5)
        return db.read_features()

    def get(name, read_features, now):
        got[name] = cache.get(db.read_version, read_features, now=now)

    cache = LocatorCache()
    first = threading.Thread(target=get, args=("first", slow_features, 0.0))
    first.start()
    assert building.wait(5)
    second = threading.Thread(target=get, args=("second", db.read_features, 0.1))
    second.start()
    second.join(0.2)
    release.set()
    first.join(5)
    second.join(5)
    assert got["first"] is not None and got["second"] is got["first"]
