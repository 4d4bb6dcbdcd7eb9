"""Users, roles, scopes and API tokens."""
from gridops.extensions import db, login


def init_app(app):
    """Teach Flask-Login to find users by session id or by bearer token."""
    from gridops.auth.models import User
    from gridops.auth.tokens import user_for_bearer

    login.user_loader(lambda user_id: db.session.get(User, int(user_id)))
    login.request_loader(user_for_bearer)
