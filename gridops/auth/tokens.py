"""Bearer tokens: issued once in clear, stored as SHA-256."""
import hashlib
import secrets

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from gridops.auth.models import ApiToken, User
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
    """Return the active user whose token the request carries, or None.

    One query per request, with the user's scope joined in: every API call asks it, and a
    revoked token or a deactivated user must be refused at once, so nothing is cached.
    """
    header = (req or request).headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return db.session.scalars(
        select(User).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash(token.strip()), ApiToken.revoked_at.is_(None),
               User.active.is_(True))
        .options(joinedload(User.area_links))).unique().one_or_none()
