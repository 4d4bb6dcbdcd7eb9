"""Add to home screen: the web app manifest and the service worker, both under /phone/.

The service worker is served from /phone/ (not /phone/assets/) so its scope covers the
whole worker app.
"""
from flask import send_from_directory, url_for
from flask_babel import gettext as _

from gridops.phone import bp


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the worker app for the home screen."""
    icon = "web.static"
    body = {
        "name": _("GridOps grid worker"), "short_name": _("Grid report"),
        "lang": "zh-CN", "start_url": url_for("phone.report"), "scope": url_for("phone.report"),
        "display": "standalone", "orientation": "portrait",
        "background_color": "#ffffff", "theme_color": "#0b3d91",
        "icons": [{"src": url_for(icon, filename=f"icons/icon-{size}.png"),
                   "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
                  for size in (192, 512)],
    }
    return body, 200, {"Content-Type": "application/manifest+json"}


@bp.get("/sw.js")
def service_worker():
    """Send the service worker; never cached, so a new version is picked up at once."""
    response = send_from_directory(bp.static_folder, "sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response

