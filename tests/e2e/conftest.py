"""Drive the phone pages in Debian's headless Chromium against a real server thread.

The server is werkzeug's, on 127.0.0.1 with a free port, serving the test app and database;
the browser is a phone: 360×640, touch, Chinese, geolocation granted and set by the test.
"""
import os
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from web.kit import _fresh, people  # noqa: F401  (fixtures)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
#: GRIDOPS_SCREENSHOTS=1 refreshes the README's screenshots; otherwise they go to a temp dir,
#: so an ordinary test run leaves the working tree clean.
SHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
         if os.environ.get("GRIDOPS_SCREENSHOTS") == "1"
         else Path(tempfile.gettempdir()) / "gridops-screenshots")


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the app on a free local port for the whole session; return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_pages(request):
    """Close every browser context a test opened (`console.browser.desk` among them).

    The browser and the server thread live for the whole session: a console page left open
    keeps polling the live feed, so it would query the next tests' database mid-test and set
    the app's cached queue notice under them (test_banner failed that way once).
    """
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


@pytest.fixture
def phone(browser, live_server):
    """Return a factory of phone browser contexts placed at (lat, lon)."""
    contexts = []

    def open_phone(lat=None, lon=None, accuracy=12, service_workers="allow"):
        options = dict(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                       is_mobile=True, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                       base_url=live_server,
                       service_workers=service_workers)
        if lat is not None:
            options.update(geolocation={"latitude": lat, "longitude": lon, "accuracy": accuracy},
                           permissions=["geolocation"])
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()


def shoot(page, name, full_page=False):
    """Save a screenshot for the README as docs/screenshots/phone-<name>.png.

    A whole page is taken with a viewport as tall as the page, so the sticky bar and the
    tab bar stay where a person sees them instead of being stitched into the middle.
    """
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    if full_page:
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.screenshot(path=str(SHOTS / f"phone-{name}.png"))
    page.set_viewport_size(size)


TARGETS = ("button, a, select, textarea, input[type=search], input[type=tel], "
           "input[type=password], input[name=username], input[name=address], "
           "label.switch, label.check, label.chip span, label.filebtn")


def small_targets(page):
    """Return the visible things to tap that are smaller than 44 × 44 CSS pixels."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter((e) => e.offsetParent !== null && !e.closest('.leaflet-container'))
        .map((e) => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
        .filter(([, r]) => r.height < 44 || r.width < 44)
        .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
                         TARGETS)


def sign_in(page, username="wang"):
    from web.kit import PASSWORD
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/phone/")
