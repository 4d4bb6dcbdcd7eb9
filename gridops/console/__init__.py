"""The street-office dispatch console: queues, the case page, map, whistle board, department
workspace, district view and the admin pages (with the RQ dashboard for admins).

Server-rendered on the web foundation (`gridops.web`: session login, CSRF, base template);
`init_app` is the one call the app factory makes.
"""
from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/assets")
admin_bp = Blueprint("console_admin", __name__, url_prefix="/console/admin",
                  template_folder="templates")

def init_app(app):
    """Register the console, its admin pages and the admin-only RQ dashboard."""
    from gridops.console import (board, case, district, live, mapview, queue,  # noqa: F401
                                 rq, workspace)
    from gridops.console.admin import (calendar, channels, home, routing, sla,  # noqa: F401
                                       users)

    landing = app.config.setdefault("GRIDOPS_LANDING", {})
    for role in ("dispatcher", "district", "department", "admin"):
        landing.setdefault(role, "console.home")
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    rq.init_app(app)
