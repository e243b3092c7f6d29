"""Real Chromium (Debian's, never a downloaded one) driven by Playwright against the live server.

Every page is a phone: 390×844 CSS px, touch, zh-CN. Tests ask for `page` (one
phone) or call `new_context()` for a second person or another screen size.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(app, browser, live_server):
    """Factory for fresh browser contexts (separate cookies), all closed after the test.

    Depends on `app` so the tables are emptied before the browser sees anything.
    """
    contexts = []

    def make(**overrides):
        options = {**PHONE, "base_url": live_server.base_url, **overrides}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture(autouse=True, scope="session")
def _expect_timeout():
    expect.set_options(timeout=TIMEOUT_MS)
