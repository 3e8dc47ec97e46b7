"""The browser and the web's address, shared by every browser test in this folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from config.settings import Settings
from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, CSP_VIOLATIONS


@pytest.fixture(scope="module")
def base_url(settings: Settings) -> str:
    return settings.api_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: ./mizan installs Debian's chromium package")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _pages_keep_to_their_policy() -> Iterator[None]:
    """Every browser test also checks that Mizan's pages ran within their Content-Security-Policy."""
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []
