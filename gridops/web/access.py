"""Who may open a page: signed-in users of given roles; pages send others to the login."""
from functools import wraps

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gridops.web.csrf import wants_json
from gridops.web.problems import problem


def signed_in(*roles):
    """Let signed-in users with one of `roles` (any role if none given) through."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _sign_in_first()
            if roles and current_user.role not in roles:
                return _not_for_you()
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _sign_in_first():
    if wants_json():
        return problem(401, "unauthorized", _("Your sign-in has ended: sign in again."))
    return redirect(url_for("web.login", next=request.full_path.rstrip("?")))


def _not_for_you():
    message = _("This page is for other roles than yours.")
    if wants_json():
        return problem(403, "forbidden", message)
    return render_template("web/error.html", title=_("Not available"), message=message), 403

