"""A resident registers on a phone, filters the list, signs up and withdraws in place."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.accounts.privacy import PRIVACY_VERSION
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, SIGNUP_WITHDRAWN, Activity, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, set_marker

pytestmark = pytest.mark.browser

NEW_PHONE = "13812345678"


def test_resident_registers_filters_signs_up_and_withdraws(app, page):
    home = f.community()
    science = f.team(home, name="科普志愿服务队", kind="science")
    youth = f.team(home, name="青年志愿服务队", kind="youth")
    lecture = f.activity(science, title="垃圾分类科普讲座", capacity=10)
    f.activity(youth, title="周末清洁家园", capacity=None)

    # Anonymous visit: the home page lists both activities.
    page.goto("/")
    expect(page.get_by_role("heading", name="近期活动")).to_be_visible()
    activity_list = page.locator("#activity-list")
    expect(activity_list).to_contain_text("垃圾分类科普讲座")
    expect(activity_list).to_contain_text("周末清洁家园")

    # 登录 → 注册: one short form; with one community there is no community to choose.
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="登录").click()
    page.get_by_role("link", name="注册").click()
    expect(page.get_by_role("heading", name="注册")).to_be_visible()
    expect(page.locator("select[name=community_id]")).to_have_count(0)
    page.locator("input[name=phone]").fill(NEW_PHONE)
    page.locator("input[name=name]").fill("李秀英")
    page.locator("input[name=password]").fill("my-password-8")
    # Without agreeing to the privacy notice nothing is created, and what was typed stays.
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator("#agree-msg")).to_have_text("请先阅读并勾选同意《个人信息保护说明》")
    expect(page.locator("input[name=name]")).to_have_value("李秀英")
    page.locator("summary", has_text="个人信息保护说明").click()
    expect(page.locator(".privacy-notice")).to_contain_text("谁能看到")
    page.locator("input[name=password]").fill("my-password-8")
    page.get_by_label("我已阅读并同意《个人信息保护说明》").check()
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("欢迎您，李秀英！注册成功。")
    expect(page.locator(".site-footer")).to_contain_text("李秀英（居民）")
    nav = page.get_by_role("navigation", name="主菜单")
    expect(nav.get_by_role("link", name="我的活动")).to_be_visible()
    expect(nav.get_by_role("link", name="登录")).to_have_count(0)
    fresh_session()
    resident = db.session.scalar(select(User).where(User.phone == NEW_PHONE))
    assert resident is not None and resident.name == "李秀英" and resident.community_id == home.id
    assert resident.privacy_version == PRIVACY_VERSION and resident.privacy_agreed_at is not None

    # The team filter swaps only the list (no page load) and keeps the choice in the address.
    set_marker(page)
    page.locator("select[name=kind]").select_option(label="科普")
    expect(activity_list.get_by_text("周末清洁家园")).to_have_count(0)
    expect(activity_list).to_contain_text("垃圾分类科普讲座")
    expect(page).to_have_url(re.compile(r"[?&]kind=science\b"))
    assert_no_page_load(page)
    expect(page.locator("select[name=kind]")).to_have_value("science")

    # Open the activity and sign up: the panel changes in place.
    activity_list.get_by_role("link", name=re.compile("垃圾分类科普讲座")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("垃圾分类科普讲座")
    panel = page.locator("#signup-panel")
    expect(panel).to_contain_text("剩余 10 / 10 个名额")
    set_marker(page)
    panel.get_by_role("button", name="我要报名").click()
    expect(panel).to_contain_text("报名成功")
    expect(panel).to_contain_text("剩余 9 / 10 个名额")
    expect(panel).to_contain_text("您已报名")
    assert_no_page_load(page)
    fresh_session()
    assert db.session.get(Activity, lecture.id).seats_taken == 1
    signup = db.session.scalar(select(Signup).where(Signup.user_id == resident.id))
    assert signup.activity_id == lecture.id and signup.status == SIGNUP_CONFIRMED

    # Withdraw: first what it means, in place; confirmed, the place comes back.
    panel.get_by_role("button", name="取消报名").click()
    expect(panel).to_contain_text("名额会马上让给别人")
    expect(panel.get_by_role("link", name="返回")).to_be_visible()
    panel.get_by_role("button", name="确定取消报名").click()
    expect(panel).to_contain_text("已取消报名")
    expect(panel).to_contain_text("剩余 10 / 10 个名额")
    expect(panel.get_by_role("button", name="我要报名")).to_be_visible()
    assert_no_page_load(page)
    fresh_session()
    assert db.session.get(Activity, lecture.id).seats_taken == 0
    assert db.session.get(Signup, signup.id).status == SIGNUP_WITHDRAWN

    # Nothing left under 我的活动; after signing up again, the activity is there.
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的活动").click()
    expect(page).to_have_url(re.compile(r"/me/activities$"))
    expect(page.get_by_role("heading", name="我的活动")).to_be_visible()
    expect(page.locator("main")).to_contain_text("还没有报名活动")
    page.go_back()
    page.reload()  # the history snapshot may predate the withdrawal; the server's word counts
    page.locator("#signup-panel").get_by_role("button", name="我要报名").click()
    expect(page.locator("#signup-panel")).to_contain_text("报名成功")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的活动").click()
    mine = page.locator("main")
    expect(mine.get_by_role("heading", name="将要参加")).to_be_visible()
    expect(mine.locator(".card")).to_have_count(1)
    expect(mine.locator(".card")).to_contain_text("垃圾分类科普讲座")
    expect(mine.locator(".card")).to_contain_text("社区活动室")
