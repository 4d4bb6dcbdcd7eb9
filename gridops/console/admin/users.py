"""Users and their scopes: list, add, change role, unit, areas; block sign-in."""
import re

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gridops.auth.models import ROLES, User
from gridops.auth.operations import create_user
from gridops.auth.passwords import hash_password
from gridops.console import admin_bp, labels
from gridops.console.access import missing
from gridops.console.admin.common import done, refused
from gridops.console.admin.operations import check_username, update_user
from gridops.dispatch.models import Unit
from gridops.errors import DomainError, ValidationError
from gridops.extensions import db

MIN_PASSWORD = 8


@admin_bp.get("/users")
def users():
    """List the users, optionally of one role."""
    role = request.args.get("role", "")
    query = select(User).options(selectinload(User.unit)).order_by(User.role, User.username)
    if role in ROLES:
        query = query.where(User.role == role)
    return render_template("console/admin/users.html", users=db.session.scalars(query).all(),
                           role=role, roles=ROLES, labels=labels)


def _form_page(user=None, error=None, form=None):
    units = db.session.execute(select(Unit.code, Unit.name).where(Unit.active)
                               .order_by(Unit.kind, Unit.code)).all()
    return render_template("console/admin/user.html", user=user, error=error, roles=ROLES,
                           units=units, labels=labels, form=form or {})


@admin_bp.get("/users/new")
def new_user():
    """Show the form for a new user."""
    return _form_page()


@admin_bp.post("/users/new")
def create_user_page():
    """Create a user with a role, a scope and a first password."""
    form = request.form
    try:
        check_username(form.get("username", "").strip())
        user, _token = create_user(db.session, form.get("username", "").strip(),
                                   _role(form), area_codes(form.get("areas", "")),
                                   form.get("unit") or None, form.get("name", "").strip() or None,
                                   _password_hash(form.get("password", ""), required=True))
    except DomainError as error:
        return refused(error, lambda message: _form_page(None, message, form))
    return done(_("User %(name)s created.", name=user.username), "console_admin.users")


@admin_bp.get("/users/<int:user_id>")
def edit_user(user_id):
    """Show a user's role, unit and scope for editing."""
    user = db.session.get(User, user_id)
    return _form_page(user) if user is not None else missing(_("There is no such user."))


@admin_bp.post("/users/<int:user_id>")
def update_user_page(user_id):
    """Change a user's role, unit, scope, sign-in, and optionally the password."""
    user = db.session.get(User, user_id)
    if user is None:
        return missing(_("There is no such user."))
    form = request.form
    try:
        update_user(db.session, user, current_user, form.get("name", "").strip(), _role(form),
                    form.get("unit") or None, area_codes(form.get("areas", "")),
                    form.get("active") == "yes")
        if form.get("password"):
            user.password_hash = _password_hash(form["password"])
    except DomainError as error:
        return refused(error, lambda message: _form_page(db.session.get(User, user_id), message,
                                                         form))
    return done(_("User %(name)s saved.", name=user.username), "console_admin.users")


def area_codes(text):
    """Return the area codes typed in a field, separated by spaces, commas or new lines."""
    return [code for code in re.split(r"[\s,，、]+", text or "") if code]


def _role(form):
    role = form.get("role", "")
    if role not in ROLES:
        raise ValidationError("Choose a role.", extra={"errors": [{"field": "role",
                                                                   "problem": "invalid"}]})
    return role


def _password_hash(password, required=False):
    if not password and not required:
        return None
    if len(password) < MIN_PASSWORD:
        raise ValidationError("A password needs at least %(n)s characters.", n=MIN_PASSWORD,
                              extra={"errors": [{"field": "password", "problem": "short"}]})
    return hash_password(password)
