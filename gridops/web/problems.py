"""RFC 9457 problem responses for the web's JSON endpoints (fetch from the phone)."""
from flask import jsonify, request

PROBLEM_TYPE = "https://gridops.example/problems/"


def problem(status, code, detail, **extra):
    """Return a problem+json response with a stable machine `code` and a readable `detail`."""
    response = jsonify({"type": PROBLEM_TYPE + code, "title": code.replace("_", " "),
                        "status": status, "code": code, "detail": detail,
                        "instance": request.path, **extra})
    response.status_code, response.mimetype = status, "application/problem+json"
    return response
