"""Refusals in the spec's terms: an HTTP status and the descriptions of what went wrong.

The spec uses 404 for resources that don't exist, 403 for a missing or wrong api_key and 400 for
anything else; we add 405 for a wrong method and 429 when a key is over its rate limit.
"""


class Open311Error(Exception):
    """A refusal with its HTTP status, one description per problem and extra headers."""

    status = 400

    def __init__(self, *descriptions, headers=None):
        super().__init__("; ".join(descriptions))
        self.descriptions = list(descriptions)
        self.headers = headers or {}


class BadRequest(Open311Error):
    status = 400


class Forbidden(Open311Error):
    status = 403


class NotFound(Open311Error):
    status = 404


class MethodNotAllowed(Open311Error):
    status = 405


class TooManyRequests(Open311Error):
    status = 429


class UnsupportedFormat(BadRequest):
    def __init__(self, name):
        super().__init__(f"Unsupported format {name!r}: use .xml or .json.")
