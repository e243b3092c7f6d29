"""我的消息 at 360 px: a leader moves an activity and the resident's unread count rises on the page she is on,
without a reload; a leader cancels an activity with a 代报名 elder and phones her from the call list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.messages.models import PhoneCall
from shequ_volunteer.timeutil import format_local, to_local
from tests import factories as f
from tests.browser.helpers import (
    assert_no_page_load,
    log_in,
    phone_the_only_one_on_the_call_list,
    set_marker,
    team_leader_and_unreachable_elder,
)
from tests.support.server import start_server

pytestmark = pytest.mark.browser
NARROW = {"viewport": {"width": 360, "height": 740}}


@pytest.fixture(scope="module")
def quick_server(_migrated):
    """A server whose pages ask for the unread count every 2 s (60 s in production), so the test need not
    wait a minute; everything else as served."""
    server = start_server(_migrated, workers=1, threads=4, extra_env={"UNREAD_POLL_SECONDS": "2"})
    yield server
    server.stop()


def local_input(moment) -> str:
    return f"{to_local(moment):%Y-%m-%dT%H:%M}"


def test_a_moved_activity_raises_the_count_without_a_reload(app, new_context, quick_server):
    home = f.community()
    team = f.team(home)
    leader, resident = f.user(home, "李队长"), f.user(home, "王阿姨")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="重阳敬老", starts_in=timedelta(days=5))
    f.signup(activity, resident)
    old = activity.starts_at

    her = new_context(base_url=quick_server.base_url, **NARROW).new_page()
    log_in(her, resident)
    her.goto("/activities")
    badge = her.locator("#unread-count")
    expect(badge).to_be_hidden()  # nothing unread
    set_marker(her)

    organiser = new_context(base_url=quick_server.base_url, **NARROW).new_page()
    log_in(organiser, leader)
    organiser.goto(f"/activities/{activity.id}/edit")
    new = old + timedelta(days=1, hours=1)
    organiser.get_by_label("开始时间").fill(local_input(new))
    organiser.get_by_label("结束时间").fill(local_input(new + timedelta(hours=2)))
    organiser.get_by_role("button", name="保存修改").click()
    expect(organiser).to_have_url(re.compile(rf"/activities/{activity.id}$"))

    expect(badge).to_have_text(re.compile(r"^1"))  # polled in place
    assert_no_page_load(her)
    box = badge.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740 and box["x"] + box["width"] <= 360  # no scrolling

    her.locator(".site-nav").get_by_role("link", name=re.compile("我的消息")).click()
    item = her.locator(".inbox-item").first
    expect(item).to_contain_text(f"时间：{format_local(old)} → {format_local(new)}")
    item.get_by_role("link").click()
    expect(her).to_have_url(re.compile(rf"/activities/{activity.id}$"))
    expect(her.locator("#unread-count")).to_be_hidden()  # read now


def test_the_call_list_shows_the_elder_until_she_is_phoned(app, new_context):
    team, leader, elder = team_leader_and_unreachable_elder("13900000001")
    activity = f.activity(team, title="社区义诊")
    f.signup(activity, elder)

    page = new_context(**NARROW).new_page()
    log_in(page, leader)
    page.goto(f"/activities/{activity.id}")
    page.get_by_role("button", name="取消这个活动").click()
    page.get_by_role("button", name="确定取消活动").click()
    phone_the_only_one_on_the_call_list(page, "郑奶奶", "13900000001", "#organiser-panel")
    call = db.session.scalar(select(PhoneCall))
    assert call.called_by_id == leader.id and call.called_at is not None
