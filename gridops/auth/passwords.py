"""Passwords: hashed with scrypt (werkzeug), checked in one place for the web and the API."""
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from gridops.auth.models import User

#: werkzeug's memory-hard default, named so a werkzeug upgrade cannot silently change it.
METHOD = "scrypt"


def hash_password(password):
    """Return the stored form of `password`."""
    return generate_password_hash(password, METHOD)


def authenticate(session, username, password):
    """Return the active user whose password this is, else None."""
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None or not user.password_hash:
        check_password_hash(_unknown(), password)  # as slow as a wrong password
        return None
    return user if check_password_hash(user.password_hash, password) else None


@cache
def _unknown():
    # Made once, on first use: scrypt is deliberately slow.
    return generate_password_hash("never a password", METHOD)
