"""The session and remember-me cookies: HttpOnly and SameSite=Lax always, Secure when the site
is served over HTTPS (GRIDOPS_SECURE_COOKIES=1, or a public https address)."""
from gridops import create_app
from gridops.config import from_environment
from gridops.extensions import db as _db
from web.kit import sign_in
from web.kit import people  # noqa: F401  (fixture)


def sign_in_cookies(app):
    """Sign in as worker wang; return the attributes of each cookie set, by name."""
    response = sign_in(app.test_client(), "wang")
    assert response.status_code == 302
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        cookies[name] = {part.strip().split("=")[0].lower(): part.strip()
                         for part in rest.split(";")[1:]}
    return cookies


def test_cookies_are_http_only_and_same_site_over_plain_http(app, people):
    cookies = sign_in_cookies(app)
    assert {"session", "remember_token"} <= cookies.keys()
    for name in ("session", "remember_token"):
        assert "httponly" in cookies[name], name
        assert cookies[name]["samesite"] == "SameSite=Lax", name
        assert "secure" not in cookies[name], name


def test_with_secure_cookies_they_travel_only_over_https(app, people):
    secure = create_app({n: app.config[n] for n in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY")} |
        {"SESSION_COOKIE_SECURE": True})
    with secure.app_context():
        cookies = sign_in_cookies(secure)
        _db.session.remove()
        _db.engine.dispose()
    for name in ("session", "remember_token"):
        assert {"secure", "httponly"} <= cookies[name].keys(), name
        assert cookies[name]["samesite"] == "SameSite=Lax", name


def test_secure_cookies_are_on_by_setting_or_by_an_https_public_address():
    assert from_environment({})["SESSION_COOKIE_SECURE"] is False
    assert from_environment({"GRIDOPS_SECURE_COOKIES": "1"})["SESSION_COOKIE_SECURE"] is True
    https = {"GRIDOPS_PUBLIC_URL": "https://grid.example.gov.cn"}
    assert from_environment(https)["SESSION_COOKIE_SECURE"] is True
    http = {"GRIDOPS_PUBLIC_URL": "http://192.168.1.10:5000"}
    assert from_environment(http)["SESSION_COOKIE_SECURE"] is False
