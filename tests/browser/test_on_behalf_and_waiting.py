"""Staff sign up a resident without a phone (代报名), and a waiting list moves up when someone cancels."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, log_in, set_marker

pytestmark = pytest.mark.browser


def test_staff_signs_up_a_resident_by_name(app, page):
    home = f.community()
    staff = f.staff(home, name="王社工")
    f.user(home, name="孙奶奶")
    activity = f.activity(f.team(home), title="重阳节敬老联欢", capacity=20)

    log_in(page, staff)
    page.goto(f"/activities/{activity.id}")
    page.get_by_role("link", name="代报名").click()
    set_marker(page)
    page.get_by_label("姓名或手机号").fill("孙")
    results = page.locator("#search-results")
    expect(results).to_contain_text("孙奶奶")  # htmx searched while typing
    assert_no_page_load(page)
    results.get_by_role("button", name="为孙奶奶报名").click()
    expect(page.get_by_role("status")).to_contain_text("已为孙奶奶报名（1人）")
    expect(page.locator(".roster")).to_contain_text("王社工代报名")

    # Someone not registered at all: name and a family member's phone.
    page.get_by_label("姓名", exact=True).fill("钱大爷")
    page.get_by_label("手机号（可填家属的）").fill("13800138000")
    page.get_by_role("button", name="登记并报名").click()
    expect(page.get_by_role("status")).to_contain_text("已为钱大爷报名（1人）")
    fresh_session()
    assert len(db.session.scalars(select(Signup).where(Signup.entered_by_id == staff.id)).all()) == 2


def test_waiting_list_promotes_when_someone_cancels(app, page, new_context):
    home = f.community()
    first, second = f.user(home, name="王阿姨"), f.user(home, name="赵大爷")
    activity = f.activity(f.team(home), title="小班书法课", capacity=1)

    log_in(page, first)
    page.goto(f"/activities/{activity.id}")
    page.get_by_role("button", name="我要报名").click()
    expect(page.locator("#signup-panel")).to_contain_text("您已报名")

    other = new_context().new_page()
    log_in(other, second)
    other.goto(f"/activities/{activity.id}")
    panel = other.locator("#signup-panel")
    expect(panel).to_contain_text("已满，可候补")
    set_marker(other)
    panel.get_by_role("button", name="加入候补").click()
    expect(panel).to_contain_text("候补中：第 1 位")
    assert_no_page_load(other)

    page.locator("#signup-panel").get_by_role("button", name="取消报名").click()
    page.locator("#signup-panel").get_by_role("button", name="确定取消报名").click()
    expect(page.locator("#signup-panel")).to_contain_text("已取消报名")

    other.goto("/me/activities")
    expect(other.locator("main")).to_contain_text("候补已递补，已报名")
    fresh_session()
    signup = db.session.scalar(select(Signup).where(Signup.user_id == second.id))
    assert signup.status == SIGNUP_CONFIRMED and signup.promoted_at is not None
