"""A forgotten password, in Chromium at a phone's size: staff issue a reset code, the person enters it on
another phone, and the phone still logged in with the old password is logged out at its next tap."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import log_in
from tests.browser.test_layout import SMALL_PHONE, check_layout

pytestmark = pytest.mark.browser

NEW_PASSWORD = "new-pass-2026"


def test_a_reset_code_ends_the_old_session(app, new_context):
    home = f.community("幸福里社区")
    resident = f.user(home, name="钱大爷")
    staff = f.staff(home, name="王芳")

    old_phone = new_context().new_page()  # context A: the phone that was lost, still logged in
    log_in(old_phone, resident)
    old_phone.goto("/me/activities")
    expect(old_phone.locator(".site-footer")).to_contain_text("钱大爷")

    desk = new_context().new_page()  # staff at the community office
    log_in(desk, staff)
    desk.get_by_role("link", name="居民", exact=True).click()
    desk.get_by_label("姓名或手机号").fill("钱")
    desk.get_by_label("姓名或手机号").press("Enter")
    desk.locator("#people-list").get_by_role("link", name=re.compile("钱大爷")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("钱大爷")
    desk.get_by_label("同时停用他的日历订阅链接").check()
    desk.get_by_role("button", name="重设密码").click()
    slip = desk.locator(".slip")
    expect(slip).to_contain_text("幸福里社区")
    expect(slip).to_contain_text(resident.masked_phone)
    expect(desk.get_by_role("button", name="打印")).to_be_visible()
    code = slip.locator(".slip-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code), code
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390  # the slip fits the phone
    box = slip.locator(".slip-code").bounding_box()
    assert box["height"] < 80  # the code on one line, as it is read out and typed

    new_phone = new_context().new_page()  # context B: the person's new phone
    new_phone.goto("/login")
    new_phone.get_by_role("link", name="我有验证码，去设置密码").click()
    expect(new_phone.get_by_role("heading", level=1)).to_have_text("用验证码设置密码")
    new_phone.get_by_label("手机号", exact=True).fill(resident.phone)
    new_phone.get_by_label("验证码", exact=True).fill(code)
    new_phone.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    new_phone.get_by_label("再输一遍新密码", exact=True).fill(NEW_PASSWORD)
    new_phone.get_by_role("button", name="设置密码并登录").click()
    expect(new_phone).to_have_url(re.compile(r"/me/activities$"))
    expect(new_phone.locator(".alert-ok")).to_contain_text("其他手机上的登录都已退出")
    expect(new_phone.locator(".site-footer")).to_contain_text("钱大爷")

    old_phone.goto("/me/activities")  # the old phone's next navigation
    expect(old_phone).to_have_url(re.compile(r"/login\?"))
    expect(old_phone.get_by_role("heading", level=1)).to_have_text("登录")
    expect(old_phone.locator(".site-footer")).not_to_contain_text("钱大爷")


def test_the_people_pages_and_the_code_page_on_a_small_phone_without_javascript(app, new_context):
    """360 px, no JavaScript: no sideways scrolling, 18 px text, 44 px targets; issuing is a plain form."""
    home = f.community("幸福里社区党群服务中心所在的幸福里社区")
    staff = f.staff(home, name="欧阳建国")
    for n in range(3):
        f.user(home, name=f"欧阳长长的名字居民{n}")
    unopened = f.user(home, name="孙秀英")
    unopened.password_hash = ""
    db.session.commit()

    page = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    log_in(page, staff)
    page.goto("/people")
    check_layout(page, "居民名单")
    page.get_by_label("姓名或手机号").fill("孙")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#people-list .card")).to_have_count(1)
    page.get_by_role("link", name=re.compile("孙秀英")).click()
    # The link is a plain navigation: measure the person's page once it is there, not the list as it unloads.
    expect(page.get_by_role("heading", level=1)).to_have_text("孙秀英")
    check_layout(page, "居民页")
    page.get_by_role("button", name="开通账号").click()
    expect(page.locator(".slip-code")).to_have_text(re.compile(r"^\d{4} \d{4}$"))
    expect(page.get_by_role("button", name="打印")).to_be_hidden()  # needs JavaScript; the browser menu prints
    check_layout(page, "验证码单")

    page.goto("/account/code")
    check_layout(page, "用验证码设置密码")
