"""Small actions shared by the browser tests."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from shequ_volunteer.extensions import db
from tests import factories as f


def log_in(page: Page, user, password: str = f.PASSWORD) -> None:
    """Log in through the real /login form, as a person would."""
    page.goto("/login")
    page.get_by_label("手机号", exact=True).fill(user.phone)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".site-footer")).to_contain_text(user.name)


def set_marker(page: Page) -> None:
    """Put a value on `window` that any full page load would wipe out.

    Waits for the load event first: by then htmx (a deferred script) has wired up the
    page, so the next tap goes through htmx rather than a plain form submit.
    """
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.htmx") == "object", "htmx is not loaded"
    page.evaluate("window.__marker = 1")


def assert_no_page_load(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of swapped in place"


def fresh_session() -> None:
    """See what the server committed since: end the test's read transaction, forget cached rows.

    expire_all() alone is not enough on SQLite (WAL): an open read transaction keeps
    reading its old snapshot.
    """
    db.session.rollback()
    db.session.expire_all()
