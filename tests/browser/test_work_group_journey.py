"""The team's work group at 360 px: a leader pastes the group robot's address into the team's settings, cancels an
activity through its page, and the next run-jobs delivers the post to the robot (a real local HTTP server) with the
activity's title, time and link."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shequ_volunteer.jobs.services import run_jobs
from shequ_volunteer.timeutil import format_local, to_local, utcnow
from tests import factories as f
from tests.browser.helpers import fresh_session, log_in
from tests.browser.test_layout import SMALL_PHONE, check_layout
from tests.support.robot_server import RobotServer
from tests.support.server import start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def robot_app_server(_migrated):
    """The app under gunicorn that accepts http://127.0.0.1 robot addresses (tests/support/robot_app.py)."""
    server = start_server(_migrated, app_module="tests.support.robot_app:app", workers=1, threads=4)
    yield server
    server.stop()


def test_a_leader_sets_the_work_group_cancels_an_activity_and_the_robot_gets_the_post(app, new_context,
                                                                                   robot_app_server):
    home = f.community()
    team = f.team(home, name="青年志愿服务队")
    leader = f.user(home, "李队长")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="周末清洁家园")
    with RobotServer() as robot:
        page = new_context(base_url=robot_app_server.base_url, **SMALL_PHONE).new_page()
        log_in(page, leader)
        page.goto(f"/teams/{team.id}")
        page.get_by_role("link", name="工作群设置").click()
        page.get_by_label("群机器人 Webhook 地址").fill(robot.url())
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#work-group-panel")).to_contain_text("已保存")
        expect(page.locator("#work-group-panel")).to_contain_text("…0001")  # shown masked
        check_layout(page, "the work group settings")

        page.goto(f"/activities/{activity.id}")
        page.get_by_role("button", name="取消这个活动").click()
        page.get_by_role("button", name="确定取消活动").click()
        expect(page.locator("h1")).to_have_text("周末清洁家园")
        expect(page.get_by_text("这个活动已取消。")).to_be_visible()
        assert robot.received == []  # the request only queued it

        fresh_session()
        report = run_jobs(utcnow())  # what `flask run-jobs` runs, at this instant
        assert report.outbox_sent == 1
        [post] = [payload["text"]["content"] for payload in robot.received]
        assert post.startswith("【青年志愿服务队】活动已取消：周末清洁家园")
        assert f"时间：{format_local(activity.starts_at)} – {to_local(activity.ends_at):%H:%M}" in post
        assert f"{robot_app_server.base_url}/activities/{activity.id}" in post
