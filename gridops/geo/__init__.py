"""Grids and places: the area hierarchy, coordinate systems and the point locator."""
