"""The JSON API under /api/v1: bearer tokens, problem details, an OpenAPI document."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: The URL converter of ids: the app's `int` stops at what the id columns hold, so a larger
#: number is simply not found (gridops.IdConverter).
ID = "int"

from gridops.api import (errors, geo, guards, incidents, openapi, reference,  # noqa: E402,F401
                         tokens, whistles)
