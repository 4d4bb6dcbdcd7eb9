"""Log in to the API: trade a username and password for a bearer token."""
from flask import request

from gridops.api import bp
from gridops.api.incidents import json_body
from gridops.auth.passwords import authenticate
from gridops.auth.tokens import issue_token
from gridops.errors import DomainError, ValidationError
from gridops.extensions import db
from gridops.web.limits import limit_sign_in, sign_in_failed


class BadCredentials(DomainError):
    code = "unauthorized"
    template = "Wrong username or password."


@bp.post("/tokens")
@limit_sign_in()  # failures count with the web form's: 429 problem after too many
def create_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ValidationError("Send username and password.")
    user = authenticate(db.session, username, password)
    if user is None:
        sign_in_failed()
        raise BadCredentials()
    token = issue_token(db.session, user, name=request.headers.get("User-Agent", "api")[:100])
    db.session.commit()
    return {"token": token, "user": {"username": user.username, "role": user.role}}, 201
