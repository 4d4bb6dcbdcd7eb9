"""Bearer tokens: issued once in clear, stored as SHA-256."""
import hashlib
import secrets

from flask import request
from sqlalchemy import select

from gridops.auth.models import ApiToken
from gridops.extensions import db


def token_hash(token):
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session, user, name="cli"):
    """Create a token for `user` and return it in clear; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=token_hash(token), name=name))
    return token


def user_for_bearer(req=None):
    """Return the active user whose token the request carries, or None."""
    header = (req or request).headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    row = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == token_hash(token.strip()), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    return row.user
