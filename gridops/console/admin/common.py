"""What every admin page does after a change: commit and say so, or roll back and say why."""
from flask import flash, redirect, url_for

from gridops.console.errors import readable
from gridops.extensions import db


def done(message, endpoint, **values):
    """Commit, flash `message` and go to `endpoint`."""
    db.session.commit()
    flash(message)
    return redirect(url_for(endpoint, **values))


def refused(error, page):
    """Roll back and show `page(message)` with the error's status."""
    db.session.rollback()
    status, message = readable(error)
    body = page(message)
    return body, status


def whole(text):
    """Return `text` as an int when it is a whole number, else as it is (the check refuses it)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() else text
