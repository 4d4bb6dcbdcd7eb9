"""The JSON API under /api/v1: bearer tokens, problem details, an OpenAPI document."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from gridops.api import (errors, geo, incidents, openapi, reference, tokens,  # noqa: E402,F401
                         whistles)
