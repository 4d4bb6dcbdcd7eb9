"""Refusals in words a dispatcher or department handler can act on."""
from flask_babel import gettext as _

from gridops.api.errors import STATUS
from gridops.console.labels import FIELDS
from gridops.errors import ValidationError, VersionConflict


def readable(error):
    """Return (HTTP status, message) for a domain error raised by an operation."""
    if isinstance(error, VersionConflict):
        return 409, _("Someone else acted on this case while you had it open. The page now "
                      "shows it as it is: check it and act again.")
    problems = error.extra.get("errors") or []
    # A message of its own says more than the list of fields; the generic one says less.
    generic = error.template == ValidationError.template
    if error.code == "validation_error" and problems and generic:
        names = dict.fromkeys(str(FIELDS.get(p["field"].split(".")[0], p["field"]))
                              for p in problems)
        return 400, _("Please check: %(fields)s.", fields="、".join(names))
    return STATUS.get(error.code, 422), error.message()
