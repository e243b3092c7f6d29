"""Small actions shared by the browser tests."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from shequ_volunteer.accounts.services import register_on_behalf
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
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


def phone_the_only_one_on_the_call_list(page: Page, name: str, phone: str, panel: str) -> None:
    """The call list shows `name` with a tel: link to `phone`; 已电话通知 swaps `panel` in place (htmx), saying so,
    and the list is gone, everyone being ticked. What was recorded is the caller's to check."""
    calls = page.locator(".call-list")
    expect(calls).to_contain_text(name)
    expect(calls.get_by_role("link", name=phone)).to_have_attribute("href", f"tel:{phone}")
    set_marker(page)
    calls.get_by_role("button", name="已电话通知").click()
    expect(page.locator(panel)).to_contain_text("已记下电话通知")
    expect(page.locator(".call-list")).to_have_count(0)
    assert_no_page_load(page)
    fresh_session()


def team_leader_and_unreachable_elder(phone: str):
    """(team, its leader 李队长, 郑奶奶): she was registered by 代报名 with `phone` (a family's) and has no login, so no
    message reaches her — she is to be phoned."""
    home = f.community()
    team = f.team(home)
    leader = f.user(home, "李队长")
    f.member(team, leader, leader=True)
    elder = register_on_behalf(phone, "郑奶奶", home.id, utcnow())
    db.session.commit()
    return team, leader, elder
