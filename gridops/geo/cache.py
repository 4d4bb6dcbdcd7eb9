"""Keep one Locator per process and rebuild it when the grid layer's version changes.

The cache object lives in `app.extensions["gridops_locator"]` (see `init_app`), so every web
and worker process holds its own and none is a module-level global. The version stamp is one
small query, made at most once per `check_every_s`; a new layer is picked up within that time
without a restart. Rebuilds happen under a lock taken without waiting: while one thread builds,
the others keep answering from the previous locator.
"""
import threading
import time

import shapely
from sqlalchemy import func, select

from gridops.geo.features import Feature
from gridops.geo.locator import Locator
from gridops.geo.models import Area, GridLayer

EXTENSION_KEY = "gridops_locator"


class LocatorCache:
    """The current Locator of this process, with the layer version it was built from."""

    def __init__(self, tolerance_m=50.0, check_every_s=1.0, clock=time.monotonic):
        self.tolerance_m, self.check_every_s, self.clock = tolerance_m, check_every_s, clock
        self.locator = None
        self.version = None
        self._checked_at = None
        self._lock = threading.Lock()

    def get(self, read_version, read_features, now=None):
        """Return the Locator for the layer `read_version()` names (None if there is no layer)."""
        now = self.clock() if now is None else now
        if self._checked_at is not None and now - self._checked_at < self.check_every_s:
            return self.locator
        version = read_version()
        if version != self.version or self.locator is None:
            if not self._lock.acquire(blocking=self.locator is None):
                return self.locator
            try:
                self._rebuild(version, read_features)
            finally:
                self._lock.release()
        # Only once a locator stands: a thread arriving during a process's first build must
        # wait for it, not take the empty answer (intake would refuse with no_grid_layer).
        self._checked_at = now
        return self.locator

    def _rebuild(self, version, read_features):
        if version == self.version and self.locator is not None:
            return  # another thread finished the same rebuild while we waited
        features = read_features() if version is not None else []
        has_grids = any(f.level == "grid" for f in features)
        self.locator = Locator.build(features, self.tolerance_m, version) if has_grids else None
        self.version = version


def init_app(app):
    """Give `app` its own locator cache, configured from app.config."""
    tolerance = float(app.config.get("GRIDOPS_NEAREST_TOLERANCE_M", 50.0))
    app.extensions[EXTENSION_KEY] = LocatorCache(tolerance_m=tolerance)


def current_locator(session, cache, now=None):
    """Return the Locator of the current grid layer (None before any import)."""
    return cache.get(lambda: layer_version(session), lambda: current_features(session), now)


def layer_version(session):
    """Return the current grid layer version, the stamp every locator compares."""
    return session.scalar(select(func.max(GridLayer.version)))


def current_features(session):
    """Return every current area as a Feature with its WGS-84 geometry and row id."""
    rows = session.execute(
        select(Area.id, Area.code, Area.level, Area.parent_code, Area.name,
               func.ST_AsBinary(Area.geom))
        .where(Area.valid_to.is_(None)))
    return [Feature(code, level, parent or "", shapely.from_wkb(bytes(wkb)), name, id_)
            for id_, code, level, parent, name, wkb in rows]
