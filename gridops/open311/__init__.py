"""Open311 GeoReport v2 under /open311/v2: discovery, services, requests and tokens.

Every resource answers in XML and JSON. Reports go through the same intake as every other
channel. The integrators' guide is docs/open311.md.
"""
from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

from gridops.open311 import handlers, views  # noqa: E402,F401  (routes and handlers register on bp)
