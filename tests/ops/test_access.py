"""Who may read /metrics and /readyz: allowed addresses, the token, and never a forwarded guess."""
import pytest

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def status_from(app, address, path="/metrics", **kwargs):
    return app.test_client().get(path, environ_base={"REMOTE_ADDR": address},
                                 **kwargs).status_code


def test_by_default_only_loopback_may_read(app):
    allowed = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]
    refused = ["203.0.113.7", "10.1.2.3", "::ffff:10.1.2.3", "2001:db8::1", ""]
    assert {a: status_from(app, a) for a in allowed} == dict.fromkeys(allowed, 200)
    assert {a: status_from(app, a) for a in refused} == dict.fromkeys(refused, 403)
    response = app.test_client().get("/readyz", environ_base=OUTSIDE)
    assert response.status_code == 403 and response.json["code"] == "forbidden"


def test_the_allow_list_takes_networks_and_a_typo_stops_the_app(make_app):
    monitoring = make_app(GRIDOPS_METRICS_ALLOW="10.0.0.0/8, 2001:db8::/32")
    assert [status_from(monitoring, a) for a in ("10.1.2.3", "2001:db8::1", "127.0.0.1")] == [
        200, 200, 403]
    with pytest.raises(ValueError):
        make_app(GRIDOPS_METRICS_ALLOW="10.0.0.0/8,intranet")


def test_the_token_opens_both_from_anywhere(make_app):
    scraper = make_app(GRIDOPS_METRICS_TOKEN="s3cret-scrape")
    for path in ("/metrics", "/readyz"):
        good = {"Authorization": "Bearer s3cret-scrape"}
        assert status_from(scraper, "203.0.113.7", path, headers=good) == 200
        for bad in ("Bearer wrong", "s3cret-scrape", "Bearer s3cret-scrapE", "Bearer 令牌"):
            headers = {"Authorization": bad}
            assert status_from(scraper, "203.0.113.7", path, headers=headers) == 403, bad


def test_without_a_token_configured_an_empty_bearer_opens_nothing(app):
    assert status_from(app, "203.0.113.7", headers={"Authorization": "Bearer "}) == 403


def test_a_forwarded_request_is_not_taken_for_loopback(app):
    """nginx on the same host forwards the Internet from 127.0.0.1: that is not monitoring."""
    assert status_from(app, "127.0.0.1", headers={"X-Forwarded-For": "127.0.0.1"}) == 403


def test_behind_a_trusted_proxy_the_client_address_decides(make_app):
    proxied = make_app(GRIDOPS_TRUSTED_PROXIES=1, GRIDOPS_METRICS_ALLOW="10.0.0.0/8")
    assert status_from(proxied, "127.0.0.1", headers={"X-Forwarded-For": "10.1.2.3"}) == 200
    assert status_from(proxied, "127.0.0.1", headers={"X-Forwarded-For": "203.0.113.7"}) == 403
