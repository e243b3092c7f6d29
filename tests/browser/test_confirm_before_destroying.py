"""Real taps: 取消这个活动 asks first and says who will see it, 恢复活动 undoes it; without
JavaScript, 取消报名 is a confirmation page with a 返回 link."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import fresh_session, log_in

pytestmark = pytest.mark.browser


def test_leader_cancels_after_confirming_then_restores(app, page):
    home = f.community()
    team = f.team(home)
    leader = f.user(home, name="李建国")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="楼道清理", capacity=30)
    for i in range(21):
        f.signup(activity, f.user(home, name=f"居民{i}"))

    log_in(page, leader)
    page.goto(f"/activities/{activity.id}")
    page.get_by_role("button", name="取消这个活动").click()
    expect(page.locator("main")).to_contain_text("21 人已报名，将看到活动已取消")
    fresh_session()
    assert not db.session.get(Activity, activity.id).is_cancelled  # asking changed nothing
    page.get_by_role("button", name="确定取消活动").click()
    expect(page).to_have_url(re.compile(rf"/activities/{activity.id}$"))
    expect(page.locator("main")).to_contain_text("这个活动已取消")

    page.get_by_role("button", name="恢复活动").click()
    expect(page.locator("main")).to_contain_text("活动已恢复")
    expect(page.get_by_role("button", name="取消这个活动")).to_be_visible()
    fresh_session()
    restored = db.session.get(Activity, activity.id)
    assert not restored.is_cancelled and restored.seats_taken == 21


def test_withdrawing_without_javascript_asks_first(app, new_context):
    home = f.community()
    team = f.team(home)
    resident = f.user(home, name="张秀英")
    activity = f.activity(team, title="垃圾分类科普讲座")
    f.signup(activity, resident)
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, resident)
    page.goto(f"/activities/{activity.id}")
    page.get_by_role("button", name="取消报名").click()
    expect(page.locator("main")).to_contain_text("名额会马上让给别人")
    page.get_by_role("link", name="返回").click()
    expect(page.locator("#signup-panel")).to_contain_text("您已报名")
    page.get_by_role("button", name="取消报名").click()
    page.get_by_role("button", name="确定取消报名").click()
    expect(page.locator("main")).to_contain_text("已取消报名")
    fresh_session()
    assert db.session.get(Activity, activity.id).seats_taken == 0
