"""Chinese coordinate systems: bring GCJ-02 and BD-09 points to WGS-84 and back.

CGCS2000 is within centimetres of WGS-84 and is taken as identical. GCJ-02 (AMap, Tencent,
WeChat) and BD-09 (Baidu) are obfuscations with no closed-form inverse; `prcoords`' iterative
("bored") inverses converge to well under a centimetre, where a one-step inverse is metres off.
"""
import math

import prcoords

from gridops.geo.errors import InvalidCoordinates

CRS_NAMES = ("wgs84", "cgcs2000", "gcj02", "bd09")


def normalize_crs(crs):
    """Return the canonical name of `crs` ("GCJ-02" → "gcj02"); None means WGS-84."""
    if crs is None or crs == "":
        return "wgs84"
    name = str(crs).strip().lower().replace("-", "").replace("_", "")
    if name not in CRS_NAMES:
        raise InvalidCoordinates(f"unknown coordinate system {crs!r}; use one of {', '.join(CRS_NAMES)}")
    return name


def to_wgs84(lon, lat, crs):
    """Return (lon, lat) in WGS-84 for a point given in `crs`."""
    crs = normalize_crs(crs)
    if crs in ("wgs84", "cgcs2000"):
        return lon, lat
    if crs == "gcj02" and not _in_china(lon, lat):
        return lon, lat  # GCJ-02 leaves points outside China unshifted
    if crs == "gcj02":
        guess = prcoords.gcj_wgs_bored((lat, lon), check_china=False)
    elif _in_china(lon, lat):
        guess = prcoords.bd_wgs_bored((lat, lon), check_china=False)
    else:
        guess = prcoords.bd_gcj_bored((lat, lon))
    return _polish(guess, lon, lat, crs)


def _polish(guess, lon, lat, crs):
    # prcoords stops once a step is under 1e-5 degrees, which at the edges of China can leave
    # about a centimetre; a few more fixed-point steps bring it to micrometres.
    glon, glat = guess.lon, guess.lat
    for _ in range(8):
        flon, flat = from_wgs84(glon, glat, crs)
        dlon, dlat = flon - lon, flat - lat
        glon, glat = glon - dlon, glat - dlat
        if abs(dlon) < 1e-11 and abs(dlat) < 1e-11:
            break
    return glon, glat


def from_wgs84(lon, lat, crs):
    """Return (lon, lat) in `crs` for a WGS-84 point, e.g. to draw on GCJ-02 map tiles."""
    crs = normalize_crs(crs)
    if crs in ("wgs84", "cgcs2000"):
        return lon, lat
    inside = _in_china(lon, lat)
    if crs == "gcj02":
        out = prcoords.wgs_gcj((lat, lon), check_china=False) if inside else (lat, lon)
    else:
        gcj = prcoords.wgs_gcj((lat, lon), check_china=False) if inside else (lat, lon)
        out = prcoords.gcj_bd(gcj)
    return out[1], out[0]


def _in_china(lon, lat):
    # prcoords warns (and does nothing) outside this box; we decide ourselves, silently.
    return prcoords.sanity_in_china_p(prcoords.Coords(lat, lon))


def check_point(lat, lon):
    """Return (lat, lon) as floats, or raise InvalidCoordinates saying what is wrong."""
    lat, lon = _number("lat", lat), _number("lon", lon)
    lat_ok, lon_ok = -90.0 <= lat <= 90.0, -180.0 <= lon <= 180.0
    if lat_ok and lon_ok:
        return lat, lon
    if not lat_ok and -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0:
        raise InvalidCoordinates(
            f"lat={lat} is out of range (-90..90) and lon={lon} would be a valid latitude: "
            "latitude and longitude look swapped")
    if not lat_ok:
        raise InvalidCoordinates(f"lat={lat} is out of range (-90..90)")
    raise InvalidCoordinates(f"lon={lon} is out of range (-180..180)")


def _number(name, value):
    # bool is an int subclass, and "true" is never a coordinate.
    if value is None or value == "":
        raise InvalidCoordinates(f"{name} is missing")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidCoordinates(f"{name}={value!r} is not a number")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise InvalidCoordinates(f"{name}={value!r} is not a number") from None
    if not math.isfinite(number):
        raise InvalidCoordinates(f"{name}={value!r} is not a finite number")
    return number
