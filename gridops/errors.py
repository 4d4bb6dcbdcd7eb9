"""Domain errors. Each has a stable machine `code`; the web edge maps codes to HTTP statuses.

Messages are English msgids translated by Flask-Babel when shown (Chinese by default).
"""
from flask_babel import gettext


class DomainError(Exception):
    """A refusal the caller can act on; `code` is stable, `message()` is for people."""

    code = "domain_error"
    template = "The request was refused."

    def __init__(self, template=None, /, extra=None, **params):
        self.template = template or self.template
        self.params = params
        self.extra = extra or {}
        super().__init__(self.template % params if params else self.template)

    #: Parameters that are themselves messages, translated before they are put in.
    translated_params = ("why",)

    def message(self):
        """Return the message in the request's language."""
        params = {k: gettext(v) if k in self.translated_params else v
                  for k, v in self.params.items()}
        return gettext(self.template, **params)


class ValidationError(DomainError):
    code = "validation_error"
    template = "Some fields are missing or malformed."


class InvalidCoordinates(DomainError):
    code = "invalid_coordinates"
    template = "The coordinates are not valid."


class OutOfArea(DomainError):
    code = "out_of_area"
    template = "The point is outside every grid."


class UnknownReference(DomainError):
    code = "unknown_reference"
    template = "Unknown code."


class InvalidTransition(DomainError):
    code = "invalid_transition"
    template = "Action %(action)s is not allowed in state %(state)s."


class VersionConflict(DomainError):
    code = "version_conflict"
    template = "The case changed meanwhile (version %(current)s, you sent %(sent)s); reload it."


class Forbidden(DomainError):
    code = "forbidden"
    template = "You may not do this."


class NotFound(DomainError):
    code = "not_found"
    template = "No such resource."


class UnknownCategory(UnknownReference):
    code = "unknown_category"
    template = "Unknown category."


class UnknownUnit(UnknownReference):
    code = "unknown_unit"
    template = "Unknown unit."
