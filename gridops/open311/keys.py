"""Integration keys: one per client system, issued once in clear, kept only as SHA-256.

A key's name is recorded as the source_detail of every case it reports, so a name is never
reused, not even after its key is revoked.
"""
import hashlib
import secrets

from sqlalchemy import select

from gridops.auth.models import IntegrationKey
from gridops.errors import NotFound, ValidationError

#: Makes a leaked key recognisable in logs and secret scanners.
PREFIX = "o311_"


def key_hash(key):
    """Return the stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session, name, rate_limit=60):
    """Create a key for the integration `name` and return it in clear; only its hash is kept."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise ValidationError("A key name has 1 to 100 characters.")
    if rate_limit < 1:
        raise ValidationError("The rate limit is at least 1 request per minute.")
    if session.scalar(select(IntegrationKey.id).where(IntegrationKey.name == name)):
        raise ValidationError("A key named %(name)s exists already (names are never reused).",
                              name=name)
    key = PREFIX + secrets.token_urlsafe(32)
    session.add(IntegrationKey(name=name, key_hash=key_hash(key), rate_limit=rate_limit))
    session.flush()
    return key


def revoke_key(session, name, now):
    """Revoke the key of `name` from `now` on; return its row."""
    row = session.scalar(select(IntegrationKey).where(IntegrationKey.name == name))
    if row is None:
        raise NotFound("No key named %(name)s.", name=name)
    if row.revoked_at is None:
        row.revoked_at = now
    return row


def list_keys(session):
    """Return every key row, oldest first."""
    return session.scalars(select(IntegrationKey).order_by(IntegrationKey.id)).all()


def active_key(session, key):
    """Return the unrevoked key row whose hash matches `key`, or None."""
    return session.scalar(select(IntegrationKey).where(
        IntegrationKey.key_hash == key_hash(key), IntegrationKey.revoked_at.is_(None)))
