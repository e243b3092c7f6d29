"""代报名: staff and leaders sign up residents without phones; the row says who entered it."""
import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from tests import factories as f

from .helpers import HX


@pytest.fixture
def world(app):
    home, elsewhere = f.community(), f.community("光明社区")
    team, other_team = f.team(home), f.team(home, name="科普志愿服务队", kind="science")
    staff, leader, leader_b = f.staff(home), f.user(home, "李队长"), f.user(home, "赵队长")
    f.member(team, leader, leader=True)
    f.member(other_team, leader_b, leader=True)
    return {
        "activity": f.activity(team, capacity=5, max_seats_per_signup=2),
        "granny": f.user(home, "孙奶奶"), "outsider": f.user(elsewhere, "外社区居民"),
        "staff": staff, "leader": leader, "leader_b": leader_b, "resident": f.user(home, "周先生"),
    }


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_find_and_sign_up_an_existing_resident(app, world, who):
    client = f.logged_in(app, world[who])
    activity = world["activity"]
    results = client.get(f"/activities/{activity.id}/on-behalf?q=孙", headers=HX).get_data(as_text=True)
    assert "孙奶奶" in results and "<html" not in results
    assert world["granny"].phone not in results  # masked: 139****1234
    answer = client.post(f"/activities/{activity.id}/on-behalf",
                         data={"user_id": world["granny"].id, "seats": "2"})
    assert answer.status_code == 303
    db.session.rollback()
    signup = db.session.scalar(select(Signup))
    assert (signup.user_id, signup.seats, signup.entered_by_id) == (world["granny"].id, 2, world[who].id)
    roster = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert f"{world[who].name}代报名" in roster


def test_register_someone_without_a_login(app, world):
    client = f.logged_in(app, world["staff"])
    activity = world["activity"]
    answer = client.post(f"/activities/{activity.id}/on-behalf/new",
                         data={"name": "钱大爷", "phone": "138 0013 8000"}, headers=HX)
    assert answer.status_code == 200 and "已为钱大爷报名（1人）" in answer.get_data(as_text=True)
    db.session.rollback()
    person = db.session.scalar(select(User).where(User.phone == "13800138000"))
    assert person.name == "钱大爷" and not person.can_log_in
    # Nobody can log in as him, and registering his number sends him to staff.
    visitor = app.test_client()
    assert visitor.post("/login", data={"phone": "13800138000", "password": ""}).status_code == 422
    page = visitor.post("/register", data={"phone": "13800138000", "name": "冒名", "password": "abcdefgh1",
                                           "agree": "y", "community_id": str(world["granny"].community_id)})
    assert page.status_code == 422 and "已由社区代为登记" in page.get_data(as_text=True)


def test_same_phone_twice_reuses_the_person_and_says_already(app, world):
    client = f.logged_in(app, world["staff"])
    url = f"/activities/{world['activity'].id}/on-behalf/new"
    client.post(url, data={"name": "钱大爷", "phone": "13800138000"})
    again = client.post(url, data={"name": "钱大爷", "phone": "13800138000"})
    assert again.status_code == 409 and "您已报名" in again.get_data(as_text=True)
    assert count(User) == 7 and count(Signup) == 1


@pytest.mark.parametrize("who, status", [("resident", 403), ("leader_b", 403), ("anonymous", 302)])
def test_only_organisers_may(app, world, who, status):
    client = app.test_client() if who == "anonymous" else f.logged_in(app, world[who])
    activity = world["activity"]
    assert client.get(f"/activities/{activity.id}/on-behalf").status_code == status
    assert client.post(f"/activities/{activity.id}/on-behalf",
                       data={"user_id": world["granny"].id}).status_code == status
    assert client.post(f"/activities/{activity.id}/on-behalf/new",
                       data={"name": "钱大爷", "phone": "13800138000"}).status_code == status
    assert count(Signup) == 0 and count(User) == 6


def test_bad_input_and_other_communities_are_refused(app, world):
    client = f.logged_in(app, world["staff"])
    activity = world["activity"]
    for user_id in ["abc", "", str(10**20), str(world["outsider"].id), "-1"]:
        answer = client.post(f"/activities/{activity.id}/on-behalf", data={"user_id": user_id})
        assert answer.status_code == 422, user_id
        assert "请从搜索结果里选择居民" in answer.get_data(as_text=True)
    for data in [{"name": "", "phone": "13800138000"}, {"name": "<script>x</script>", "phone": "12"},
                 {"name": "钱大爷", "phone": world["outsider"].phone}, {"name": "钱", "phone": "13800138000",
                                                                       "seats": "abc"}]:
        answer = client.post(f"/activities/{activity.id}/on-behalf/new", data=data)
        assert answer.status_code == 422, data
        assert "&lt;script&gt;" in answer.get_data(as_text=True) or "<script>" not in answer.get_data(as_text=True)
    assert count(Signup) == 0 and count(User) == 6
