"""Security headers on every response, a Content-Security-Policy without inline scripts, and
pages that need none: no inline script, event handler, javascript: URL or style attribute in
any template."""
import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

import gridops
from gridops import create_app
from gridops.web.headers import policy_for, tile_source
from web.kit import COMMUNITY, FAST_HASH, PASSWORD, sign_in
from web.kit import people  # noqa: F401  (fixture)

TEMPLATES = sorted(Path(gridops.__file__).parent.glob("*/templates/**/*.html"))
#: Templates allowed an inline <style> (their path has the style exception: /reports/).
INLINE_STYLE = {"reports/weekly.html", "reports/list.html", "reports/drill.html"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""<[^>]*\sstyle\s*=""", re.I)


def directives(policy):
    return {name: value for name, _, value in
            (part.strip().partition(" ") for part in policy.split(";"))}


@pytest.mark.parametrize("path", ["/login", f"/r/{COMMUNITY}", "/api/v1/openapi.json",
                                  "/open311/v2/discovery.json", "/no-such-page",
                                  "/assets/vendor/leaflet/leaflet.js"])
def test_every_response_carries_the_headers(client, world, path):
    response = client.get(path)
    response.close()  # a static file is streamed
    headers = response.headers
    policy = directives(headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert policy["connect-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=(self)" in headers["Permissions-Policy"]
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain http: cookies are not secure


def test_the_map_tile_host_may_serve_images_and_only_images(app):
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == \
        "https://*.tile.example.org"
    assert tile_source("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}") == \
        "https://*.is.autonavi.com"
    assert tile_source("http://tiles.example.net:8080/{z}/{x}/{y}.png") == \
        "http://tiles.example.net:8080"
    assert tile_source("") == ""
    tiled = create_app({n: app.config[n] for n in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY")} |
        {"GRIDOPS_MAP_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
    with tiled.test_request_context():
        policy = directives(policy_for("/phone/"))
    assert policy["img-src"] == "'self' data: blob: https://*.tile.example.org"
    assert policy["connect-src"] == "'self'" and policy["script-src"] == "'self'"


def test_https_sites_send_hsts(app):
    secure = create_app({n: app.config[n] for n in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SECRET_KEY")} |
        {"SESSION_COOKIE_SECURE": True})
    response = secure.test_client().get("/api/v1/openapi.json")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_only_the_job_dashboard_may_run_inline_scripts(app):
    with app.test_request_context():
        for path in ("/login", "/console/", "/console/admin/", "/console/admin/rqx",
                     "/reports/", "/api/v1/incidents"):
            assert "unsafe" not in directives(policy_for(path))["script-src"], path
        dashboard = directives(policy_for("/console/admin/rq/jobs/default/1/view"))
        assert "'unsafe-inline'" in dashboard["script-src"]
        assert "http" not in dashboard["script-src"]  # its own assets only
        # Weekly reports are self-contained files with an inline stylesheet: styles only.
        assert directives(policy_for("/reports/weekly"))["style-src"] == "'self' 'unsafe-inline'"
        assert directives(policy_for("/login"))["style-src"] == "'self'"


def test_the_dashboard_is_served_with_its_exception(app, world):
    admin = world.user("root", "admin")
    admin.password_hash = generate_password_hash(PASSWORD, FAST_HASH)
    world.session.commit()
    client = app.test_client()
    assert sign_in(client, "root").status_code == 302
    page = client.get("/console/admin/rq/")
    assert page.status_code == 200
    assert "'unsafe-inline'" in directives(page.headers["Content-Security-Policy"])["script-src"]
    assert "'unsafe-inline'" not in client.get("/console/").headers["Content-Security-Policy"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_needs_inline_script_or_style(template):
    source = template.read_text()
    assert not INLINE_SCRIPT.findall(source)
    assert not HANDLER.findall(source)
    assert not JS_URL.findall(source)
    assert not STYLE_ATTRIBUTE.findall(source)
    if f"{template.parent.name}/{template.name}" not in INLINE_STYLE:
        assert "<style" not in source.lower()


def test_served_pages_have_no_inline_script(app, client, world, people):  # noqa: F811
    pages = [client.get("/login"), client.get(f"/r/{COMMUNITY}")]
    signed_in = app.test_client()
    sign_in(signed_in, "wang")
    pages += [signed_in.get(path) for path in ("/phone/", "/phone/tasks", "/phone/reports")]
    dispatcher = app.test_client()
    sign_in(dispatcher, "zhao")
    pages += [dispatcher.get("/console/", follow_redirects=True)]
    assert [p.status_code for p in pages] == [200] * len(pages), [p.request.path for p in pages]
    assert "<script src=" in pages[2].get_data(as_text=True)  # the phone form runs scripts
    for page in pages:
        html = page.get_data(as_text=True)
        assert not INLINE_SCRIPT.findall(html) and not HANDLER.findall(html), page.request.path

