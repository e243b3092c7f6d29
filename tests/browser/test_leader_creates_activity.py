"""A team leader publishes an activity from a phone; a wrong time is explained next to the field."""
import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import from_local, to_local, utcnow
from tests import factories as f
from tests.browser.helpers import fresh_session, log_in

pytestmark = pytest.mark.browser

TITLE = "重阳节敬老探访"


def local_input(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M}"


def test_leader_creates_activity_after_fixing_the_end_time(app, page):
    home = f.community()
    team = f.team(home, name="老年志愿服务队", kind="elderly")
    leader = f.user(home, name="赵队长")
    f.member(team, leader, leader=True)
    day = (to_local(utcnow()) + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0,
                                                            tzinfo=None)

    log_in(page, leader)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="队伍").click()
    page.get_by_role("link", name=re.compile("老年志愿服务队")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("老年志愿服务队")
    page.get_by_role("link", name="新建活动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建活动")

    # First try: the end is before the start.
    page.get_by_label("活动名称").fill(TITLE)
    page.get_by_label("开始时间").fill(local_input(day))
    page.get_by_label("结束时间").fill(local_input(day - timedelta(hours=1)))
    page.get_by_label("地点").fill("幸福里3号楼")
    page.get_by_label("名额").fill("12")
    page.get_by_role("button", name="发布活动").click()

    expect(page.get_by_role("alert")).to_have_text("请按红字提示修改后再提交。")
    ends_field = page.locator(".field", has=page.get_by_label("结束时间"))
    expect(ends_field.locator(".field-msg")).to_have_text("结束时间要晚于开始时间")
    expect(page.get_by_label("结束时间")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("活动名称")).to_have_value(TITLE)
    expect(page.get_by_label("地点")).to_have_value("幸福里3号楼")
    expect(page.get_by_label("名额")).to_have_value("12")
    fresh_session()
    assert db.session.scalar(select(Activity).where(Activity.title == TITLE)) is None

    # Second try: two hours later it ends, and the activity is published.
    page.get_by_label("结束时间").fill(local_input(day + timedelta(hours=2)))
    page.get_by_role("button", name="发布活动").click()

    expect(page).to_have_url(re.compile(r"/activities/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_have_text("活动已发布")
    expect(page.locator(".facts")).to_contain_text("幸福里3号楼")
    expect(page.locator(".facts")).to_contain_text(f"{day.month}月{day.day}日")
    expect(page.locator(".facts")).to_contain_text("09:00 – 11:00")
    expect(page.locator("#signup-panel")).to_contain_text("剩余 12 / 12 个名额")
    expect(page.get_by_role("heading", name="组织者")).to_be_visible()

    fresh_session()
    created = db.session.scalar(select(Activity).where(Activity.title == TITLE))
    assert created.team_id == team.id and created.created_by_id == leader.id
    assert created.starts_at == from_local(day)  # entered in Beijing time, stored in UTC
    assert created.ends_at == from_local(day + timedelta(hours=2))
    assert created.capacity == 12 and created.place == "幸福里3号楼"
    assert page.url.endswith(f"/activities/{created.id}")
