"""Who may read /readyz and /metrics: monitoring, not the public.

A request passes if it comes from an address in GRIDOPS_METRICS_ALLOW (loopback by default)
or carries `Authorization: Bearer <GRIDOPS_METRICS_TOKEN>`. Behind a reverse proxy the address
is only the client's when GRIDOPS_TRUSTED_PROXIES says how many proxies to trust; a forwarded
request the app does not trust that way is treated as coming from nowhere in particular, or
every request through a local nginx would look like loopback.
"""
import hmac
from functools import wraps
from ipaddress import ip_address, ip_network

from flask import current_app, request
from flask_babel import gettext as _

from gridops.web.problems import problem

KEY = "gridops.ops.allow"


def init_app(app):
    """Read the allow-list once, so a typo stops the app at start rather than hiding metrics."""
    app.extensions[KEY] = parse_networks(app.config["GRIDOPS_METRICS_ALLOW"])


def parse_networks(text):
    """Return the networks of a comma-separated list of addresses and CIDR blocks."""
    return tuple(ip_network(part.strip(), strict=False) for part in text.split(",")
                 if part.strip())


def monitoring_only(view):
    """Refuse the view (403 problem) to requests neither allowed by address nor by token."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not (has_token(request, current_app.config) or from_allowed_address(request)):
            return problem(403, "forbidden",
                           _("Only monitoring may read this: from an allowed address or "
                             "with the metrics token."))
        return view(*args, **kwargs)
    return wrapped


def has_token(request, config):
    """Return whether the request carries the configured metrics token (never when none is)."""
    token = config["GRIDOPS_METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def from_allowed_address(request):
    """Return whether the client's address is in the allow-list."""
    if request.headers.get("X-Forwarded-For") and not current_app.config["GRIDOPS_TRUSTED_PROXIES"]:
        return False
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:  # a Unix socket has no address
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in current_app.extensions[KEY])
