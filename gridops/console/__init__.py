"""The street-office dispatch console: queues, the case page, map, whistle board, department
workspace, district view and the admin pages (with the RQ dashboard for admins).

Server-rendered on the web foundation (`gridops.web`: session login, CSRF, base template);
`init_app` is the one call the app factory makes.
"""
from flask import Blueprint

from gridops.config import Setting

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/assets")
admin_bp = Blueprint("console_admin", __name__, url_prefix="/console/admin",
                  template_folder="templates")

#: The console's settings; `init_app` gives each its default if the app has none.
SETTINGS = [
    Setting("GRIDOPS_MAP_TILE_CRS", "GRIDOPS_MAP_TILE_CRS", "wgs84",
            "Coordinate system of the map tiles (wgs84, cgcs2000, gcj02 for AMap/Tencent, bd09): "
            "overlays are shifted to match"),
    Setting("GRIDOPS_CONSOLE_POLL_SECONDS", "GRIDOPS_CONSOLE_POLL_SECONDS", "5",
            "How often an open console page asks for new reports and check-ins (seconds)", int),
    Setting("GRIDOPS_CONSOLE_PAGE_SIZE", "GRIDOPS_CONSOLE_PAGE_SIZE", "50",
            "Cases per queue page", int),
]


def init_app(app):
    """Register the console, its admin pages and the admin-only RQ dashboard."""
    from gridops.console import (board, case, district, live, mapview, queue,  # noqa: F401
                                 rq, workspace)
    from gridops.console.admin import (calendar, channels, home, routing, sla,  # noqa: F401
                                       users)

    for setting in SETTINGS:
        app.config.setdefault(setting.key, setting.cast(setting.default))
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    rq.init_app(app)
