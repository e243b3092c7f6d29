"""The outbox against a real local robot server: what is posted, retries with backoff, giving up, and two
delivery runs at once never sending one row twice."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.outbox import delivery
from shequ_volunteer.outbox.models import FAILED, PENDING, SENT, OutboxMessage
from shequ_volunteer.outbox.services import queue_for_team, queue_sms
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.robot_server import RobotServer


@pytest.fixture
def robot():
    with RobotServer() as server:
        yield server


def _team_with_hook(url: str):
    team = f.team(f.community())
    team.webhook_url = url
    db.session.commit()
    return team


def _rows():
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_wecom_post_reaches_the_robot_as_its_json_text(app, robot):
    now = utcnow()
    team = _team_with_hook(robot.url())
    queue_for_team(team, "【青年志愿服务队】新活动：周末清洁家园", now)
    db.session.commit()
    assert delivery.deliver_due(now) == 1
    assert robot.received == [{"msgtype": "text", "text": {"content": "【青年志愿服务队】新活动：周末清洁家园"}}]
    [row] = _rows()
    assert (row.state, row.attempts, row.sent_at, row.channel) == (SENT, 1, now, "wecom")
    assert delivery.deliver_due(now + timedelta(hours=1)) == 0 and len(robot.received) == 1


def test_a_dingtalk_robot_gets_its_text_format_on_its_path(app, robot):
    now = utcnow()
    team = _team_with_hook(robot.url("/dingtalk/robot/send?access_token=abc"))
    queue_for_team(team, "活动已取消", now)
    db.session.commit()
    assert delivery.deliver_due(now) == 1
    assert robot.paths == ["/dingtalk/robot/send?access_token=abc"]
    assert robot.received == [{"msgtype": "text", "text": {"content": "活动已取消"}}]
    assert _rows()[0].channel == "dingtalk"


@pytest.mark.parametrize("mode, reason", [("error", "HTTP 500"), ("refuse", "errcode 93000"), ("slow", "连接失败")])
def test_a_failure_is_recorded_and_retried_after_the_backoff(app, robot, mode, reason):
    app.config["OUTBOX_TIMEOUT_SECONDS"] = 0.3
    robot.mode = mode
    now = utcnow()
    team = _team_with_hook(robot.url())
    queue_for_team(team, "新活动", now)
    db.session.commit()
    assert delivery.deliver_due(now) == 0
    [row] = _rows()
    assert (row.state, row.attempts, row.next_attempt_at) == (PENDING, 1, now + delivery.BACKOFF[0])
    assert reason in row.last_error and "127.0.0.1" not in row.last_error and "key" not in row.last_error
    assert delivery.deliver_due(now + timedelta(seconds=59)) == 0 and len(robot.received) == 1  # not yet due
    robot.mode = "ok"
    assert delivery.deliver_due(now + delivery.BACKOFF[0]) == 1
    [row] = _rows()
    assert (row.state, row.attempts, row.last_error) == (SENT, 2, "")


def test_after_the_last_attempt_it_is_given_up_with_the_reason(app, robot):
    robot.mode = "error"
    now = utcnow()
    queue_for_team(_team_with_hook(robot.url()), "新活动", now)
    db.session.commit()
    for _attempt in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_due(now)
        now = _rows()[0].next_attempt_at
    [row] = _rows()
    assert (row.state, row.attempts) == (FAILED, delivery.MAX_ATTEMPTS) and "HTTP 500" in row.last_error
    assert delivery.deliver_due(now + timedelta(days=1)) == 0 and len(robot.received) == delivery.MAX_ATTEMPTS


def test_a_removed_address_and_sms_without_provider_fail_at_once_without_retrying(app, robot):
    now = utcnow()
    team = _team_with_hook(robot.url())
    queue_for_team(team, "新活动", now)
    queue_sms("13800000000", "明天上午9点活动", now)
    team.webhook_url = None
    db.session.commit()
    later = now + timedelta(days=2)  # the first run after an outage gives them up: that is when, for housekeeping
    assert delivery.deliver_due(later) == 0
    assert [(row.state, row.attempts, row.next_attempt_at) for row in _rows()] == [(FAILED, 1, later)] * 2
    assert robot.received == []


def test_an_abandoned_claim_is_taken_again_after_its_lease(app, robot):
    now = utcnow()
    queue_for_team(_team_with_hook(robot.url()), "新活动", now)
    db.session.commit()
    assert len(delivery.claim_due(now, 10)) == 1  # a run that claimed and then died
    assert delivery.deliver_due(now + timedelta(seconds=30)) == 0
    assert delivery.deliver_due(now + delivery.LEASE + timedelta(seconds=1)) == 1
    assert _rows()[0].attempts == 2 and len(robot.received) == 1


def test_two_runs_at_once_never_send_one_row_twice(app, robot):
    robot.delay = 0.05  # each post takes a while, so the two runs overlap
    now = utcnow()
    team = _team_with_hook(robot.url())
    for number in range(20):
        queue_for_team(team, f"消息{number}", now)
    db.session.commit()
    sent, start = [], threading.Barrier(2)

    def run():
        with app.app_context():
            start.wait()
            sent.append(delivery.deliver_due(now, batch=8, budget_seconds=0))  # one batch a call
            while (more := delivery.deliver_due(now, batch=8, budget_seconds=0)):
                sent.append(more)

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)
    contents = sorted(payload["text"]["content"] for payload in robot.received)
    assert contents == sorted(f"消息{number}" for number in range(20))  # each once, none twice
    assert sum(sent) == 20 and {row.state for row in _rows()} == {SENT}
    assert {row.attempts for row in _rows()} == {1}


def _queue(team, count: int, now) -> None:
    for number in range(count):
        queue_for_team(team, f"消息{number}", now)
    db.session.commit()


def test_a_run_goes_on_batch_after_batch_until_nothing_is_due(app, robot):
    now = utcnow()
    backlog = 3 * delivery.BATCH + 5  # more than one batch, and than the 50 a run once delivered
    _queue(_team_with_hook(robot.url()), backlog, now)
    assert delivery.deliver_due(now) == backlog
    assert len(robot.received) == backlog and {row.state for row in _rows()} == {SENT}
    assert delivery.deliver_due(now) == 0


def test_a_spent_time_budget_leaves_the_rest_for_the_next_run(app, robot):
    now = utcnow()
    _queue(_team_with_hook(robot.url()), 2 * delivery.BATCH + 5, now)
    ticks = iter([0.0, 0.0, 61.0])  # the run starts; its first batch is claimed; after it, 61 s have passed
    assert delivery.deliver_due(now, budget_seconds=60, clock=lambda: next(ticks)) == delivery.BATCH
    assert [row.state for row in _rows()].count(PENDING) == delivery.BATCH + 5
    assert delivery.deliver_due(now) == delivery.BATCH + 5 and len(robot.received) == 2 * delivery.BATCH + 5


def test_a_later_batch_is_leased_from_its_own_claim(app, robot):
    now = utcnow()
    _queue(_team_with_hook(robot.url()), 1, now)
    delivery.claim_due(now, 10, claimed_at=now + timedelta(seconds=50))
    [row] = _rows()
    assert row.lease_until == now + timedelta(seconds=50) + delivery.LEASE
    assert delivery.deliver_due(now + delivery.LEASE + timedelta(seconds=1)) == 0  # still held by that batch


def test_a_rolled_back_change_queues_nothing(app, robot):
    now = utcnow()
    queue_for_team(_team_with_hook(robot.url()), "新活动", now)
    db.session.rollback()
    assert _rows() == [] and delivery.deliver_due(now) == 0 and robot.received == []


def test_the_address_is_never_logged_nor_stored_on_the_row(app, robot, caplog):
    caplog.set_level("DEBUG")
    robot.mode = "error"
    now = utcnow()
    queue_for_team(_team_with_hook(robot.url()), "新活动", now)
    db.session.commit()
    delivery.deliver_due(now)
    [row] = _rows()
    assert "test-key-0001" not in caplog.text
    assert all("test-key-0001" not in str(value) for value in vars(row).values())
