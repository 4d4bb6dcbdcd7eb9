"""Users, roles, scopes and API tokens."""
from flask import g

from gridops.extensions import db, login


def init_app(app):
    """Teach Flask-Login to find users by session id or by bearer token."""
    from gridops.auth.models import User
    from gridops.auth.tokens import user_for_bearer

    login.user_loader(lambda user_id: db.session.get(User, int(user_id)))
    login.request_loader(user_for_bearer)

    @app.teardown_request
    def forget_user(_error=None):
        # Flask-Login caches the user on `g`, which lives as long as the app context; a
        # context reused across requests (tests, CLI) must not carry one request's user on.
        g.pop("_login_user", None)
