"""Real taps at 360 px: 我的资料 changes the name in place, then 注销 asks, takes the password and ends
with the person logged out on a page that says it is done."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, log_in, set_marker
from tests.browser.test_layout import SMALL_PHONE, check_layout

pytestmark = pytest.mark.browser


def test_change_the_name_then_close_the_account(app, new_context):
    home = f.community()
    person = f.user(home, name="欧阳测试", phone="13987650321")
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, person)
    page.goto("/me/data")
    expect(page.get_by_role("heading", name="个人资料")).to_be_visible()
    check_layout(page, "我的信息")

    page.get_by_role("link", name="我的资料", exact=True).click()
    expect(page.get_by_role("heading", name="我的资料")).to_be_visible()
    check_layout(page, "我的资料")
    set_marker(page)
    page.get_by_label("姓名").fill("欧阳新名")
    page.get_by_role("button", name="保存姓名").click()
    expect(page.locator("#name-panel")).to_contain_text("姓名已改好")
    assert_no_page_load(page)

    page.get_by_role("button", name="注销我的账号…").click()
    expect(page.locator("#close-panel")).to_contain_text("不能恢复")
    check_layout(page, "注销: the confirmation")
    fresh_session()
    assert db.session.get(User, person.id).closed_at is None  # asking changed nothing
    page.locator("#close_current_password").fill(f.PASSWORD)
    page.get_by_role("button", name="确认注销，不能恢复").click()

    expect(page).to_have_url(re.compile(r"/account-closed$"))
    expect(page.locator("main")).to_contain_text("您的账号已注销")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    check_layout(page, "注销: done")
    fresh_session()
    closed = db.session.get(User, person.id)
    assert closed.closed_at is not None and closed.name == "已注销用户"
