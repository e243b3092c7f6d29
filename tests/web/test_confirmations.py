"""Nothing destructive in one tap: 取消这个活动, 退出队伍, 取消报名, 重新生成订阅链接 and 全部停用
first answer what will happen (a page without JavaScript, a fragment in place for htmx), and act
only when the confirm button posts `confirmed=1`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from sqlalchemy import select

from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.calendar import tokens
from shequ_volunteer.calendar.models import KIND_PERSONAL, KIND_TEAM, FeedToken
from shequ_volunteer.extensions import db
from shequ_volunteer.teams.models import Membership
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.conftest import running_app

from .helpers import HX, csrf_from_form, db_state, session_login, text


class World:
    def __init__(self):
        home = f.community()
        self.team = f.team(home)
        self.leader = f.user(home, name="李建国")
        self.resident = f.user(home, name="张秀英")
        self.staff = f.staff(home)
        f.member(self.team, self.leader, leader=True)
        self.activity = f.activity(self.team, title="楼道清理", capacity=30)
        for person in [self.resident] + [f.user(home, name=f"居民{i}") for i in range(20)]:
            f.signup(self.activity, person)
        now = utcnow()
        tokens.issue(self.resident.id, KIND_PERSONAL, now)
        tokens.issue(self.leader.id, KIND_PERSONAL, now)
        tokens.issue(self.leader.id, KIND_TEAM, now, team_id=self.team.id)
        db.session.commit()


def signup_status(w) -> str:
    return db.session.scalar(select(Signup.status).where(Signup.user_id == w.resident.id))


def live_links(user) -> int:
    return len(db.session.scalars(select(FeedToken).where(FeedToken.user_id == user.id,
                                                          FeedToken.revoked_at.is_(None))).all())


@dataclass(frozen=True)
class Case:
    name: str
    who: str
    url: Callable
    consequence: str  # what the confirmation must say will happen
    target: str  # the panel htmx swaps
    acted: Callable
    plain_status: int = 303  # a new secret link is shown once, on the answer itself: no redirect


CASES = [
    Case("cancel activity", "leader", lambda w: f"/activities/{w.activity.id}/cancel",
         "21 人已报名，将看到活动已取消", "organiser-panel",
         lambda w: db.session.get(Activity, w.activity.id).is_cancelled),
    Case("withdraw", "resident", lambda w: f"/activities/{w.activity.id}/withdraw",
         "您的1个名额会马上让给别人", "signup-panel", lambda w: signup_status(w) == "withdrawn"),
    Case("leave team", "leader", lambda w: f"/teams/{w.team.id}/leave",
         "您是本队队长，退出后就不再是队长", "leave-panel",
         lambda w: db.session.scalar(select(Membership.status).where(Membership.user_id == w.leader.id)) == "left"),
    Case("regenerate link", "resident", lambda w: "/calendar/subscribe",
         "旧链接会马上停用", "feed-link",
         lambda w: db.session.scalar(select(FeedToken.revoked_at).where(
             FeedToken.user_id == w.resident.id).order_by(FeedToken.id).limit(1)) is not None, 200),
    Case("regenerate team link", "leader", lambda w: f"/calendar/subscribe/team-live/{w.team.id}",
         "旧链接会马上停用", "feed-link", lambda w: live_links(w.leader) == 2 and db.session.scalar(
             select(FeedToken.revoked_at).where(FeedToken.kind == KIND_TEAM).order_by(FeedToken.id).limit(1)), 200),
    Case("stop someone's links", "staff", lambda w: f"/calendar/links/{w.leader.id}/revoke",
         "李建国的2个日历链接会马上停用", "person", lambda w: live_links(w.leader) == 0),
]


@pytest.fixture
def world(app):
    return World()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_without_confirmation_nothing_changes_and_the_page_says_what_will_happen(app, world, case):
    client, url = f.logged_in(app, getattr(world, case.who)), case.url(world)
    before = db_state()
    page = client.post(url)
    assert page.status_code == 200
    body = text(page)
    assert "<html" in body and case.consequence in body
    assert 'name="confirmed" value="1"' in body and 'name="csrf_token"' in body
    assert re.search(rf'<form method="post" action="{re.escape(url)}"', body)
    assert ">返回</a>" in body
    assert db_state() == before

    fragment = client.post(url, headers={**HX, "HX-Target": case.target})
    body = text(fragment)
    assert fragment.status_code == 200 and "<html" not in body and case.consequence in body
    assert f'id="{case.target}"' in body  # swapped in place of the panel that asked
    assert f'hx-post="{url}" hx-target="#{case.target}"' in body
    assert db_state() == before
    db.session.rollback()
    assert not case.acted(world)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("headers", [{}, HX], ids=["no-js", "htmx"])
def test_with_confirmation_it_acts(app, world, case, headers):
    client = f.logged_in(app, getattr(world, case.who))
    answer = client.post(case.url(world), data={"confirmed": "1"}, headers=headers)
    assert answer.status_code == (200 if headers else case.plain_status), text(answer)[:500]
    if headers:
        assert "<html" not in text(answer)
    db.session.rollback()
    assert case.acted(world)


def test_the_confirm_button_carries_csrf_and_what_was_posted(_migrated):
    """With CSRF on, the confirmation's own form is what acts: its token, confirmed=1, the fields kept."""
    with running_app(_migrated, WTF_CSRF_ENABLED=True) as csrf_app:
        world = World()
        client = csrf_app.test_client()
        session_login(client, world.leader, f.PASSWORD)
        url = f"/activities/{world.activity.id}/cancel"
        token = csrf_from_form(text(client.get(f"/activities/{world.activity.id}")))
        page = text(client.post(url, data={"csrf_token": token, "note": "下雨"}))
        assert 'name="note" value="下雨"' in page
        fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page))
        assert fields["confirmed"] == "1"
        assert client.post(url, data=fields).status_code == 303
        db.session.rollback()
        assert db.session.get(Activity, world.activity.id).is_cancelled


