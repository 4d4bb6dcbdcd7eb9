"""A small hand-built district to test against, and factories for users and tokens.

District 110199 is the box lon 116.40–116.44, lat 39.90–39.94. Two streets split it west/east,
each street has two communities (south, north), each community two grids (west, east).
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest
from geoalchemy2.elements import WKTElement

from gridops.auth.models import User, UserArea
from gridops.auth.tokens import issue_token
from gridops.dispatch import catalog, sla
from gridops.dispatch.calendar_store import seed_calendar
from gridops.dispatch.models import Responsibility, Unit
from gridops.geo.models import Area, GridLayer

DISTRICT = "110199"
STREETS = ("110199001", "110199002")
X0, Y0, DX, DY = 116.40, 39.90, 0.01, 0.02
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=timezone.utc)  # a Wednesday, 10:00 in Shanghai


def box(x0, y0, x1, y1):
    ring = f"{x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}"
    return WKTElement(f"MULTIPOLYGON((({ring})))", srid=4326)


def grid_boxes():
    """Yield (street, community, grid, (x0, y0, x1, y1)) for the eight grids."""
    for s, street in enumerate(STREETS):
        for c in range(2):
            community = f"{street}{c + 1:03d}"
            for g in range(2):
                x0, y0 = X0 + (2 * s + g) * DX, Y0 + c * DY
                yield street, community, f"{community}{g + 1:03d}", (x0, y0, x0 + DX, y0 + DY)


@dataclass
class World:
    session: object
    now: object
    units: dict = field(default_factory=dict)
    grids: dict = field(default_factory=dict)

    def center(self, grid_code):
        """Return (lat, lon) of the middle of a grid."""
        x0, y0, x1, y1 = self.grids[grid_code]
        return (y0 + y1) / 2, (x0 + x1) / 2

    def user(self, username, role, areas=(), unit=None):
        """Create a user with a role, area scope and unit; return it with a fresh token."""
        user = User(username=username, display_name=username, role=role,
                    unit=self.units.get(unit))
        self.session.add(user)
        self.session.flush()
        self.session.add_all(UserArea(user_id=user.id, area_code=code) for code in areas)
        token = issue_token(self.session, user)
        self.session.commit()
        user.token = token
        return user


def build_areas(session):
    session.add(GridLayer(version=1, source="tests"))
    session.flush()
    rows = [Area(code=DISTRICT, name="测试区", level="district", parent_code=None,
                 geom=box(X0, Y0, X0 + 4 * DX, Y0 + 2 * DY), layer_version=1)]
    for s, street in enumerate(STREETS):
        x0 = X0 + 2 * s * DX
        rows.append(Area(code=street, name=f"街道{s + 1}", level="street", parent_code=DISTRICT,
                         geom=box(x0, Y0, x0 + 2 * DX, Y0 + 2 * DY), layer_version=1))
        for c in range(2):
            rows.append(Area(code=f"{street}{c + 1:03d}", name=f"社区{s + 1}-{c + 1}",
                             level="community", parent_code=street, layer_version=1,
                             geom=box(x0, Y0 + c * DY, x0 + 2 * DX, Y0 + (c + 1) * DY)))
    grids = {}
    for street, community, grid, bounds in grid_boxes():
        grids[grid] = bounds
        rows.append(Area(code=grid, name=f"网格{grid[-5:]}", level="grid",
                         parent_code=community, geom=box(*bounds), layer_version=1))
    session.add_all(rows)
    return grids


UNITS = [("CG", "城管执法队", "department", DISTRICT), ("HW", "环卫中心", "department", DISTRICT),
         ("SW", "水务所", "department", DISTRICT), ("RQ", "燃气公司", "company", DISTRICT)]


def build_units(session, grids):
    units = {code: Unit(code=code, name=name, kind=kind, area_code=area)
             for code, name, kind, area in UNITS}
    for community in sorted({g[:12] for g in grids}):
        units[f"GS{community}"] = Unit(code=f"GS{community}", name=f"网格站{community[-3:]}",
                                       kind="grid_station", area_code=community)
    session.add_all(units.values())
    session.flush()
    lines = [("event", "01", DISTRICT, "HW", ["CG"]), ("event", "0101", DISTRICT, "CG", []),
             ("event", "04", DISTRICT, "SW", ["CG", "RQ"]),
             ("event", "0102", STREETS[1], "CG", ["HW"])]
    for kind, code, area, lead, co in lines:
        session.add(Responsibility(category_kind=kind, category_code=code, area_code=area,
                                   lead_unit=units[lead], co_units=[units[c] for c in co]))
    return units


@pytest.fixture
def world(db):
    grids = build_areas(db)
    units = build_units(db, grids)
    catalog.load_taxonomy(db, catalog.read_taxonomy(), NOW)
    db.add_all(sla.default_rows())
    seed_calendar(db, NOW)
    db.commit()
    return World(db, NOW, units, grids)
