"""Behind nginx: the client address and scheme come from X-Forwarded-* only when trusted."""
from flask import request

from gridops import create_app


def echo_app(app, hops):
    proxied = create_app({**app.config, "GRIDOPS_TRUSTED_PROXIES": hops})
    proxied.add_url_rule("/_echo", "echo", lambda: f"{request.remote_addr} {request.scheme}")
    return proxied.test_client()


HEADERS = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_one_trusted_proxy_gives_the_client_address_and_scheme(app):
    response = echo_app(app, 1).get("/_echo", headers=HEADERS)
    assert response.text == "203.0.113.7 https"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app):
    # Anyone can send X-Forwarded-For: believing it without a proxy would let a client pick
    # the address its rate limits are counted against.
    response = echo_app(app, 0).get("/_echo", headers=HEADERS)
    assert response.text == "127.0.0.1 http"
