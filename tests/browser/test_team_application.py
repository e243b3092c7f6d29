"""A resident asks to join a team; the leader, on another phone, approves in place."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.teams.models import MEMBER_APPROVED, MEMBER_PENDING, Membership
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, log_in, set_marker

pytestmark = pytest.mark.browser


def membership_of(team, user) -> Membership | None:
    fresh_session()
    return db.session.scalar(
        select(Membership).where(Membership.team_id == team.id, Membership.user_id == user.id)
    )


def test_resident_applies_and_leader_approves(app, page, new_context):
    home = f.community()
    team = f.team(home, name="环保志愿服务队", kind="environment")
    leader = f.user(home, name="孙队长")
    f.member(team, leader, leader=True)
    resident = f.user(home, name="周阿姨")

    # The resident applies; the panel answers in place.
    log_in(page, resident)
    page.goto(f"/teams/{team.id}")
    panel = page.locator("#membership-panel")
    set_marker(page)
    panel.get_by_role("button", name="申请加入").click()
    expect(panel.get_by_role("status")).to_have_text("已提交申请，请等待队长审核")
    expect(panel).to_contain_text("已申请，等待队长审核")
    expect(panel.get_by_role("button", name="申请加入")).to_have_count(0)
    assert_no_page_load(page)
    assert membership_of(team, resident).status == MEMBER_PENDING

    # The leader, on their own phone, sees the application and approves it.
    leader_page = new_context().new_page()
    log_in(leader_page, leader)
    leader_page.get_by_role("navigation", name="主菜单").get_by_role("link", name="队伍").click()
    leader_page.get_by_role("link", name=re.compile("环保志愿服务队")).click()
    applications = leader_page.locator("#applications-panel")
    expect(applications.get_by_role("heading")).to_have_text("入队申请（1）")
    application = applications.locator(".application", has_text="周阿姨")
    expect(application).to_contain_text(resident.phone)
    set_marker(leader_page)
    application.get_by_role("button", name="同意").click()
    expect(applications.get_by_role("status")).to_have_text("已同意入队")
    expect(applications).to_contain_text("没有待审核的申请。")
    expect(applications.get_by_role("heading")).to_have_text("入队申请（0）")
    expect(applications.locator(".application")).to_have_count(0)
    assert_no_page_load(leader_page)
    approved = membership_of(team, resident)
    assert approved.status == MEMBER_APPROVED and approved.decided_by_id == leader.id

    # Back on the resident's phone: after a reload, they are in the team.
    page.reload()
    expect(page.locator("#membership-panel")).to_contain_text("您是本队队员")
    expect(page.get_by_role("button", name="退出队伍")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("队员名单"))).to_have_text("队员名单（2 人）")
