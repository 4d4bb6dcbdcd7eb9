"""A uniform raster over a polygon layer that answers most point lookups with one array read.

Each cell holds either the index of the one polygon whose interior covers the whole closed
cell, or EMPTY (no polygon within reach), NEAR (no polygon, but one within the nearest-match
tolerance), or a boundary marker `-3 - b`, where b selects the cell's candidate polygons
(every polygon that may cover some point of the cell) in a CSR list, lowest index first.

Coordinates are planar (the locator's local metric frame). Cells touched by an edge are found
conservatively from each short sub-segment's bounding box, widened by a hair so that rounding
can never leave an edge in a cell marked as interior; interiors are filled with an even-odd
scanline through cell centres, so holes and multi-part polygons need no special case.
"""
from dataclasses import dataclass

import numpy as np
import shapely

EMPTY, NEAR, FIRST_BOUNDARY = -1, -2, -3
_EPS = 1e-7  # in cell units


@dataclass(frozen=True)
class Raster:
    x0: float
    y0: float
    size: float
    nx: int
    ny: int
    cells: np.ndarray      # int32, ny * nx, row-major
    cand_ptr: np.ndarray   # int64, boundary cells + 1
    cand_idx: np.ndarray   # int32 polygon indexes

    def candidates(self, b):
        """Return the candidate polygon indexes of boundary cell number `b`."""
        return self.cand_idx[self.cand_ptr[b]:self.cand_ptr[b + 1]]


def build_raster(polygons, margin, cells_per_polygon=256, max_cells=1 << 24):
    """Return a Raster over `polygons` (planar, in the order that breaks ties)."""
    minx, miny, maxx, maxy = shapely.total_bounds(polygons)
    minx, miny, maxx, maxy = minx - margin, miny - margin, maxx + margin, maxy + margin
    target = min(max_cells, max(64, cells_per_polygon * len(polygons)))
    size = max(np.sqrt((maxx - minx) * (maxy - miny) / target), 1e-9)
    nx, ny = int((maxx - minx) / size) + 1, int((maxy - miny) / size) + 1
    seg = _segments(polygons)
    grid = (minx, miny, size, nx, ny)
    edge_cells, edge_polys = _edge_cells(seg, grid)
    count, owner = _fill(seg, grid)
    cells, ptr, idx = _compose(polygons, grid, edge_cells, edge_polys, count, owner)
    # A point within `margin` of a polygon is at most ceil(margin / size) + 1 cells away.
    _mark_near(cells, nx, ny, int(np.ceil(margin / size)) + 1)
    return Raster(minx, miny, size, nx, ny, cells, ptr, idx)


