"""A deterministic demo district: 4 streets, 16 communities, 193 grids, a hole and an enclave.

The grids are a 16 × 12 lattice of irregular quadrilaterals with wavy shared edges over
lon 116.40–116.50, lat 39.90–39.96; communities are 4 × 3 blocks of grids and streets 2 × 2
blocks of communities, each parent being the exact union of its children, so children tile
their parents. One community holds a school campus grid in a hole of another grid, and one grid
owns an enclave cut out of its neighbour. Coordinates are rounded to 1e-7° (about 1 cm) so the
layer is identical on every machine.
"""
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from gridops.geo.features import Feature

DISTRICT = ("110199", "示范区")
STREETS = [("110199001", "和平街道"), ("110199002", "新华街道"),
           ("110199003", "光明街道"), ("110199100", "东坝镇")]  # street part 1xx: a town
COMMUNITY_NAMES = [
    ["和平里社区", "樱花园社区", "兴化路社区", "小黄庄社区"],
    ["新华里社区", "北新桥社区", "民安社区", "青年湖社区"],
    ["光明楼社区", "幸福街社区", "龙潭社区", "法华寺社区"],
    ["东坝村", "单店村", "驹子房村", "西北门村"],  # a town's communities are villages
]
BOUNDS = (116.40, 39.90, 116.50, 39.96)
COLS, ROWS = 16, 12            # grids
BLOCK_COLS, BLOCK_ROWS = 4, 3  # grids per community
SEED = 20260101


def demo_features():
    """Return the demo layer as Features: district, streets, communities, then grids."""
    cells = _lattice()
    grids = _grids(cells)
    communities = _parents(grids, "community")
    streets = _parents(communities, "street")
    district = Feature(DISTRICT[0], "district", "",
                       _multi(shapely.coverage_union_all([s.geometry for s in streets])),
                       DISTRICT[1])
    return [district] + streets + communities + grids


def _lattice():
    """Return {(row, col): Polygon} of the wavy lattice."""
    rng = np.random.default_rng(SEED)
    minx, miny, maxx, maxy = BOUNDS
    cw, ch = (maxx - minx) / COLS, (maxy - miny) / ROWS
    gx, gy = np.meshgrid(np.arange(COLS + 1), np.arange(ROWS + 1))
    nodes = np.stack([minx + (gx + rng.uniform(-0.15, 0.15, gx.shape)) * cw,
                      miny + (gy + rng.uniform(-0.15, 0.15, gy.shape)) * ch], axis=-1)
    east = _wavy(rng, nodes[:, :-1], nodes[:, 1:], ch)    # [row, col] edges west → east
    north = _wavy(rng, nodes[:-1, :], nodes[1:, :], cw)   # [row, col] edges south → north
    cells = {}
    for r in range(ROWS):
        for c in range(COLS):
            ring = np.concatenate([east[r, c][:-1], north[r, c + 1][:-1],
                                   east[r + 1, c][::-1][:-1], north[r, c][::-1][:-1]])
            cells[r, c] = Polygon(np.round(ring, 7))
    return cells


def _wavy(rng, start, end, size, points=6):
    t = np.linspace(0.0, 1.0, points)
    line = start[..., None, :] + (end - start)[..., None, :] * t[:, None]
    d = end - start
    normal = np.stack([-d[..., 1], d[..., 0]], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    amplitude = rng.uniform(-0.05, 0.05, start.shape[:-1])[..., None] * size * np.sin(np.pi * t)
    return line + amplitude[..., None] * normal[..., None, :]


def _grids(cells):
    grids = []
    for (r, c), cell in sorted(cells.items()):
        community, number = _community_of(r, c)
        code = f"{community[0]}{number:03d}"
        grids.append(Feature(code, "grid", community[0], cell, f"{community[1]}第{number}网格"))
    grids = _carve_campus(grids)
    grids = _carve_enclave(grids)
    return [g._replace(geometry=_multi(g.geometry)) for g in grids]


def _community_of(r, c):
    """Return ((code, name), grid number) of lattice cell (r, c)."""
    street = (r // (ROWS // 2)) * 2 + c // (COLS // 2)
    local_r, local_c = r % (ROWS // 2), c % (COLS // 2)
    block = (local_r // BLOCK_ROWS) * 2 + local_c // BLOCK_COLS
    code = f"{STREETS[street][0]}{block + 1:03d}"
    number = (local_r % BLOCK_ROWS) * BLOCK_COLS + local_c % BLOCK_COLS + 1
    return (code, COMMUNITY_NAMES[street][block]), number


def _carve_campus(grids):
    """Cut a school campus out of the middle of the first grid; it becomes a grid of its own."""
    host = grids[0]
    campus = _middle_square(host.geometry, 0.3)
    parent_name = host.name.split("第")[0]
    school = Feature(f"{host.parent}013", "grid", host.parent, campus, f"{parent_name}第13网格(学校)")
    return [host._replace(geometry=host.geometry.difference(campus))] + grids[1:] + [school]


def _carve_enclave(grids):
    """Give a grid an enclave cut out of the middle of its eastern neighbour."""
    by_code = {g.code: i for i, g in enumerate(grids)}
    owner, neighbour = by_code["110199002002005"], by_code["110199002002006"]
    enclave = _middle_square(grids[neighbour].geometry, 0.25)
    grids[neighbour] = grids[neighbour]._replace(
        geometry=grids[neighbour].geometry.difference(enclave))
    grids[owner] = grids[owner]._replace(
        geometry=MultiPolygon([grids[owner].geometry, enclave]))
    return grids


def _middle_square(polygon, fraction):
    minx, miny, maxx, maxy = polygon.bounds
    cx, cy = polygon.centroid.x, polygon.centroid.y
    hw, hh = (maxx - minx) * fraction / 2, (maxy - miny) * fraction / 2
    return shapely.box(*np.round([cx - hw, cy - hh, cx + hw, cy + hh], 7))


def _parents(children, level):
    """Return the parents of `children` at `level`, each the exact union of its children."""
    groups = {}
    for child in children:
        groups.setdefault(child.parent, []).append(child.geometry)
    names = {code: name for street in zip(STREETS, COMMUNITY_NAMES)
             for code, name in _names(*street)}
    parent_of = {code: code[:-3] for code in groups}
    return [Feature(code, level, parent_of[code], _multi(shapely.coverage_union_all(parts)),
                    names[code]) for code, parts in sorted(groups.items())]


def _names(street, communities):
    yield street
    for i, name in enumerate(communities):
        yield f"{street[0]}{i + 1:03d}", name


def _multi(geometry):
    if geometry.geom_type == "MultiPolygon":
        return geometry
    return MultiPolygon([geometry])
