"""Photos: cleaned on upload (type by content, upright, no EXIF), stored by hash, thumbnails."""
from flask import Blueprint

bp = Blueprint("photos", __name__, url_prefix="/photos")

from gridops.photos import views  # noqa: E402,F401  (routes register on bp)
