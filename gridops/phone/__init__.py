"""The phone web: the grid worker's report form, tasks and reports; residents' public pages.

`bp` (/phone) is for signed-in grid workers; `public` serves residents without a login: the
report page per community, its QR poster and the tracking link.
"""
from flask import Blueprint

bp = Blueprint("phone", __name__, url_prefix="/phone", template_folder="templates",
               static_folder="static", static_url_path="/assets")
public = Blueprint("public", __name__, template_folder="templates")


def init_app(app):
    """Register the worker and resident blueprints with their routes."""
    from gridops.phone import mine, posters, pwa, report, resident, tasks, tracking  # noqa: F401
    app.register_blueprint(bp)
    app.register_blueprint(public)
