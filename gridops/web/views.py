"""Sign in and out with a session that lasts on the worker's own phone."""
from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from gridops.auth.passwords import authenticate
from gridops.extensions import db
from gridops.web import bp
from gridops.web.access import signed_in
from gridops.web.csrf import recovers
from gridops.web.limits import limit_sign_in, sign_in_failed


def landing(role):
    """Return the endpoint a role lands on after signing in (GRIDOPS_LANDING, else home)."""
    return current_app.config["GRIDOPS_LANDING"].get(role, "web.home")


class LoginForm(FlaskForm):
    username = StringField("username", validators=[InputRequired(), Length(max=80)])
    password = PasswordField("password", validators=[InputRequired(), Length(max=200)])
    #: On by default: the form is used on the worker's own phone.
    remember = BooleanField("remember", default=True)


def _locked_out(_limit):
    form = LoginForm()
    error = _("Too many failed sign-ins from here. Try again in an hour.")
    return make_response(render_template("web/login.html", form=form, error=error), 429)


@bp.route("/login", methods=["GET", "POST"])
@limit_sign_in(on_breach=_locked_out)
def login():
    """Show the sign-in form; sign in and go where the user was heading."""
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_next_or_home(current_user))
    error = None
    if form.validate_on_submit():
        user, error = _check(form.username.data.strip(), form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_next_or_home(user))
    elif request.method == "POST":
        error = _("Enter your username and password.")
    return render_template("web/login.html", form=form, error=error), 400 if error else 200


@recovers("web.login")
def _login_again(message):
    return render_template("web/login.html", form=LoginForm(), error=message)


def _check(username, password):
    """Return (user, None) for good credentials, else (None, why)."""
    user = authenticate(db.session, username, password)
    if user is None:
        sign_in_failed()
        return None, _("Wrong username or password.")
    return user, None


def _next_or_home(user):
    target = request.args.get("next", "")
    parts = urlsplit(target)
    # Only a path on this site: an absolute or scheme-relative URL would be an open redirect.
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for(landing(user.role))


@bp.post("/logout")
def logout():
    """Sign out and forget the long-lived cookie."""
    logout_user()
    flash(_("You have signed out."))
    return redirect(url_for("web.login"))


@bp.get("/")
@signed_in()
def home():
    """Show a signed-in user what this part of GridOps offers their role."""
    if landing(current_user.role) != "web.home":
        return redirect(url_for(landing(current_user.role)))
    return render_template("web/home.html")