def test_nothing_to_lose_needs_no_confirmation(app, world):
    """A first calendar link replaces nothing: one tap makes it."""
    answer = f.logged_in(app, world.staff).post("/calendar/subscribe")  # staff have no link yet
    assert answer.status_code == 200 and "这个链接只显示这一次" in text(answer)


def test_leaving_is_not_the_first_button_on_a_leaders_team_page(app, world):
    body = text(f.logged_in(app, world.leader).get(f"/teams/{world.team.id}"))
    main = body.split("<main", 1)[1]
    first_button = re.search(r'class="button[^"]*"[^>]*>([^<]+)<', main).group(1)
    assert first_button != "退出队伍"
    assert main.index("退出队伍") > main.index("近期活动")


# --- 恢复活动 -----------------------------------------------------------------------------------

def test_restore_brings_the_activity_and_its_signups_back(app, world):
    leader = f.logged_in(app, world.leader)
    activity_id = world.activity.id
    assert leader.post(f"/activities/{activity_id}/cancel", data={"confirmed": "1"}).status_code == 303
    db.session.rollback()
    cancelled = db.session.get(Activity, activity_id)
    sequence, stamp = cancelled.sequence, cancelled.updated_at
    page = text(leader.get(f"/activities/{activity_id}"))
    assert "恢复活动" in page and "取消这个活动" not in page

    answer = leader.post(f"/activities/{activity_id}/restore", headers=HX)
    assert answer.status_code == 200 and "活动已恢复" in text(answer)
    db.session.rollback()
    restored = db.session.get(Activity, activity_id)
    assert restored.status == "scheduled" and restored.cancelled_at is None
    assert restored.sequence == sequence + 1 and restored.updated_at >= stamp  # feeds show it again
    assert restored.seats_taken == 21
    assert signup_status(world) == "confirmed"
    assert "已取消" not in text(f.logged_in(app, world.resident).get("/me/activities"))


def test_restore_is_refused_once_the_activity_has_started(app, world):
    started = f.activity(world.team, title="已开始的活动", starts_in=timedelta(minutes=-10),
                         status="cancelled", cancelled_at=utcnow() - timedelta(days=1))
    leader = f.logged_in(app, world.leader)
    assert "恢复活动" not in text(leader.get(f"/activities/{started.id}"))
    before = db_state()
    for headers in ({}, HX):
        answer = leader.post(f"/activities/{started.id}/restore", headers=headers)
        assert answer.status_code == 409 and "不能再恢复" in text(answer)
    assert db_state() == before


def test_restore_is_refused_when_the_room_was_booked_meanwhile(app, world):
    from shequ_volunteer.rooms.models import Room

    room = Room(community_id=world.team.community_id, name="多功能厅", capacity=50)
    db.session.add(room)
    db.session.commit()
    world.activity.room_id = room.id
    world.activity.status, world.activity.cancelled_at = "cancelled", utcnow()
    db.session.commit()
    f.activity(world.team, title="新排的讲座", room_id=room.id, starts_in=timedelta(days=3))
    answer = f.logged_in(app, world.leader).post(f"/activities/{world.activity.id}/restore")
    assert answer.status_code == 409 and "新排的讲座" in text(answer)
    db.session.rollback()
    assert db.session.get(Activity, world.activity.id).is_cancelled
