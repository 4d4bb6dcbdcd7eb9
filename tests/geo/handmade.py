"""Hand-built layers for the geo tests (no database needed)."""
from shapely.geometry import MultiPolygon, Polygon, box

from gridops.geo.features import Feature

LON0, LAT0, U = 116.40, 39.90, 0.01  # one unit is about 850 m east-west, 1.1 km north-south
DISTRICT, STREET, COMMUNITY = "110199", "110199001", "110199001001"


def unit_box(x1, y1, x2, y2):
    """Return a box given in layer units."""
    return box(LON0 + x1 * U, LAT0 + y1 * U, LON0 + x2 * U, LAT0 + y2 * U)


def at(x, y):
    """Return (lon, lat) of a point given in layer units."""
    return LON0 + x * U, LAT0 + y * U


def grid(n):
    return f"{COMMUNITY}{n:03d}"


def holed(outer, hole):
    return Polygon(outer.exterior.coords, [hole.exterior.coords])


def grid_layer():
    """Return grids 1–8 of a strip 6 × 2 units: shared edges, a hole, a park and an enclave.

    1 [0,1]×[0,1]   2 [1,2]×[0,1]   3 [0,1]×[1,2]   4 [1,2]×[1,2]   (4 meet at (1, 1))
    5 [2,4]×[0,2] less the hole [2.5,3.5]×[0.5,1.5]; 6 fills the hole's west half
    [2.5,3]×[0.5,1.5]; the east half is a park that is nobody's.
    7 is [4,5]×[0,2] plus an enclave [5.25,5.75]×[0.75,1.25] inside 8 = [5,6]×[0,2] less it.
    """
    enclave = unit_box(5.25, 0.75, 5.75, 1.25)
    shapes = {
        1: unit_box(0, 0, 1, 1), 2: unit_box(1, 0, 2, 1),
        3: unit_box(0, 1, 1, 2), 4: unit_box(1, 1, 2, 2),
        5: holed(unit_box(2, 0, 4, 2), unit_box(2.5, 0.5, 3.5, 1.5)),
        6: unit_box(2.5, 0.5, 3, 1.5),
        7: MultiPolygon([unit_box(4, 0, 5, 2), enclave]),
        8: holed(unit_box(5, 0, 6, 2), enclave),
    }
    return [Feature(grid(n), "grid", COMMUNITY, g, f"网格{n}", 100 + n) for n, g in shapes.items()]


def parent_layer():
    whole = unit_box(0, 0, 6, 2)
    return [Feature(DISTRICT, "district", "", whole, "示范区"),
            Feature(STREET, "street", DISTRICT, whole, "示范街道"),
            Feature(COMMUNITY, "community", STREET, whole, "示范社区")]
