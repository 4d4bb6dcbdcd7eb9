"""Find the grid a point falls in, in memory, without asking the database.

Matching rules: `inside` (in a grid's interior; holes are outside), `boundary` (on an edge or
vertex; the grid with the lowest code wins, so shared edges answer the same way every time),
`nearest` (outside every grid but within the tolerance; the nearest grid, ties to the lowest
code) and otherwise OutOfArea. Most points are answered by one read of a raster cell (see
raster.py); only points in cells that an edge crosses are tested against the candidate polygons,
with prepared geometries.
"""
from dataclasses import dataclass

import numpy as np
import shapely

from gridops.geo.crs import check_point, to_wgs84
from gridops.geo.errors import OutOfArea
from gridops.geo.features import ancestry, as_feature
from gridops.geo.frame import LocalFrame, geodesic_m, wgs84_geod
from gridops.geo.raster import EMPTY, FIRST_BOUNDARY, NEAR, build_raster

OUT, INSIDE, BOUNDARY, NEAREST, INVALID = range(5)
MATCHES = ("out_of_area", "inside", "boundary", "nearest", "invalid")


@dataclass(frozen=True, slots=True)
class Location:
    grid: str
    community: str | None
    street: str | None
    district: str | None
    match: str
    distance_m: float
    #: The area row the grid was read from, when the layer came from the database.
    grid_id: int | None = None


@dataclass(frozen=True)
class GridTable:
    """The grids of a layer sorted by code, with their ancestors' codes and row ids."""

    code: np.ndarray
    community: np.ndarray
    street: np.ndarray
    district: np.ndarray
    id: np.ndarray

    def location(self, i, match, distance_m=0.0):
        """Return the Location of grid `i`."""
        return Location(self.code[i], self.community[i], self.street[i], self.district[i],
                        MATCHES[match], float(distance_m), self.id[i])


