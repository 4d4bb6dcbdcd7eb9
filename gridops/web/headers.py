"""Security headers on every response: a Content-Security-Policy without inline scripts, and
the headers that keep pages out of frames, referrers short and powerful features to our origin.

Our pages load scripts and styles only from this server (Leaflet is served locally) and run no
inline script: the policy forbids it. Map tiles, when configured, come from their host. Two
parts of the site need more, and get it on their own path only (EXCEPTIONS).
"""
from urllib.parse import urlsplit

from flask import current_app, request

EXTENSION_KEY = "gridops.headers"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",  # photo previews are blobs; Leaflet's icons data: URIs
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}

#: Path prefixes whose pages need more than POLICY: prefix -> directives replaced.
EXCEPTIONS = {
    # rq-dashboard (gridops.console.rq, admins only) runs an inline script, compiles its
    # underscore templates with `new Function` and sets style attributes. Its assets are its
    # own, served from here: nothing comes from another origin.
    "/console/admin/rq/": {"script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
                           "style-src": "'self' 'unsafe-inline'"},
    # Weekly reports are self-contained HTML files (archived, mailed): their stylesheet is
    # inline. Styles only; scripts stay forbidden.
    "/reports/": {"style-src": "'self' 'unsafe-inline'"},
}

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP level 2
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # The phone form reads the position and takes photos; nothing else may ask.
    "Permissions-Policy": "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Sent only when cookies are secure, i.e. the site is served over HTTPS.
HSTS = "max-age=31536000"


def init_app(app):
    """Build the policies from the configuration and add the headers to every response."""
    tiles = tile_source(app.config.get("GRIDOPS_MAP_TILE_URL", ""))
    base = {**POLICY, "img-src": f"{POLICY['img-src']} {tiles}".strip()}
    app.extensions[EXTENSION_KEY] = {
        "": render(base),
        **{prefix: render({**base, **changes}) for prefix, changes in EXCEPTIONS.items()}}
    app.after_request(add_headers)


def tile_source(template):
    """Return the CSP source of a tile URL template such as https://{s}.tile.example.org/…"""
    parts = urlsplit(template)
    if not parts.netloc:
        return ""
    first, _, rest = parts.netloc.partition(".")
    host = f"*.{rest}" if "{" in first else parts.netloc  # {s}: any subdomain
    return f"{parts.scheme}:" if "{" in host else f"{parts.scheme}://{host}"


def render(policy):
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def policy_for(path):
    """Return the Content-Security-Policy of the page at `path`."""
    policies = current_app.extensions[EXTENSION_KEY]
    prefix = next((p for p in EXCEPTIONS if path.startswith(p)), "")
    return policies[prefix]


def add_headers(response):
    response.headers.setdefault("Content-Security-Policy", policy_for(request.path))
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
