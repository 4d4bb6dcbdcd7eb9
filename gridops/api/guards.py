"""Refuse input no view can use, before any view runs.

- The NUL character, anywhere: a PostgreSQL `text` value cannot hold U+0000 and the driver
  refuses to send it, so a NUL in a filter, a name or a note would otherwise end as a 500.
- JSON nested deeper than Python's parser recurses: it raises RecursionError, not the
  ValueError Flask turns into a 400.
"""
from flask import request

from gridops.api import bp
from gridops.errors import ValidationError
from gridops.web.guard import NUL, holds_nul


class NulCharacter(ValidationError):
    template = "Text may not contain the NUL character (U+0000)."


class NestedTooDeeply(ValidationError):
    template = "The JSON body is nested too deeply."


@bp.before_request
def refuse_unusable_input():
    """Refuse the request with 400 if its path, query or JSON body holds a NUL character, or
    its JSON body cannot be parsed for depth."""
    if NUL in request.path or any(NUL in key + value
                                  for key, value in request.args.items(multi=True)):
        raise NulCharacter(extra={"errors": [{"field": "query", "problem": "nul"}]})
    if not request.is_json:
        return
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise NestedTooDeeply(extra={"errors": [{"field": "body", "problem": "depth"}]}) from None
    if holds_nul(body):
        raise NulCharacter(extra={"errors": [{"field": "body", "problem": "nul"}]})