class Locator:
    """An immutable point locator over one version of the grid layer."""

    def __init__(self, table, polygons, frame, raster, tolerance_m, version=None, names=None):
        self.grids, self.frame, self.raster = table, frame, raster
        #: Name of every area of the layer by code, for answers meant for people.
        self.names = names or {}
        self.tolerance_m, self.version = tolerance_m, version
        self._polygons = polygons
        self._tree = shapely.STRtree(polygons)
        self._geod = wgs84_geod()
        self._cells = memoryview(raster.cells)
        self._inside = [table.location(i, INSIDE) for i in range(len(table.code))]
        self._boundary = [table.location(i, BOUNDARY) for i in range(len(table.code))]
        # A point within the tolerance is at most this far away in frame metres.
        self._reach = tolerance_m * frame.stretch * 1.01 + 1e-3

    @classmethod
    def build(cls, features, tolerance_m=50.0, version=None, cells_per_polygon=256):
        """Return a Locator over the grid-level features (others give the ancestry)."""
        features = [as_feature(f) for f in features]
        grids = sorted((f for f in features if f.level == "grid"), key=lambda f: f.code)
        if not grids:
            raise ValueError("the layer has no grids")
        table = _table(grids, ancestry(features))
        geometries = np.array([f.geometry for f in grids], dtype=object)
        frame = LocalFrame.around(shapely.total_bounds(geometries))
        polygons = frame.project(geometries)
        shapely.prepare(polygons)
        raster = build_raster(polygons, tolerance_m * frame.stretch * 1.01 + 1.0,
                              cells_per_polygon)
        names = {f.code: f.name for f in features}
        return cls(table, polygons, frame, raster, tolerance_m, version, names)

    def locate(self, lon, lat):
        """Return the Location of one WGS-84 point, or raise OutOfArea / InvalidCoordinates."""
        lat, lon = check_point(lat, lon)
        x, y = self.frame.forward(lon, lat)
        value = self._cell_value(x, y)
        if value >= 0:
            return self._inside[value]
        if value <= FIRST_BOUNDARY:
            found = self._exact_one(FIRST_BOUNDARY - value, x, y)
            if found is not None:
                return found
        elif value == EMPTY:
            raise OutOfArea(lon, lat, None, self.tolerance_m)
        return self._nearest_one(lon, lat)

    def _cell_value(self, x, y):
        r = self.raster
        fx, fy = (x - r.x0) / r.size, (y - r.y0) / r.size
        if not (0.0 <= fx < r.nx and 0.0 <= fy < r.ny):
            return EMPTY
        return self._cells[int(fy) * r.nx + int(fx)]

    def _exact_one(self, b, x, y):
        candidates = self.raster.candidates(b)
        polygons = self._polygons[candidates]
        hits = shapely.contains_xy(polygons, x, y)
        if hits.any():
            return self._inside[candidates[hits.argmax()]]
        hits = shapely.intersects_xy(polygons, x, y)
        if hits.any():
            return self._boundary[candidates[hits.argmax()]]
        return None

    def _nearest_one(self, lon, lat):
        index, distance = self._nearest(np.array([lon]), np.array([lat]))
        if index[0] < 0 or distance[0] > self.tolerance_m:
            known = None if index[0] < 0 else float(distance[0])
            raise OutOfArea(lon, lat, known, self.tolerance_m)
        return self.grids.location(index[0], NEAREST, distance[0])

    def _nearest(self, lons, lats):
        """Return (grid index or -1, geodesic metres) of the nearest grid within reach."""
        index = np.full(len(lons), -1, dtype=np.int64)
        distance = np.full(len(lons), np.inf)
        points = shapely.points(*self.frame.forward(lons, lats))
        which, grid = self._tree.query_nearest(points, max_distance=self._reach,
                                               all_matches=True)
        if len(which) == 0:
            return index, distance
        lines = shapely.shortest_line(self._polygons[grid], points[which])
        near_xy = shapely.get_coordinates(lines)[0::2]
        near_lon, near_lat = self.frame.inverse(near_xy[:, 0], near_xy[:, 1])
        metres = geodesic_m(self._geod, lons[which], lats[which], near_lon, near_lat)
        # Nearest first, then lowest code; keep the first row of each point.
        order = np.lexsort((grid, metres, which))
        which, grid, metres = which[order], grid[order], metres[order]
        first = np.concatenate(([True], which[1:] != which[:-1]))
        index[which[first]], distance[which[first]] = grid[first], metres[first]
        return index, distance

    def locate_many(self, lons, lats):
        """Return a BulkLocation for arrays of WGS-84 points; invalid ones are marked, not raised."""
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        valid = (np.abs(lats) <= 90.0) & (np.abs(lons) <= 180.0)  # False for NaN too
        x, y = self.frame.forward(lons, lats)
        value = self._cell_values(x, y, valid)
        index = np.where(value >= 0, value, -1).astype(np.int64)
        match = np.where(value >= 0, INSIDE, OUT).astype(np.uint8)
        distance = np.where(value >= 0, 0.0, np.nan)
        pending = self._exact_many(np.flatnonzero(value <= FIRST_BOUNDARY), value, x, y,
                                   index, match)
        pending = np.concatenate([pending, np.flatnonzero(value == NEAR)])
        self._nearest_many(pending, lons, lats, index, match, distance)
        distance[(match == INSIDE) | (match == BOUNDARY)] = 0.0
        match[~valid] = INVALID
        return BulkLocation(index, match, distance, self.grids)

    def _cell_values(self, x, y, valid):
        r = self.raster
        fx, fy = (x - r.x0) / r.size, (y - r.y0) / r.size
        inside = valid & (fx >= 0.0) & (fx < r.nx) & (fy >= 0.0) & (fy < r.ny)
        value = np.full(len(x), EMPTY, dtype=np.int32)
        cell = fy[inside].astype(np.int64) * r.nx + fx[inside].astype(np.int64)
        value[inside] = r.cells[cell]
        return value

    def _exact_many(self, points, value, x, y, index, match):
        """Settle points in boundary cells; return those in no candidate polygon."""
        b = FIRST_BOUNDARY - value[points].astype(np.int64)
        start = self.raster.cand_ptr[b]
        counts = self.raster.cand_ptr[b + 1] - start
        for test, kind in ((shapely.contains_xy, INSIDE), (shapely.intersects_xy, BOUNDARY)):
            points, start, counts = self._by_rank(test, kind, points, start, counts, x, y,
                                                  index, match)
        return points

    def _by_rank(self, test, kind, points, start, counts, x, y, index, match):
        # Candidates are in code order: trying every point's first candidate, then the second
        # for the points still unsettled, and so on, gives each its lowest code with about
        # half the tests of trying them all.
        unsettled = np.ones(len(points), dtype=bool)
        for rank in range(int(counts.max(initial=0))):
            live = np.flatnonzero(unsettled & (counts > rank))
            grid = self.raster.cand_idx[start[live] + rank]
            hit = test(self._polygons[grid], x[points[live]], y[points[live]])
            index[points[live[hit]]], match[points[live[hit]]] = grid[hit], kind
            unsettled[live[hit]] = False
        return points[unsettled], start[unsettled], counts[unsettled]

    def _nearest_many(self, points, lons, lats, index, match, distance):
        if len(points) == 0:
            return
        found, metres = self._nearest(lons[points], lats[points])
        close = (found >= 0) & (metres <= self.tolerance_m)
        index[points[close]], match[points[close]] = found[close], NEAREST
        distance[points] = metres


def locate_point(locator, lon, lat, crs="wgs84"):
    """Check a point given in `crs`, bring it to WGS-84 and locate it; return (Location, lon, lat)."""
    lat, lon = check_point(lat, lon)
    lon, lat = to_wgs84(lon, lat, crs)
    return locator.locate(lon, lat), lon, lat


def _table(grids, chains):
    def column(level):
        return np.array([chains[f.code].get(level) for f in grids], dtype=object)
    return GridTable(np.array([f.code for f in grids], dtype=object), column("community"),
                     column("street"), column("district"),
                     np.array([f.id for f in grids], dtype=object))


@dataclass(frozen=True)
class BulkLocation:
    """Results of locate_many: per point a grid index (-1 for none), a match and a distance."""

    index: np.ndarray
    match_code: np.ndarray
    distance_m: np.ndarray
    table: GridTable

    def __len__(self):
        return len(self.index)

    @property
    def match(self):
        return np.array(MATCHES, dtype=object)[self.match_code]

    def column(self, name):
        """Return the codes of `name` (grid, community, street, district) per point, or None."""
        values = getattr(self.table, "code" if name == "grid" else name)
        out = np.full(len(self.index), None, dtype=object)
        found = self.index >= 0
        out[found] = values[self.index[found]]
        return out

    def location(self, i):
        """Return point `i` as a Location, or None when it is out of area or invalid."""
        if self.index[i] < 0:
            return None
        return self.table.location(self.index[i], self.match_code[i], self.distance_m[i])
