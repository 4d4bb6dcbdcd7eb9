"""Who is calling: the integration key in api_key, checked and counted against its limit.

Each key has its own limit of requests per minute (`rate_limit` on its row), counted in Redis
by the app's Limiter (gridops.web.limits) in one-minute windows. Requests without a valid key
are not counted: keyless reads are public, and a wrong key is refused with 403.
"""
from flask import g

from gridops.extensions import db
from gridops.open311 import bp, keys
from gridops.open311.errors import Forbidden
from gridops.open311.handlers import current_params
from gridops.web.limits import limited


def caller_key():
    """Return the active key row the request's api_key names, or None (looked up once)."""
    if "open311_key" not in g:
        given = current_params().one("api_key")
        g.open311_key = keys.active_key(db.session, given) if given is not None else None
    return g.open311_key


@bp.teardown_request
def forget_key(_error=None):
    # `g` lives as long as the app context, which tests and the CLI reuse across requests.
    g.pop("open311_key", None)


def _per_minute():
    key = caller_key()
    return f"{key.rate_limit}/minute" if key is not None else ""  # "": no limit


def _key_id():
    return f"key:{caller_key().id}"


def _exceeded():
    return (f"Rate limit of {caller_key().rate_limit} requests per minute exceeded; "
            "retry after the number of seconds in Retry-After.")


#: Marks an Open311 view: its requests count against the caller's key, shared by every view.
key_limit = limited(_per_minute, "open311-key", key_func=_key_id, error_message=_exceeded)


def integration_key(required, now):
    """Return the caller's key row (None for a keyless GET) and note its use; refuse 403."""
    if current_params().one("api_key") is None:
        if required:
            raise Forbidden("api_key is missing: ask the street office for an integration key.")
        return None
    row = caller_key()
    if row is None:
        raise Forbidden("Invalid api_key: it is unknown or has been revoked.")
    row.last_used_at = now
    return row
