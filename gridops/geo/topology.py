"""How the areas of a layer sit together: children inside parents, no overlaps, few gaps.

Predicates run on WGS-84 coordinates (they do not depend on scale); the 1 m tolerance for a
child outside its parent is applied in the layer's local metric frame; every area reported is
ellipsoidal (pyproj.Geod), in m².
"""
from collections import defaultdict

import numpy as np
import shapely

from gridops.geo.frame import area_m2


def outside_parents(features, by_code, frame, geod, tolerance_m):
    """Yield (code, message) for children reaching more than `tolerance_m` outside their parent."""
    pairs = [(f, by_code[f.parent]) for f in features if f.parent in by_code]
    if not pairs:
        return
    parents = {p.code: p for _, p in pairs}
    buffered = {code: frame.project(p.geometry).buffer(tolerance_m) for code, p in parents.items()}
    shapely.prepare(list(buffered.values()))
    children = frame.project(np.array([c.geometry for c, _ in pairs], dtype=object))
    inside = shapely.within(children, np.array([buffered[p.code] for _, p in pairs], dtype=object))
    for (child, parent), child_m, ok in zip(pairs, children, inside):
        if not ok:
            reach = _reach_outside(child_m, frame.project(parent.geometry))
            outside = area_m2(geod, child.geometry.difference(parent.geometry))
            yield child.code, (f"lies outside its parent {parent.code} by up to {reach:.1f} m "
                               f"({outside:.1f} m² outside)")


def _reach_outside(child_m, parent_m):
    # The farthest point of a polygon from another lies on its boundary; sample it every metre.
    outline = shapely.segmentize(child_m.difference(parent_m).boundary, 1.0)
    points = shapely.points(shapely.get_coordinates(outline))
    return float(shapely.distance(points, parent_m).max()) if len(points) else 0.0


def overlaps(features, geod, tolerance_m2):
    """Yield (code, message) for each pair of same-level areas overlapping by more than tolerance."""
    by_level = defaultdict(list)
    for f in features:
        by_level[f.level].append(f)
    for level in sorted(by_level):
        yield from _level_overlaps(by_level[level], geod, tolerance_m2)


def _level_overlaps(features, geod, tolerance_m2):
    geometries = np.array([f.geometry for f in features], dtype=object)
    tree = shapely.STRtree(geometries)
    found = set()
    # Interiors meet exactly when one overlaps, contains or lies within the other.
    for predicate in ("overlaps", "contains", "within"):
        left, right = tree.query(geometries, predicate=predicate)
        found.update((min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist()) if a != b)
    for a, b in sorted(found, key=lambda ab: (features[ab[0]].code, features[ab[1]].code)):
        first, second = sorted((features[a], features[b]), key=lambda f: f.code)
        shared = area_m2(geod, first.geometry.intersection(second.geometry))
        if shared > tolerance_m2:
            yield first.code, f"overlaps {second.code} by {shared:.1f} m²"


def gaps(features, by_code, geod, tolerance_m2):
    """Yield (parent code, message) for parents whose children leave uncovered pieces."""
    children = defaultdict(list)
    for f in features:
        if f.parent in by_code:
            children[f.parent].append(f.geometry)
    for code in sorted(children):
        uncovered = by_code[code].geometry.difference(shapely.union_all(children[code]))
        pieces = [(area_m2(geod, p), p) for p in shapely.get_parts(uncovered) if not p.is_empty]
        pieces = [(a, p) for a, p in pieces if a > tolerance_m2]
        if pieces:
            area, largest = max(pieces, key=lambda ap: ap[0])
            spot = largest.representative_point()
            yield code, (f"its children leave {len(pieces)} gap(s) of {sum(a for a, _ in pieces):.1f} m² "
                         f"in all (largest {area:.1f} m² near ({spot.x:.6f}, {spot.y:.6f}))")
