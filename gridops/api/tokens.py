"""Log in to the API: trade a username and password for a bearer token."""
from flask import request
from sqlalchemy import select
from werkzeug.security import check_password_hash

from gridops.api import bp
from gridops.api.incidents import json_body
from gridops.auth.models import User
from gridops.auth.tokens import issue_token
from gridops.errors import DomainError, ValidationError
from gridops.extensions import db


class BadCredentials(DomainError):
    code = "unauthorized"
    template = "Wrong username or password."


@bp.post("/tokens")
def create_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ValidationError("Send username and password.")
    user = db.session.scalar(select(User).where(User.username == username, User.active))
    if user is None or not user.password_hash or not check_password_hash(user.password_hash,
                                                                          password):
        raise BadCredentials()
    token = issue_token(db.session, user, name=request.headers.get("User-Agent", "api")[:100])
    db.session.commit()
    return {"token": token, "user": {"username": user.username, "role": user.role}}, 201
