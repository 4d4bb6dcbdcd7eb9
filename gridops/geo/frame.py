"""A local metric frame for a city-sized layer, and exact distances on the ellipsoid.

Within the frame x and y are metres east and north of the layer's centre, scaled by the
WGS-84 ellipsoid's radii of curvature at the centre latitude (an equirectangular projection).
It is linear, so it keeps shared vertices shared and axis-parallel edges axis-parallel, and it
is used for indexing and for finding the nearest polygon. Distances that are reported are
geodesics (pyproj.Geod on WGS-84) between the point and the nearest point found in the frame.
"""
import math
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely

_A, _E2 = 6378137.0, 0.00669437999014


def _scales(lat):
    """Return metres per degree of longitude and of latitude at `lat`."""
    s = math.sin(math.radians(lat))
    w = 1.0 - _E2 * s * s
    meridian, normal = _A * (1 - _E2) / w ** 1.5, _A / math.sqrt(w)
    return math.radians(1) * normal * math.cos(math.radians(lat)), math.radians(1) * meridian


@dataclass(frozen=True)
class LocalFrame:
    lon0: float
    lat0: float
    kx: float
    ky: float
    #: The largest factor by which frame distances may understate true ones in the layer.
    stretch: float

    @classmethod
    def around(cls, bounds):
        """Return the frame centred on `bounds` (minlon, minlat, maxlon, maxlat)."""
        minx, miny, maxx, maxy = bounds
        lat0 = (miny + maxy) / 2
        kx, ky = _scales(lat0)
        ratios = [r for lat in (miny, maxy) for r in _ratios(lat, kx, ky)]
        return cls((minx + maxx) / 2, lat0, kx, ky, max(ratios + [1.0]))

    def forward(self, lon, lat):
        """Return frame (x, y) for lon/lat scalars or arrays."""
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def inverse(self, x, y):
        """Return (lon, lat) for frame coordinates."""
        return x / self.kx + self.lon0, y / self.ky + self.lat0

    def project(self, geometries):
        """Return WGS-84 geometries moved into the frame."""
        origin, scale = np.array([self.lon0, self.lat0]), np.array([self.kx, self.ky])
        return shapely.transform(geometries, lambda xy: (xy - origin) * scale)


def _ratios(lat, kx, ky):
    tx, ty = _scales(lat)
    return tx / kx, kx / tx, ty / ky, ky / ty


def geodesic_m(geod, lon1, lat1, lon2, lat2):
    """Return geodesic distances in metres (arrays in, array out)."""
    return np.asarray(geod.inv(lon1, lat1, lon2, lat2)[2], dtype=float)


def wgs84_geod():
    """Return the WGS-84 ellipsoid's geodesic calculator."""
    return pyproj.Geod(ellps="WGS84")


def area_m2(geod, geometry):
    """Return the ellipsoidal area of a (multi)polygon in m², whatever its rings' orientation."""
    total = 0.0
    for polygon in shapely.get_parts(geometry):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        total += _ring_area(geod, polygon.exterior)
        total -= sum(_ring_area(geod, ring) for ring in polygon.interiors)
    return total


def _ring_area(geod, ring):
    xy = np.asarray(ring.coords)
    return abs(geod.polygon_area_perimeter(xy[:, 0], xy[:, 1])[0])
