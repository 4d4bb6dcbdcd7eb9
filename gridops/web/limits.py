"""Rate limits counted in Redis by Flask-Limiter: sign-in failures, resident reports, Open311 keys.

Views say what limits them with `limited`; `init_app` gives the app a Limiter of its own and
applies those marks once every blueprint is registered. A Limiter per app, not one module-level
object: Flask-Limiter keeps its storage on the Limiter, and one process may build several apps
on different Redis servers (tests, benchmarks).

When Redis is unreachable no limit is enforced and the request goes on (`swallow_errors`; the
"flask-limiter" logger records the error): a resident's report matters more than the limit.
Each refusal is a 429 with Retry-After, in the format of the part of the site that refused it.
"""
import time

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

EXTENSION_KEY = "gridops.limiter"
#: The shared count of failed sign-ins on the web form and the API's POST /tokens.
SIGN_IN_SCOPE = "sign-in"


def limited(limit, scope=None, **options):
    """Mark a view to be limited by `limit`, a limit string or a function returning one.

    Views marked with the same `scope` share one count. `options` are Flask-Limiter's
    (key_func, methods, deduct_when, on_breach, error_message); the key is the client's
    address unless key_func says otherwise.
    """
    def mark(view):
        view.gridops_limits = [*getattr(view, "gridops_limits", ()), (limit, scope, options)]
        return view
    return mark


def init_app(app):
    """Give the app its Limiter on REDIS_URL and apply every marked view's limits."""
    timeout = app.config["GRIDOPS_REDIS_TIMEOUT"]
    limiter = Limiter(get_remote_address, storage_uri=app.config["REDIS_URL"],
                      storage_options={"socket_timeout": timeout,
                                       "socket_connect_timeout": timeout},
                      strategy="fixed-window", key_prefix="gridops", swallow_errors=True,
                      on_breach=_note_wait)
    limiter.init_app(app)
    app.after_request(_add_retry_after)
    app.teardown_request(_forget)
    app.extensions[EXTENSION_KEY] = limiter
    wrapped = {}  # one view may serve several endpoints: limit it once
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "gridops_limits", None):
            if view not in wrapped:
                wrapped[view] = _apply(limiter, view)
            app.view_functions[endpoint] = wrapped[view]


def limiter_for(app):
    """Return the app's Limiter."""
    return app.extensions[EXTENSION_KEY]


def _apply(limiter, view):
    for limit, scope, options in view.gridops_limits:
        if scope:
            view = limiter.shared_limit(limit, scope, **options)(view)
        else:
            view = limiter.limit(limit, **options)(view)
    return view


def _note_wait(request_limit):
    # Called on every breach, before the view's own on_breach builds the refusal. reset_at
    # already rounds up (Flask-Limiter adds a second); this is how its own header counts.
    g.gridops_retry_after = max(1, int(request_limit.reset_at - time.time()))


def _add_retry_after(response):
    if response.status_code == 429 and "gridops_retry_after" in g:
        response.headers.setdefault("Retry-After", str(g.gridops_retry_after))
    return response


def _forget(_error=None):
    # `g` lives as long as the app context, which tests and the CLI reuse across requests.
    g.pop("gridops_retry_after", None)
    g.pop("gridops_sign_in_failed", None)


# --- sign-in ----------------------------------------------------------------------------------

def sign_in_failures():
    """Return the limit on failed sign-ins (per client address, and per username)."""
    return f"{current_app.config['GRIDOPS_LOGIN_FAILURES_PER_HOUR']}/hour"


def attempted_username():
    """Return the username a sign-in attempt names (form or JSON body) as a limit key."""
    body = request.get_json(silent=True) if request.is_json else None
    name = request.form.get("username") or (body.get("username") if isinstance(body, dict)
                                            else None)
    return f"user:{str(name or '').strip()[:80]}"


def sign_in_failed():
    """Count this request against the sign-in limits: its credentials were wrong."""
    g.gridops_sign_in_failed = True


def _counts(_response):
    return g.get("gridops_sign_in_failed", False)


def limit_sign_in(on_breach=None):
    """Mark a sign-in view: failed attempts only are counted, per client address and per
    username, in one count shared by every sign-in view."""
    def mark(view):
        for key_func in (get_remote_address, attempted_username):
            view = limited(sign_in_failures, SIGN_IN_SCOPE, key_func=key_func,
                           methods=["POST"], deduct_when=_counts, on_breach=on_breach)(view)
        return view
    return mark
