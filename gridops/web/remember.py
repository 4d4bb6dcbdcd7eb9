"""Renew the remember-me cookie of a phone in use, so an active worker is never signed out.

Flask-Login's REMEMBER_COOKIE_REFRESH_EACH_REQUEST would also give the cookie to users who
did not ask for it; this renews only cookies that exist.
"""
from flask import current_app, g, request, session


def init_app(app):
    # Registered after Flask-Login's own hook, so it runs first and that hook sets the cookie.
    app.after_request(renew)


def renew(response):
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    # Only a page that loaded the user counts: static files must not cost a query each.
    user = g.get("_login_user")
    if (name in request.cookies and "_remember" not in session and user is not None
            and user.is_authenticated):
        session["_remember"] = "set"
    return response
