"""The JSON API under /api/v1: bearer tokens, problem details, an OpenAPI document."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: The URL converter of ids: a larger number than the id columns hold is simply not found.
ID = "int(max=2147483647)"

from gridops.api import (errors, geo, guards, incidents, openapi, reference,  # noqa: E402,F401
                         tokens, whistles)
