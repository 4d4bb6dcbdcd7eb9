"""Bearer tokens: issued once in clear, stored as SHA-256."""
import hashlib
import secrets

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from gridops.auth.models import ApiToken, User, UserArea
from gridops.dispatch import stamps
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

    Every API call asks, and a revoked token or a deactivated user must be refused at once.
    Each process keeps every live token's user (a city's few thousand) while the users' and
    tokens' version stamp holds (`gridops.dispatch.stamps`); any change to app_user,
    user_area or api_token moves it, and the next request reads them all again.
    """
    header = (req or request).headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    found = stamps.cached(db.session, "auth", "bearers", _live_tokens).get(
        token_hash(token.strip()))
    if found is None:
        return None
    values, area_codes = found
    user = stamps.attach(db.session, User, values)
    set_committed_value(user, "area_links", [
        stamps.attach(db.session, UserArea, {"user_id": user.id, "area_code": code})
        for code in area_codes])
    return user


def _live_tokens():
    """Return {token hash: (user's columns, user's area codes)} of every usable token."""
    live = select(ApiToken.token_hash, ApiToken.user_id).join(User).where(
        ApiToken.revoked_at.is_(None), User.active.is_(True))
    tokens = db.session.execute(live).all()
    users = db.session.scalars(select(User).where(User.id.in_(live.with_only_columns(
        ApiToken.user_id).scalar_subquery())).options(selectinload(User.area_links)))
    found = {user.id: (stamps.snapshot(user), tuple(link.area_code for link in user.area_links))
             for user in users}
    return {digest: found[user_id] for digest, user_id in tokens}
