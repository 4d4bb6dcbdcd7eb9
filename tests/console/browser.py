"""Helpers for the console's browser tests: a desktop browser signed in, and screenshots."""
from web.kit import PASSWORD

from e2e.conftest import SHOTS  # docs/screenshots only with GRIDOPS_SCREENSHOTS=1

DESKTOP = {"width": 1440, "height": 900}


def desk(browser, live_server, username, locale="zh-CN"):
    """Return a page of a desktop browser signed in to the console as `username`."""
    context = browser.new_context(viewport=DESKTOP, locale=locale, timezone_id="Asia/Shanghai",
                                  base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login?next=/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/**")
    return page


def shoot(page, name, full_page=False):
    """Save docs/screenshots/console-<name>.png (a whole page with a viewport as tall as it)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    if full_page:
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.screenshot(path=str(SHOTS / f"console-{name}.png"))
    page.set_viewport_size(size)
