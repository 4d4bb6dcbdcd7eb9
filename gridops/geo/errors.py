"""Errors the geo package raises; the API maps them to problem responses at the edge."""


class GeoError(ValueError):
    """Base of every geo error; `message` is meant for the person who sent the input."""

    code = "geo_error"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidCoordinates(GeoError):
    """A coordinate pair is missing, non-numeric, not finite, out of range or in an unknown CRS."""

    code = "invalid_coordinates"


class OutOfArea(GeoError):
    """A point is farther than the tolerance from every grid."""

    code = "out_of_area"

    def __init__(self, lon, lat, distance_m, tolerance_m):
        where = "no grid" if distance_m is None else f"the nearest grid is {distance_m:.1f} m away"
        super().__init__(f"({lon}, {lat}) is outside every grid: {where} "
                         f"(tolerance {tolerance_m:g} m)")
        self.lon, self.lat = lon, lat
        self.distance_m, self.tolerance_m = distance_m, tolerance_m


class LayerInvalid(GeoError):
    """A grid layer failed validation; `problems` lists every error found."""

    code = "layer_invalid"

    def __init__(self, problems, report=None):
        lines = [str(p) for p in problems]
        super().__init__(f"{len(lines)} problem(s) in the grid layer:\n" + "\n".join(lines))
        self.problems = list(problems)
        #: The whole validation report (warnings and fixes too), when there is one.
        self.report = report
