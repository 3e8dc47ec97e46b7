"""The web in a real browser: Debian's Chromium (headless) through Playwright, a login through
Keycloak's own page as a demo user, and full-page screenshots into tests/artifacts/web/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, ViewportSize, expect

from infra.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
TABLET: ViewportSize = {"width": 820, "height": 1180}  # a tablet held upright
PHONE: ViewportSize = {"width": 390, "height": 844}


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


#: the screenshots the README shows: a run rewrites them only when asked (MIZAN_DOCS_SCREENSHOTS=1), so that the
#: suite leaves the working tree as it found it; every run writes them to the artifacts folder with the others
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def docs_shot(page: Page, name: str) -> None:
    shot(page, name)
    if os.environ.get("MIZAN_DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / f"{name}.png", DOCS_SCREENSHOTS / f"{name}.png")


#: what the browser refused on Mizan's pages under their Content-Security-Policy (tests/web/conftest.py fails
#: the test that met any)
CSP_VIOLATIONS: list[str] = []


def _watch_policy(page: Page) -> None:
    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text and "/realms/" not in (message.location or {}).get("url", ""):
            CSP_VIOLATIONS.append(f"{page.url} ({message.location}): {message.text}")

    page.on("console", note)


def new_context(browser: Browser, viewport: ViewportSize = DESKTOP) -> BrowserContext:
    context = browser.new_context(viewport=viewport, locale="ar-LY", timezone_id="Africa/Tripoli")
    context.on("page", _watch_policy)
    return context


def login(browser: Browser, base_url: str, username: str, viewport: ViewportSize = DESKTOP
          ) -> tuple[BrowserContext, Page]:
    """A fresh browser context logged in as `username`, on the page the web lands them on."""
    context = new_context(browser, viewport)
    page = context.new_page()
    page.goto(f"{base_url}/web/")
    expect(page.locator("#username")).to_be_visible()  # Keycloak's own login page
    assert "/realms/mizan/" in page.url
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#kc-login")
    page.wait_for_url(f"{base_url}/web/**")
    return context, page


def fits_the_width(page: Page) -> bool:
    """No sideways scrolling: the page is no wider than the window."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
