"""A synthetic grid layer for benchmarks: n × n wiggly quadrilaterals tiling a box exactly."""
import numpy as np
import shapely


def wiggly_tiling(n=100, vertices=100, bounds=(116.0, 39.6, 117.0, 40.4), seed=7):
    """Return n*n (code, polygon) pairs; neighbours share their wiggly edges vertex for vertex."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = bounds
    cw, ch = (maxx - minx) / n, (maxy - miny) / n
    nodes = _jittered_nodes(rng, n, minx, miny, cw, ch)
    per_side = max(1, vertices // 4)
    horizontal = _edges(rng, nodes[:, :-1], nodes[:, 1:], per_side, ch)
    vertical = _edges(rng, nodes[:-1, :], nodes[1:, :], per_side, cw)
    features = []
    for j in range(n):
        for i in range(n):
            ring = np.concatenate([
                horizontal[j, i][:-1],              # bottom, west → east
                vertical[j, i + 1][:-1],            # right, south → north
                horizontal[j + 1, i][::-1][:-1],    # top, east → west
                vertical[j, i][::-1][:-1],          # left, north → south
            ])
            features.append((f"110199{j:03d}{i:03d}{0:03d}"[:15], shapely.Polygon(ring)))
    return features


def _jittered_nodes(rng, n, minx, miny, cw, ch):
    gx, gy = np.meshgrid(np.arange(n + 1), np.arange(n + 1))
    x = minx + gx * cw + rng.uniform(-0.2, 0.2, gx.shape) * cw
    y = miny + gy * ch + rng.uniform(-0.2, 0.2, gy.shape) * ch
    # The outer frame stays straight so the layer is a clean box.
    x[:, 0], x[:, -1] = minx, minx + n * cw
    y[0, :], y[-1, :] = miny, miny + n * ch
    return np.stack([x, y], axis=-1)


def _edges(rng, start, end, per_side, size):
    """Return polylines start → end of per_side+1 points, displaced sideways by a smooth wiggle."""
    t = np.linspace(0.0, 1.0, per_side + 1)
    line = start[..., None, :] + (end - start)[..., None, :] * t[:, None]
    d = end - start
    normal = np.stack([-d[..., 1], d[..., 0]], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    phase = rng.uniform(0, 2 * np.pi, start.shape[:-1])
    amp = 0.06 * size * np.sin(np.pi * t) * np.sin(3 * np.pi * t[None, None, :] + phase[..., None])
    border = _on_frame(start, end)
    amp = np.where(border[..., None], 0.0, amp)
    return line + amp[..., None] * normal[..., None, :]


def _on_frame(start, end):
    same_x = np.isclose(start[..., 0], end[..., 0]) & (
        np.isclose(start[..., 0], start[0, 0, 0]) | np.isclose(start[..., 0], start[-1, -1, 0]))
    same_y = np.isclose(start[..., 1], end[..., 1]) & (
        np.isclose(start[..., 1], start[0, 0, 1]) | np.isclose(start[..., 1], start[-1, -1, 1]))
    return same_x | same_y
