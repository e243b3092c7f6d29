"""On a 360 px phone: staff post a community notice; an anonymous visitor sees it at the top of the home page,
and its A4 print page carries the large QR code to it. A leader posts a team notice and ticks 已电话通知 for the
member it cannot reach, in place."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.messages.models import PhoneCall
from tests import factories as f
from tests.browser.helpers import log_in, phone_the_only_one_on_the_call_list, team_leader_and_unreachable_elder
from tests.browser.test_layout import SMALL_PHONE, check_layout

pytestmark = pytest.mark.browser


def test_staff_post_a_community_notice_and_a_visitor_sees_it_and_its_print_page(app, new_context):
    home = f.community()
    staff = f.staff(home)
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, staff)
    page.goto("/")
    page.get_by_role("link", name="发社区公告").click()
    page.get_by_label("标题").fill("周六停水通知")
    page.get_by_label("内容").fill("本周六上午9点至12点停水，请提前储水。")
    page.get_by_label("置顶").check()
    check_layout(page, "the notice form")
    page.get_by_role("button", name="发出公告").click()
    expect(page.get_by_role("heading", name="已读 0 / 1")).to_be_visible()
    expect(page.locator("#notice-group-text")).to_contain_text("周六停水通知")
    check_layout(page, "the notice page")

    visitor = new_context(**SMALL_PHONE).new_page()
    visitor.goto("/")
    card = visitor.locator(".notice-card").first
    expect(card).to_contain_text("周六停水通知")
    expect(card).to_contain_text("置顶")
    check_layout(visitor, "the home page with a notice")
    card.click()
    expect(visitor.locator(".notice-body")).to_contain_text("请提前储水")
    visitor.get_by_role("link", name="打印公告").click()
    expect(visitor.locator(".notice-print h1")).to_have_text("周六停水通知")
    qr = visitor.locator(".notice-print .qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200  # large enough to scan from a stairwell board


def test_a_leader_posts_a_team_notice_and_phones_the_member_it_cannot_reach(app, new_context):
    team, leader, elder = team_leader_and_unreachable_elder("13700001234")
    f.member(team, elder)
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, leader)
    page.goto(f"/teams/{team.id}")
    page.get_by_role("link", name="发队伍公告").click()
    page.get_by_label("标题").fill("周五例会")
    page.get_by_label("内容").fill("周五晚7点在活动室开会。")
    page.get_by_role("button", name="发出公告").click()
    expect(page.locator(".call-list")).to_contain_text("请电话通知（1 人）")
    check_layout(page, "the notice page with its call list")
    phone_the_only_one_on_the_call_list(page, "郑奶奶", "13700001234", "#notice")
    call = db.session.scalar(select(PhoneCall))
    assert (call.user_id, call.called_by_id) == (elder.id, leader.id) and call.called_at is not None
