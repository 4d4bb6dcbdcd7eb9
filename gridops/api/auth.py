"""Who is calling: a bearer token or a session, turned into a dispatch Actor."""
from functools import wraps

from flask_login import current_user

from gridops.dispatch.decide import Actor
from gridops.errors import DomainError


class Unauthorized(DomainError):
    code = "unauthorized"
    template = "Sign in or send a valid bearer token."


def actor_for(user):
    """Return the dispatch Actor of a user."""
    return Actor(role=user.role, label=user.display_name, user_id=user.id, unit_id=user.unit_id,
                 area_codes=frozenset(link.area_code for link in user.area_links))


def require_user(view):
    """Refuse the request with 401 unless a user is signed in or sent a token."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            raise Unauthorized()
        return view(*args, **kwargs)
    return wrapped
