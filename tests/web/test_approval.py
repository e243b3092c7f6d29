"""待审核: with approval on, a sign-up holds its seats until the leader approves or declines."""
import pytest
from sqlalchemy import select

from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from tests import factories as f

from .helpers import HX


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home)
    leader, leader_b, first, second = (f.user(home, n) for n in ("李队长", "赵队长", "王阿姨", "周大爷"))
    f.member(team, leader, leader=True)
    f.member(f.team(home, name="科普志愿服务队", kind="science"), leader_b, leader=True)
    activity = f.activity(team, capacity=1, requires_approval=True)
    return locals()


def status_of(person) -> str:
    db.session.rollback()
    return db.session.scalar(select(Signup.status).where(Signup.user_id == person.id))


def test_pending_holds_the_place_then_approve_or_decline(app, world):
    activity, leader = world["activity"], f.logged_in(app, world["leader"])
    url = f"/activities/{activity.id}"
    answer = f.logged_in(app, world["first"]).post(f"{url}/signup", headers=HX).get_data(as_text=True)
    assert "等队长审核" in answer and "已报名，等待队长审核" in answer
    assert status_of(world["first"]) == "pending"
    queued = f.logged_in(app, world["second"]).post(f"{url}/signup", headers=HX).get_data(as_text=True)
    assert "候补" in queued  # the place is held while pending

    page = leader.get(url).get_data(as_text=True)
    assert "待审核（1）" in page and "王阿姨" in page
    first_id = db.session.scalar(select(Signup.id).where(Signup.user_id == world["first"].id))
    declined = leader.post(f"{url}/signups/{first_id}/decline", headers=HX)
    assert declined.status_code == 200 and "已婉拒" in declined.get_data(as_text=True)
    assert status_of(world["first"]) == "declined"
    # The freed place goes to the waiting list, which must be approved in turn.
    assert status_of(world["second"]) == "pending"
    second_id = db.session.scalar(select(Signup.id).where(Signup.user_id == world["second"].id))
    assert leader.post(f"{url}/signups/{second_id}/approve").status_code == 303
    assert status_of(world["second"]) == "confirmed"
    assert db.session.get(Activity, activity.id).seats_taken == 1
    again = leader.post(f"{url}/signups/{second_id}/decline", headers=HX)
    assert again.status_code == 409 and "已经处理过" in again.get_data(as_text=True)


@pytest.mark.parametrize("who", ["first", "leader_b"])
def test_only_the_organiser_reviews(app, world, who):
    activity = world["activity"]
    f.logged_in(app, world["second"]).post(f"/activities/{activity.id}/signup")
    db.session.rollback()
    signup_id = db.session.scalar(select(Signup.id))
    answer = f.logged_in(app, world[who]).post(f"/activities/{activity.id}/signups/{signup_id}/approve")
    assert answer.status_code == 403
    assert status_of(world["second"]) == "pending"
