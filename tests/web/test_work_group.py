"""The team's work group: the address is set by a leader or staff, shown masked, refused when it is not a robot;
activity changes are queued to it in the request's transaction and a failing robot never fails the request."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shequ_volunteer.activities.models import Activity
from shequ_volunteer.audit.models import AuditEntry
from shequ_volunteer.extensions import db
from shequ_volunteer.outbox import delivery
from shequ_volunteer.outbox.models import PENDING, OutboxMessage
from shequ_volunteer.teams.models import Team
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f
from tests.support.robot_server import RobotServer
from tests.web.helpers import HX, row_count, text

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-secret-5aaa"


@pytest.fixture
def robot():
    with RobotServer() as server:
        yield server


def _world():
    home = f.community()
    team = f.team(home)
    leader = f.user(home, "李队长")
    f.member(team, leader, leader=True)
    return home, team, leader


def _hook():
    db.session.commit()
    return db.session.scalar(select(Team.webhook_url))


def test_a_leader_sets_the_address_and_sees_it_only_masked(app):
    _home, team, leader = _world()
    client = f.logged_in(app, leader)
    assert client.post(f"/teams/{team.id}/work-group", data={"webhook_url": WECOM}).status_code == 303
    assert _hook() == WECOM
    page = text(client.get(f"/teams/{team.id}/work-group"))
    assert "…5aaa" in page and "693a91f6" not in page
    assert "693a91f6" not in text(client.get(f"/teams/{team.id}"))
    assert "693a91f6" not in db.session.scalar(select(AuditEntry.summary))


def test_with_htmx_the_panel_is_swapped_with_the_outcome(app):
    _home, team, leader = _world()
    response = f.logged_in(app, leader).post(f"/teams/{team.id}/work-group", data={"webhook_url": WECOM}, headers=HX)
    assert response.status_code == 200
    assert "已保存" in text(response) and "…5aaa" in text(response) and "<html" not in text(response)


@pytest.mark.parametrize("address", [WECOM.replace("https", "http"), "https://example.com/send?key=1", "",
                                     WECOM + "\x1b", "https://" + "a" * 10_000])
def test_other_addresses_are_refused_by_the_field_and_nothing_is_stored(app, address):
    _home, team, leader = _world()
    response = f.logged_in(app, leader).post(f"/teams/{team.id}/work-group", data={"webhook_url": address})
    assert response.status_code == 422 and 'aria-invalid="true"' in text(response)
    assert _hook() is None and row_count(AuditEntry) == 0


def test_removing_asks_first(app):
    _home, team, leader = _world()
    team.webhook_url = WECOM
    db.session.commit()
    client = f.logged_in(app, leader)
    first = client.post(f"/teams/{team.id}/work-group/remove")
    assert "确定删除" in text(first) and _hook() == WECOM
    assert client.post(f"/teams/{team.id}/work-group/remove", data={"confirmed": "1"}).status_code == 303
    assert _hook() is None


def test_a_member_or_a_resident_cannot_set_it(app):
    home, team, _leader = _world()
    member, resident = f.user(home, "队员"), f.user(home, "居民")
    f.member(team, member)
    for person in (member, resident):
        client = f.logged_in(app, person)
        assert client.get(f"/teams/{team.id}/work-group").status_code == 403
        assert client.post(f"/teams/{team.id}/work-group", data={"webhook_url": WECOM}).status_code == 403
    assert _hook() is None


def test_a_failing_robot_never_fails_the_cancellation_and_the_post_is_delivered_later(app, robot):
    app.config["OUTBOX_ALLOW_LOCAL_WEBHOOKS"] = True
    robot.mode = "error"
    _home, team, leader = _world()
    activity = f.activity(team, title="周末清洁家园")
    client = f.logged_in(app, leader)
    assert client.post(f"/teams/{team.id}/work-group", data={"webhook_url": robot.url()}).status_code == 303
    response = client.post(f"/activities/{activity.id}/cancel", data={"confirmed": "1"})
    assert response.status_code == 303
    db.session.commit()
    [queued] = db.session.scalars(select(OutboxMessage)).all()
    assert queued.state == PENDING and robot.received == []  # the request only inserted the row
    assert "活动已取消：周末清洁家园" in queued.body and "地点：社区活动室" in queued.body
    assert f"/activities/{activity.id}" in queued.body and "名额" in queued.body
    now = utcnow()
    delivery.deliver_due(now)
    robot.mode = "ok"
    assert delivery.deliver_due(now + timedelta(minutes=1)) == 1
    assert "活动已取消" in robot.received[-1]["text"]["content"]


def test_new_and_moved_activities_are_queued_but_not_for_a_team_without_a_group(app):
    _home, team, leader = _world()
    client = f.logged_in(app, leader)
    f.activity(team)
    assert row_count(OutboxMessage) == 0
    team.webhook_url = WECOM
    db.session.commit()
    starts = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    local = to_local(starts).strftime("%Y-%m-%dT%H:%M")
    ends = to_local(starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form = {"title": "义诊", "starts_at": local, "ends_at": ends, "place": "广场", "capacity": "20",
            "audience": "all", "max_seats_per_signup": "1", "repeat": "none"}
    assert client.post(f"/teams/{team.id}/activities/new", data=form).status_code == 303
    # A weekly series of four is one post saying how it repeats, not four.
    assert client.post(f"/teams/{team.id}/activities/new", data={
        **form, "title": "太极", "repeat": "weekly", "repeat_weekdays": [str(d) for d in range(7)],
        "repeat_count": "4"}).status_code == 303
    db.session.commit()
    bodies = [row.body for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert len(bodies) == 2 and "新活动：义诊" in bodies[0] and "新活动（" in bodies[1] and "太极" in bodies[1]
    activity_id = db.session.scalar(select(Activity.id).where(Activity.title == "义诊"))
    moved = {**form, "place": "社区卫生站"}
    assert client.post(f"/activities/{activity_id}/edit", data=moved).status_code == 303
    db.session.commit()
    last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "活动时间或地点有变更：义诊" in last.body and "地点：社区卫生站" in last.body


def test_the_activity_page_offers_the_group_text_to_copy(app):
    _home, team, leader = _world()
    activity = f.activity(team, title="周末清洁家园")
    page = text(f.logged_in(app, leader).get(f"/activities/{activity.id}"))
    assert "复制群通知" in page and 'readonly' in page and "剩余名额：10 / 10" in page
