"""Who is calling: the integration key in api_key, checked and counted against its limit."""
from flask import current_app

from gridops.open311 import keys, ratelimit
from gridops.open311.errors import Forbidden, TooManyRequests


def integration_key(session, params, required, now):
    """Return the caller's key row (None for a keyless GET); refuse 403 or 429."""
    given = params.one("api_key")
    if given is None:
        if required:
            raise Forbidden("api_key is missing: ask the street office for an integration key.")
        return None
    row = keys.active_key(session, given)
    if row is None:
        raise Forbidden("Invalid api_key: it is unknown or has been revoked.")
    allowed, retry_after = ratelimit.hit(ratelimit.redis_for(current_app), row.id,
                                         row.rate_limit, now)
    if not allowed:
        raise TooManyRequests(f"Rate limit of {row.rate_limit} requests per minute exceeded; "
                              f"retry in {retry_after} s.",
                              headers={"Retry-After": str(retry_after)})
    row.last_used_at = now
    return row
