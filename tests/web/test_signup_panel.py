"""The sign-up panel offers exactly what the service accepts: both ask activities.rules.signup_decision.

For every state in which the service refuses, the page says why and has no sign-up form;
over a grid of states, "the page offers a button" and "the POST signs the person up" agree.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.activities import rules
from shequ_volunteer.activities.models import HOLDING_SEATS, SIGNUP_WAITING, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f

from .helpers import HX, text

# state name -> (how to make the activity for `w`, the sentence the page must show)
STATES = {
    "open": (lambda w: f.activity(w.team), None),
    "full with a waiting list": (lambda w: f.activity(w.team, capacity=2, seats_taken=2), None),
    "deadline passed": (lambda w: f.activity(w.team, signup_deadline=utcnow() - timedelta(hours=1)),
                        rules.DEADLINE_PASSED),
    "full without a waiting list": (lambda w: f.activity(w.team, capacity=2, seats_taken=2, waitlist_enabled=False),
                                    rules.FULL),
    "started": (lambda w: f.activity(w.team, starts_in=timedelta(minutes=-30)), rules.STARTED),
    "cancelled": (lambda w: f.activity(w.team, status="cancelled", cancelled_at=utcnow()), rules.CANCELLED),
    "another community": (lambda w: f.activity(w.other_team), rules.OTHER_COMMUNITY),
    "members only": (lambda w: f.activity(w.team, audience="members"), rules.MEMBERS_ONLY),
    "approval pending": (lambda w: w.with_signup(f.activity(w.team, requires_approval=True), "pending"),
                         "已报名，等待队长审核"),
    "already signed up": (lambda w: w.with_signup(f.activity(w.team), "confirmed"), "您已报名"),
    "already waiting": (lambda w: w.with_signup(f.activity(w.team, capacity=1, seats_taken=1), "waiting"), "候补中"),
    "declined by the leader": (lambda w: w.with_signup(f.activity(w.team, requires_approval=True), "declined"),
                               rules.WAS_DECLINED),
}
REFUSING = [name for name, (_, reason) in STATES.items() if reason]


class World:
    def __init__(self):
        home, elsewhere = f.community(), f.community("光明社区")
        self.team = f.team(home)
        self.other_team = f.team(elsewhere, name="光明巡逻队", kind="patrol")
        self.resident = f.user(home, name="张秀英")

    def with_signup(self, activity, status: str):
        f.signup(activity, self.resident, status)
        return activity


@pytest.fixture
def world(app):
    return World()


def held_or_waiting(person, activity_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.user_id == person.id, Signup.activity_id == activity_id,
        Signup.status.in_([*HOLDING_SEATS, SIGNUP_WAITING])))


def signup_form(activity_id: int) -> str:
    return f'action="/activities/{activity_id}/signup"'


@pytest.mark.parametrize("state", REFUSING)
def test_a_refusing_state_shows_its_reason_and_no_signup_form(app, world, state):
    make, reason = STATES[state]
    activity = make(world)
    client = f.logged_in(app, world.resident)
    for headers in ({}, HX):  # the whole page and the panel htmx refreshes
        body = text(client.get(f"/activities/{activity.id}", headers=headers))
        assert reason in body
        assert signup_form(activity.id) not in body
        assert "我要报名" not in body and "加入候补" not in body


def test_a_visitor_is_told_the_deadline_has_passed_not_asked_to_log_in(app, world):
    activity = STATES["deadline passed"][0](world)
    body = text(app.test_client().get(f"/activities/{activity.id}"))
    assert rules.DEADLINE_PASSED in body and "登录后报名" not in body
    assert "剩余" not in body  # places left no one can take
    open_one = f.activity(world.team, title="另一个活动")
    assert "登录后报名" in text(app.test_client().get(f"/activities/{open_one.id}"))


@pytest.mark.parametrize("state", list(STATES))
def test_the_page_offers_exactly_what_the_service_accepts(app, world, state):
    activity = STATES[state][0](world)
    client = f.logged_in(app, world.resident)
    offered = signup_form(activity.id) in text(client.get(f"/activities/{activity.id}"))
    before = held_or_waiting(world.resident, activity.id)
    answer = client.post(f"/activities/{activity.id}/signup")
    accepted = answer.status_code == 303 and held_or_waiting(world.resident, activity.id) == before + 1
    assert offered == accepted, (state, answer.status_code)
    if not accepted:
        assert answer.status_code == 409
        assert held_or_waiting(world.resident, activity.id) == before


@pytest.mark.parametrize("path", ["/", "/teams/{team}"])
def test_cards_say_closed_instead_of_places_left(world, app, path):
    """A card in the list or on the team page says 报名已截止 / 已开始 from the same rule, never 剩余 n 个名额."""
    late = f.activity(world.team, title="截止了的活动", signup_deadline=utcnow() - timedelta(hours=1))
    running = f.activity(world.team, title="正在进行的活动", starts_in=timedelta(minutes=-30), hours=3)
    still_open = f.activity(world.team, title="还能报名的活动", starts_in=timedelta(days=4))
    client = f.logged_in(app, world.resident)
    page = text(client.get(path.format(team=world.team.id)))
    for activity, tag in ((late, "报名已截止"), (running, "已开始")):
        assert activity.title in page, (activity.title, page[:3000])
        card = page.split(activity.title, 1)[1][:300]
        assert tag in card and "剩余" not in card, (activity.title, card)
    assert "剩余" in page.split(still_open.title, 1)[1][:300]
