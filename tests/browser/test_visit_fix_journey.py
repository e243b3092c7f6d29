"""A volunteer on a 360 px phone corrects a mistyped visit date, then deletes a visit logged for the wrong
household, with its confirmation; each screen keeps 18 px text and 44 px tap targets."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, Pairing, Visit
from tests import factories as f
from tests.browser.helpers import fresh_session, log_in
from tests.browser.test_layout import SMALL_PHONE, check_layout
from tests.browser.test_pairing_layout import small_targets

pytestmark = pytest.mark.browser


def fits(page, what: str) -> None:
    check_layout(page, what)
    assert small_targets(page) == [], what


def test_volunteer_corrects_a_date_then_deletes_a_visit_after_confirming(app, new_context):
    home = f.community()
    staff, helper = f.staff(home, "王芳"), f.user(home, "张志愿")
    household = f.paired_household(home, staff, helpers=[helper], head_name="刘奶奶", last_visit=f.days_ago(40))
    pairing_id = db.session.scalar(select(Visit.pairing_id).where(Visit.household_id == household.id))
    mistyped = f.visit(db.session.get(Pairing, pairing_id), helper, f.days_ago(1), note="量了血压")
    wrong = f.visit(db.session.get(Pairing, pairing_id), helper, f.days_ago(0), note="其实去的是隔壁")
    mistyped_id, wrong_id = mistyped.id, wrong.id
    really_on = f.beijing_today() - timedelta(days=3)

    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, helper)
    page.goto(f"/households/{household.id}")
    fits(page, "household page with 更正/删除")
    visit_card = page.locator(".application", has_text="量了血压")
    visit_card.get_by_role("link", name="更正").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("更正探访记录")
    fits(page, "correction form")
    page.get_by_label("探访日期").fill((f.beijing_today() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="保存更正").click()
    expect(page.locator("#visited_on-msg")).to_contain_text("不能晚于记录探访的那一天")
    expect(page.get_by_label("时长（分钟）")).to_have_value("30")  # what was there is kept
    page.get_by_label("探访日期").fill(really_on.isoformat())
    page.get_by_role("button", name="保存更正").click()
    expect(page.get_by_role("status")).to_contain_text("已更正探访记录")
    fresh_session()
    assert db.session.get(Visit, mistyped_id).visited_on == really_on
    page.get_by_role("link", name="返回这户").click()

    page.locator(".application", has_text="其实去的是隔壁").get_by_role("link", name="删除").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("删除探访记录")
    fits(page, "delete page")
    page.get_by_role("button", name="删除这条记录").click()
    expect(page.locator("#reason-msg")).to_contain_text("请选择删除的原因")
    page.get_by_label("选错了帮扶对象").check()
    page.get_by_role("button", name="删除这条记录").click()
    expect(page.get_by_role("button", name="确定删除")).to_be_visible()
    fits(page, "delete confirmation")
    fresh_session()
    assert db.session.get(Visit, wrong_id) is not None  # asking changed nothing
    page.get_by_role("button", name="确定删除").click()
    expect(page.get_by_role("status")).to_contain_text("已删除这条探访记录")
    fresh_session()
    assert db.session.get(Visit, wrong_id) is None
    assert db.session.get(Household, household.id).last_visit_on == f.beijing_today() - timedelta(days=3)
    page.get_by_role("link", name="返回这户").click()
    expect(page.locator("main")).not_to_contain_text("其实去的是隔壁")