def _segments(polygons):
    """Return (x1, y1, x2, y2, polygon index) arrays of every ring edge."""
    parts, part_of = shapely.get_parts(polygons, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, coord_of = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_of[:-1] == coord_of[1:]
    start = np.flatnonzero(same_ring)
    poly = part_of[ring_of[coord_of[start]]]
    return xy[start, 0], xy[start, 1], xy[start + 1, 0], xy[start + 1, 1], poly.astype(np.int32)


def _edge_cells(seg, grid):
    """Return (cell, polygon) pairs for every cell an edge may touch."""
    x1, y1, x2, y2, poly = seg
    x0, y0, size, nx, ny = grid
    ax, ay = (x1 - x0) / size, (y1 - y0) / size
    bx, by = (x2 - x0) / size, (y2 - y0) / size
    # Split long edges so that each piece spans at most one cell width on each axis.
    pieces = np.maximum(1, np.ceil(np.maximum(abs(bx - ax), abs(by - ay)))).astype(np.int64)
    if pieces.max() > 1:
        ax, ay, bx, by, poly = _split(ax, ay, bx, by, poly, pieces)
    ix_lo = _clipped_floor(np.minimum(ax, bx) - _EPS, nx)
    ix_hi = _clipped_floor(np.maximum(ax, bx) + _EPS, nx)
    iy_lo = _clipped_floor(np.minimum(ay, by) - _EPS, ny)
    iy_hi = _clipped_floor(np.maximum(ay, by) + _EPS, ny)
    wide, tall = ix_hi - ix_lo, iy_hi - iy_lo
    base = iy_lo * nx + ix_lo
    cells, polys = [base], [poly]
    for ox in range(int(wide.max()) + 1):
        for oy in range(int(tall.max()) + 1):
            if ox or oy:
                keep = (wide >= ox) & (tall >= oy)
                cells.append(base[keep] + (oy * nx + ox))
                polys.append(poly[keep])
    return np.concatenate(cells), np.concatenate(polys)


def _split(ax, ay, bx, by, poly, pieces):
    """Return the edges cut into `pieces` equal parts each."""
    short = pieces == 1
    keep = ax[short], ay[short], bx[short], by[short], poly[short]
    cut = _cut(ax[~short], ay[~short], bx[~short], by[~short], poly[~short], pieces[~short])
    return tuple(np.concatenate(pair) for pair in zip(keep, cut))


def _cut(ax, ay, bx, by, poly, pieces):
    of = np.repeat(np.arange(len(poly)), pieces)
    step = np.arange(len(of)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    t1, t2 = step / pieces[of], (step + 1) / pieces[of]
    dx, dy = (bx - ax)[of], (by - ay)[of]
    return ax[of] + dx * t1, ay[of] + dy * t1, ax[of] + dx * t2, ay[of] + dy * t2, poly[of]


def _clipped_floor(values, n):
    return np.clip(np.floor(values), 0, n - 1).astype(np.int64)


def _fill(seg, grid):
    """Return per-cell (count, sum of index + 1) of polygons covering the cell centre."""
    x1, y1, x2, y2, poly = seg
    x0, y0, size, nx, ny = grid
    # Row r's centre line is y0 + (r + 0.5) * size; an edge crosses the rows in [lo, hi),
    # computed from each endpoint alone so that edges sharing a vertex agree on it.
    r1 = np.ceil((y1 - y0) / size - 0.5).astype(np.int64)
    r2 = np.ceil((y2 - y0) / size - 0.5).astype(np.int64)
    lo, hi = np.minimum(r1, r2), np.maximum(r1, r2)
    n = hi - lo
    seg_of = np.repeat(np.arange(len(poly)), n)
    row = lo[seg_of] + np.arange(len(seg_of)) - np.repeat(np.cumsum(n) - n, n)
    yc = y0 + (row + 0.5) * size
    sx1, sy1, sx2, sy2 = x1[seg_of], y1[seg_of], x2[seg_of], y2[seg_of]
    xc = sx1 + (yc - sy1) * (sx2 - sx1) / (sy2 - sy1)
    order = np.lexsort((xc, row, poly[seg_of]))
    xc, row, owner = xc[order], row[order], poly[seg_of][order]
    # Crossings come in pairs per (polygon, row): even-odd gives the spans inside.
    xa, xb, row, owner = xc[0::2], xc[1::2], row[0::2], owner[0::2]
    ca = np.clip(np.ceil((xa - x0) / size - 0.5), 0, nx).astype(np.int64)
    cb = np.clip(np.ceil((xb - x0) / size - 0.5), 0, nx).astype(np.int64)
    keep = (ca < cb) & (row >= 0) & (row < ny)
    start, stop = row[keep] * (nx + 1) + ca[keep], row[keep] * (nx + 1) + cb[keep]
    width = ny * (nx + 1)
    weights = owner[keep] + 1.0
    count = np.bincount(start, minlength=width) - np.bincount(stop, minlength=width)
    total = (np.bincount(start, weights, minlength=width)
             - np.bincount(stop, weights, minlength=width))
    count = np.cumsum(count.reshape(ny, nx + 1), axis=1)[:, :nx].ravel()
    total = np.cumsum(total.reshape(ny, nx + 1), axis=1)[:, :nx].ravel()
    return count, np.rint(total).astype(np.int64) - 1


def _compose(polygons, grid, edge_cells, edge_polys, count, owner):
    """Return the cell array and the CSR candidate lists of its boundary cells."""
    x0, y0, size, nx, ny = grid
    cells = np.full(nx * ny, EMPTY, dtype=np.int32)
    single = count == 1
    cells[single] = owner[single]
    boundary = np.zeros(nx * ny, dtype=bool)
    boundary[edge_cells] = True
    # A boundary cell wholly inside one polygon has no edge of it: add the centre's owner.
    inner = np.flatnonzero(boundary & single)
    pair_cells, pair_polys = [edge_cells, inner], [edge_polys, owner[inner].astype(np.int32)]
    overlap = np.flatnonzero(count > 1)  # only in layers with overlapping polygons
    if len(overlap):
        oc, op = _overlap_pairs(polygons, grid, overlap)
        pair_cells.append(oc)
        pair_polys.append(op)
        boundary[overlap] = True
    keys = np.concatenate(pair_cells).astype(np.int64) * len(polygons) + np.concatenate(pair_polys)
    keys = np.sort(keys, kind="stable")  # a radix sort here; far faster than np.unique's hash
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    pcell, ppoly = keys // len(polygons), (keys % len(polygons)).astype(np.int32)
    bcells, first = np.unique(pcell, return_index=True)
    cells[bcells] = FIRST_BOUNDARY - np.arange(len(bcells), dtype=np.int32)
    ptr = np.append(first, len(pcell)).astype(np.int64)
    return cells, ptr, ppoly


def _overlap_pairs(polygons, grid, overlap):
    x0, y0, size, nx, ny = grid
    ix, iy = overlap % nx, overlap // nx
    boxes = shapely.box(x0 + ix * size, y0 + iy * size, x0 + (ix + 1) * size, y0 + (iy + 1) * size)
    box_i, poly_i = shapely.STRtree(polygons).query(boxes, predicate="intersects")
    return overlap[box_i], poly_i.astype(np.int32)


def _mark_near(cells, nx, ny, reach):
    """Mark empty cells within `reach` cells (Chebyshev) of an occupied one as NEAR."""
    grid = cells.reshape(ny, nx)
    near = grid != EMPTY
    for _ in range(reach):  # a square grows separably: rows, then columns
        grown = near.copy()
        grown[:, 1:] |= near[:, :-1]
        grown[:, :-1] |= near[:, 1:]
        near = grown
    for _ in range(reach):
        grown = near.copy()
        grown[1:, :] |= near[:-1, :]
        grown[:-1, :] |= near[1:, :]
        near = grown
    grid[(grid == EMPTY) & near] = NEAR
