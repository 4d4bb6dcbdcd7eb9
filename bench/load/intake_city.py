"""A city for the intake benchmark: ~6,000 grids, as many grid workers with tokens, the taxonomy.

The grids are bench/geo's wiggly tiling (side × side quadrilaterals whose neighbours share
edges vertex for vertex). Communities are 6 × 6 blocks of grids, streets are rows of
communities, and one district holds them all; every parent is the exact union of its children,
so the layer goes through the ordinary `import_layer` validation. Each grid gets one grid
worker scoped to it, with an API token, and a few points inside it to report from.
"""
import random
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geo"))

from synthetic import wiggly_tiling  # noqa: E402

DISTRICT = "110199"
BOUNDS = (116.20, 39.80, 116.60, 40.05)
BLOCK = 6  # grids per community side
VERTICES = 24  # per grid: city grids follow streets, a few dozen vertices each
POINTS_PER_WORKER = 4


def city_features(side):
    """Return the city layer as Features: district, streets, communities, then grids."""
    from gridops.geo.features import Feature
    tiles = wiggly_tiling(side, VERTICES, BOUNDS, seed=2026)
    grids = []
    for n, (_, polygon) in enumerate(tiles):
        row, col = divmod(n, side)
        street = f"{DISTRICT}{row // BLOCK + 1:03d}"
        community = f"{street}{col // BLOCK + 1:03d}"
        number = (row % BLOCK) * BLOCK + col % BLOCK + 1
        grids.append(Feature(f"{community}{number:03d}", "grid", community,
                             MultiPolygon([polygon]), f"网格{number:02d}"))
    communities = _parents(grids, "community", "社区")
    streets = _parents(communities, "street", "街道")
    district = _parents(streets, "district", "城区")
    return district + streets + communities + grids


def _parents(children, level, suffix):
    groups = {}
    for child in children:
        groups.setdefault(child.parent, []).append(child.geometry)
    from gridops.geo.features import Feature
    features = []
    for code, parts in sorted(groups.items()):
        union = shapely.coverage_union_all(parts)
        geometry = union if union.geom_type == "MultiPolygon" else MultiPolygon([union])
        parent = code[:-3] if level != "district" else ""
        features.append(Feature(code, level, parent, geometry, f"{code[-3:]}{suffix}"))
    return features


def seed_city(session, now, side):
    """Build the city in `session` and commit; return [(token, [(lat, lon), ...])] per worker."""
    from gridops.auth.models import User, UserArea
    from gridops.auth.tokens import issue_token
    from gridops.demo import DEPARTMENTS, ROUTING
    from gridops.dispatch import catalog, sla
    from gridops.dispatch.calendar_store import seed_calendar
    from gridops.dispatch.models import Responsibility, Unit
    from gridops.geo.layer import import_layer

    features = city_features(side)
    import_layer(session, features, now, source="bench/load")
    catalog.load_taxonomy(session, catalog.read_taxonomy(), now)
    session.add_all(sla.default_rows())
    seed_calendar(session, now)
    units = {code: Unit(code=code, name=name, kind=kind, area_code=DISTRICT)
             for code, name, kind in DEPARTMENTS}
    session.add_all(units.values())
    session.flush()
    for kind, code, lead, co in ROUTING:
        session.add(Responsibility(category_kind=kind, category_code=code, area_code=DISTRICT,
                                   lead_unit=units[lead], co_units=[units[c] for c in co]))
    rng = random.Random(7)
    workers = []
    for grid in (f for f in features if f.level == "grid"):
        user = User(username=f"gw{grid.code}", display_name=f"网格员{grid.code[-6:]}",
                    role="grid_worker")
        session.add(user)
        session.flush()
        session.add(UserArea(user_id=user.id, area_code=grid.code))
        workers.append((issue_token(session, user, name="bench"), _points_in(grid.geometry, rng)))
    session.commit()
    return workers


def _points_in(polygon, rng):
    """Return POINTS_PER_WORKER random (lat, lon) inside `polygon`, rounded like a phone's fix."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    points = []
    while len(points) < POINTS_PER_WORKER:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(polygon, lon, lat):
            points.append((round(lat, 6), round(lon, 6)))
    return points


def report_categories(session):
    """Return the keys of every current sub-category, the ones a report may name."""
    from sqlalchemy import select

    from gridops.dispatch.models import Category
    rows = session.scalars(select(Category).where(Category.parent_code.is_not(None),
                                                  Category.retired_at.is_(None)))
    return sorted(row.key for row in rows)
