"""The one shape every part of the geo package passes areas around in."""
from typing import NamedTuple

LEVELS = ("district", "street", "community", "grid")


class Feature(NamedTuple):
    """One area of a layer: its code, level, parent's code, WGS-84 geometry, name and row id."""

    code: str
    level: str
    parent: str
    geometry: object
    name: str = ""
    id: int | None = None


def as_feature(item):
    """Return `item` (a Feature or a tuple in Feature's order) as a Feature."""
    return item if isinstance(item, Feature) else Feature(*item)


def ancestry(features):
    """Return {code: {level: code}} with every feature's own level and its ancestors'."""
    parents = {f.code: (f.level, f.parent) for f in features}
    chains = {}
    for code in parents:
        chain, seen, current = {}, set(), code
        # A broken layer may have a parent loop; stop rather than spin.
        while current in parents and current not in seen:
            seen.add(current)
            level, parent = parents[current]
            chain.setdefault(level, current)
            current = parent
        chains[code] = chain
    return chains
