"""Going live, from an empty database, at a phone's size (issue 11 item 7): `flask create-admin` → the
administrator sets up the 街道, a community and its staff → staff make a team and its leader → the leader
publishes an activity → staff register an elderly resident for it (代报名) and open her account with a
code → on her own phone she sets a password and finds the sign-up made for her → she forgets it, staff
issue a reset code, and her old session is gone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import to_local, utcnow
from tests.browser.helpers import fresh_session, log_in

pytestmark = pytest.mark.browser

ADMIN = SimpleNamespace(phone="13900000000", name="张明", password="admin-pass-2026")
STAFF = SimpleNamespace(phone="13900000001", name="王芳", password="staff-pass-2026")
LEADER = SimpleNamespace(phone="13900000002", name="赵队长", password="leader-pass-2026")
ELDER = SimpleNamespace(phone="13900000003", name="孙秀英", password="elder-pass-2026")
ACTIVITY = "重阳节包饺子"


def register(page: Page, person) -> None:
    """A person registers themselves in the browser (the only community is chosen for them)."""
    page.goto("/register")
    page.get_by_label("手机号", exact=True).fill(person.phone)
    page.get_by_label("姓名", exact=True).fill(person.name)
    page.get_by_label("密码", exact=True).fill(person.password)
    page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".site-footer")).to_contain_text(person.name)


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name, exact=True).click()


def issue_code(desk: Page, person, button: str) -> str:
    """Staff find the person on 居民, press the button, and read the code off the slip."""
    menu(desk, "居民")
    desk.get_by_label("姓名或手机号").fill(person.name[:1])
    desk.get_by_label("姓名或手机号").press("Enter")
    desk.locator("#people-list").get_by_role("link", name=re.compile(person.name)).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(person.name)
    desk.get_by_role("button", name=button).click()
    code = desk.locator(".slip-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code), code
    return code


def enter_code(page: Page, person, code: str, *, opening: bool) -> None:
    page.goto("/login")
    page.get_by_role("link", name="我有验证码，去设置密码").click()
    page.get_by_label("手机号", exact=True).fill(person.phone)
    page.get_by_label("验证码", exact=True).fill(code)
    page.get_by_label("新密码", exact=True).fill(person.password)
    page.get_by_label("再输一遍新密码", exact=True).fill(person.password)
    if opening:
        page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    page.get_by_role("button", name="设置密码并登录").click()
    expect(page).to_have_url(re.compile(r"/me/activities$"))
    expect(page.locator(".site-footer")).to_contain_text(person.name)


def test_from_an_empty_database_to_a_resident_who_recovers_her_account(app, runner, new_context):
    fresh_session()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0

    # On the server: the first administrator.
    result = runner.invoke(args=["create-admin", "--phone", ADMIN.phone, "--name", ADMIN.name],
                           input=f"{ADMIN.password}\n")
    assert result.exit_code == 0, result.output

    # The administrator sets up the 街道 and its first community.
    admin = new_context().new_page()
    log_in(admin, ADMIN, ADMIN.password)
    menu(admin, "街道管理")
    admin.get_by_label("街道名称").fill("东湖街道")
    admin.get_by_role("button", name="建立街道").click()
    admin.get_by_role("link", name="新建社区").click()
    admin.get_by_label("社区名称").fill("幸福里社区")
    admin.get_by_label("地址（印在门卡和通知上）").fill("东湖路幸福里8号")
    admin.get_by_label("服务热线").fill("027-87654321")
    admin.get_by_role("button", name="保存").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("幸福里社区")

    # The future staff member registers on her phone; the administrator appoints her.
    desk = new_context().new_page()
    register(desk, STAFF)
    admin.get_by_label("手机号").fill(STAFF.phone)
    admin.get_by_role("button", name="任命", exact=True).click()
    expect(admin.locator("main")).to_contain_text(f"{STAFF.name}（")

    # Staff create a team and make a registered resident its leader.
    leader = new_context().new_page()
    register(leader, LEADER)
    desk.reload()
    menu(desk, "队伍")
    desk.get_by_role("link", name="新建队伍").click()
    desk.get_by_label("队伍名称").fill("老年志愿服务队")
    desk.get_by_label("类型").select_option(label="老年")
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("老年志愿服务队")
    desk.get_by_label("队长手机号").fill(LEADER.phone)
    desk.get_by_role("button", name="设为队长").click()
    expect(desk.locator("main")).to_contain_text("赵队长")

    # The leader publishes an activity.
    day = (to_local(utcnow()) + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0, tzinfo=None)
    leader.reload()
    menu(leader, "队伍")
    leader.get_by_role("link", name=re.compile("老年志愿服务队")).click()
    leader.get_by_role("link", name="新建活动").click()
    leader.get_by_label("活动名称").fill(ACTIVITY)
    leader.get_by_label("开始时间").fill(f"{day:%Y-%m-%dT%H:%M}")
    leader.get_by_label("结束时间").fill(f"{day + timedelta(hours=2):%Y-%m-%dT%H:%M}")
    leader.get_by_label("地点").fill("社区活动室")
    leader.get_by_label("名额").fill("20")
    leader.get_by_role("button", name="发布活动").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text(ACTIVITY)
    activity_url = leader.url

    # Staff register an elderly resident for it on her behalf (代报名): she has no login yet.
    desk.goto(activity_url)
    desk.get_by_role("link", name="代报名").click()
    desk.get_by_label("姓名", exact=True).fill(ELDER.name)
    desk.get_by_label("手机号（可填家属的）").fill(ELDER.phone)
    desk.get_by_role("button", name="登记并报名").click()
    expect(desk.get_by_role("status")).to_contain_text(f"已为{ELDER.name}报名")

    # ... and open her account with a code, which she enters on her own phone.
    code = issue_code(desk, ELDER, "开通账号")
    expect(desk.locator(".slip")).to_contain_text("幸福里社区")
    her_phone = new_context().new_page()
    enter_code(her_phone, ELDER, code, opening=True)
    expect(her_phone.locator("main")).to_contain_text(ACTIVITY)  # the sign-up made for her is hers
    expect(her_phone.locator("main")).to_contain_text(f"{day.month}月{day.day}日")

    # She forgets her password: staff check who she is and issue a reset code; her phone is logged out at once.
    desk.goto("/people")
    code = issue_code(desk, ELDER, "重设密码")
    her_phone.goto("/me/activities")
    expect(her_phone).to_have_url(re.compile(r"/login\?"))
    ELDER.password = "elder-pass-2027"
    new_phone = new_context().new_page()
    enter_code(new_phone, ELDER, code, opening=False)
    expect(new_phone.locator("main")).to_contain_text(ACTIVITY)

    fresh_session()
    elder = db.session.scalar(select(User).where(User.phone == ELDER.phone))
    assert elder.can_log_in and elder.privacy_version is not None
    assert isinstance(elder.privacy_agreed_at, datetime)
