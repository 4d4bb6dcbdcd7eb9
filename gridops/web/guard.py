"""Refuse text PostgreSQL cannot store before any page, form or Open311 view reads it.

A `text` value cannot hold U+0000: the driver refuses to send it, so a NUL in a form field,
a filter or a path would end as a 500 wherever it reaches a query. The JSON API checks the
same with its own problem codes (`gridops.api.guards`).
"""
from flask import abort, request
from flask_babel import gettext as _

NUL = "\x00"


def init_app(app):
    app.before_request(refuse_nul)


def refuse_nul():
    """Answer 400 if the path, the query, a form field, a file name or a JSON body holds NUL."""
    if request.blueprint == "api":
        return
    sent = [request.path, *_pairs(request.args), *_pairs(request.form),
            *(file.filename or "" for file in request.files.values())]
    try:
        body = request.get_json(silent=True) if request.is_json else None
    except RecursionError:  # nested deeper than the parser recurses
        abort(400, description=_("The JSON body is nested too deeply."))
    if any(NUL in text for text in sent) or holds_nul(body):
        abort(400, description=_("Text may not contain the NUL character (U+0000)."))


def _pairs(multidict):
    return (key + value for key, value in multidict.items(multi=True))


def holds_nul(value):
    """Return True if any string in a parsed JSON value, key or item, holds a NUL."""
    pending = [value]
    while pending:  # a loop, not recursion: a body may be nested as deep as json allows
        item = pending.pop()
        if isinstance(item, str) and NUL in item:
            return True
        if isinstance(item, dict):
            pending.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            pending.extend(item)
    return False
