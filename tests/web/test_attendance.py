"""签到: residents check in with the activity's code; leaders tick the roster; every change is logged."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.activities import checkin
from shequ_volunteer.activities.models import AttendanceChange, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.conftest import TEST_SECRET

from .helpers import HX, roster_row, text


@pytest.fixture
def world(app):
    home = f.community()
    team, other = f.team(home), f.team(home, name="科普志愿服务队", kind="science")
    leader, leader_b, resident, stranger = (f.user(home, n) for n in ("李队长", "赵队长", "王阿姨", "周先生"))
    f.member(team, leader, leader=True)
    f.member(other, leader_b, leader=True)
    now_ish = f.activity(team, title="便民义剪", starts_in=timedelta(minutes=10))
    later = f.activity(team, title="下周讲座", starts_in=timedelta(days=7))
    return locals()


def sign_up(app, person, activity):
    assert f.logged_in(app, person).post(f"/activities/{activity.id}/signup").status_code == 303


def signup_of(person) -> Signup:
    db.session.rollback()
    return db.session.scalar(select(Signup).where(Signup.user_id == person.id))


def test_resident_checks_in_with_the_code_and_twice_is_harmless(app, world):
    activity, resident = world["now_ish"], world["resident"]
    sign_up(app, resident, activity)
    leader_page = f.logged_in(app, world["leader"]).get(f"/activities/{activity.id}/attendance").get_data(as_text=True)
    code = checkin.code_for(TEST_SECRET, activity.id)
    assert f"{code[:3]} {code[3:]}" in leader_page and "<svg" in leader_page

    client = f.logged_in(app, resident)
    prefilled = client.get(f"/activities/{activity.id}/check-in?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in prefilled and signup_of(resident).attendance is None  # GET never checks in
    answer = client.post(f"/activities/{activity.id}/check-in", data={"code": code})
    assert answer.status_code == 200 and "签到成功" in answer.get_data(as_text=True)
    again = client.post(f"/activities/{activity.id}/check-in", data={"code": code})
    assert again.status_code == 200
    signup = signup_of(resident)
    assert signup.attendance == "present" and signup.checked_in_at is not None
    assert db.session.scalar(select(func.count()).select_from(AttendanceChange)) == 1


def test_wrong_codes_other_activities_codes_and_windows_are_refused(app, world):
    resident = world["resident"]
    sign_up(app, resident, world["now_ish"])
    sign_up(app, resident, world["later"])
    client = f.logged_in(app, resident)
    url = f"/activities/{world['now_ish'].id}/check-in"
    for typed in ["000000" if checkin.code_for(TEST_SECRET, world["now_ish"].id) != "000000" else "111111",
                  checkin.code_for(TEST_SECRET, world["later"].id), "<script>", "1" * 30]:
        answer = client.post(url, data={"code": typed})
        assert answer.status_code == 422 and "签到码不对" in answer.get_data(as_text=True), typed
    too_early = client.post(f"/activities/{world['later'].id}/check-in",
                            data={"code": checkin.code_for(TEST_SECRET, world["later"].id)})
    assert too_early.status_code == 422 and "还没到签到时间" in too_early.get_data(as_text=True)
    assert signup_of(resident).attendance is None


def test_too_many_wrong_codes_lock_self_check_in(app, world):
    resident = world["resident"]
    sign_up(app, resident, world["now_ish"])
    client = f.logged_in(app, resident)
    url = f"/activities/{world['now_ish'].id}/check-in"
    code = checkin.code_for(TEST_SECRET, world["now_ish"].id)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(checkin.MAX_WRONG_CODES):
        client.post(url, data={"code": wrong})
    locked = client.post(url, data={"code": code})
    assert locked.status_code == 422 and "找队长直接签到" in locked.get_data(as_text=True)


def test_someone_not_signed_up_is_told_to_see_the_leader(app, world):
    client = f.logged_in(app, world["stranger"])
    answer = client.post(f"/activities/{world['now_ish'].id}/check-in",
                         data={"code": checkin.code_for(TEST_SECRET, world["now_ish"].id)})
    assert answer.status_code == 422 and "请找队长登记" in answer.get_data(as_text=True)


def test_leader_ticks_names_and_each_change_is_logged(app, world):
    activity, resident = world["now_ish"], world["resident"]
    sign_up(app, resident, activity)
    signup_id = signup_of(resident).id
    leader = f.logged_in(app, world["leader"])
    for value, label in [("late", "迟到"), ("leave", "请假"), ("present", "出席")]:
        answer = leader.post(f"/activities/{activity.id}/attendance/{signup_id}", data={"attendance": value},
                             headers=HX)
        assert answer.status_code == 200 and label in answer.get_data(as_text=True)
    bad = leader.post(f"/activities/{activity.id}/attendance/{signup_id}", data={"attendance": "x"}, headers=HX)
    assert bad.status_code == 422 and "请选择出席" in roster_row(text(bad), signup_id)
    db.session.rollback()
    log = db.session.scalars(select(AttendanceChange).order_by(AttendanceChange.id)).all()
    assert [(c.attendance, c.changed_by_id, c.via) for c in log] == [
        ("late", world["leader"].id, "roster"), ("leave", world["leader"].id, "roster"),
        ("present", world["leader"].id, "roster")]


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain form"])
def test_a_refused_mark_is_said_in_that_persons_row(app, world, headers):
    """Tapped far down a long roster, the refusal shows by that person's buttons; a plain form gets the whole
    page (422), whose address ends in the row's anchor so it opens there."""
    activity = world["later"]
    sign_up(app, world["resident"], activity)
    sign_up(app, world["stranger"], activity)
    mine, theirs = signup_of(world["resident"]).id, signup_of(world["stranger"]).id
    leader = f.logged_in(app, world["leader"])
    page = text(leader.get(f"/activities/{activity.id}/attendance"))
    assert f'action="/activities/{activity.id}/attendance/{mine}#signup-{mine}"' in page
    answer = leader.post(f"/activities/{activity.id}/attendance/{mine}", data={"attendance": "present"},
                         headers=headers)
    body = text(answer)
    assert answer.status_code == 422 and ("<html" in body) == (not headers)
    assert "活动前一天起才能登记出勤" in roster_row(body, mine) and body.count("活动前一天起才能登记出勤") == 1
    assert "活动前一天起" not in roster_row(body, theirs)
    assert signup_of(world["resident"]).attendance is None


def test_a_plain_forms_mark_goes_back_to_the_row(app, world):
    activity = world["now_ish"]
    sign_up(app, world["resident"], activity)
    signup_id = signup_of(world["resident"]).id
    answer = f.logged_in(app, world["leader"]).post(f"/activities/{activity.id}/attendance/{signup_id}",
                                                    data={"attendance": "late"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/activities/{activity.id}/attendance#signup-{signup_id}"
    assert signup_of(world["resident"]).attendance == "late"


def test_the_rosters_post_addresses_opened_by_get_lead_back_to_the_roster(app, world):
    """Reloading the page a plain form's POST answered (its address is the POST's) is a GET: the roster, not a 405."""
    activity = world["now_ish"]
    sign_up(app, world["resident"], activity)
    signup_id = signup_of(world["resident"]).id
    leader = f.logged_in(app, world["leader"])
    for address in (f"/activities/{activity.id}/attendance/{signup_id}",
                    f"/activities/{activity.id}/attendance/{signup_id}/hours"):
        answer = leader.get(address)
        assert answer.status_code == 303, address
        assert answer.headers["Location"] == f"/activities/{activity.id}/attendance#signup-{signup_id}"
        assert leader.get(answer.headers["Location"]).status_code == 200
    assert signup_of(world["resident"]).attendance is None  # a GET changes nothing


@pytest.mark.parametrize("who", ["resident", "leader_b", "stranger"])
def test_leader_only_views_are_refused_to_others(app, world, who):
    activity, resident = world["now_ish"], world["resident"]
    sign_up(app, resident, activity)
    signup_id = signup_of(resident).id
    client = f.logged_in(app, world[who])
    assert client.get(f"/activities/{activity.id}/attendance").status_code == 403
    answer = client.post(f"/activities/{activity.id}/attendance/{signup_id}", data={"attendance": "absent"})
    assert answer.status_code == 403
    assert signup_of(resident).attendance is None
    anonymous = app.test_client()
    assert anonymous.get(f"/activities/{activity.id}/attendance").status_code == 302


def test_the_activity_page_offers_check_in_only_while_it_is_open(app, world):
    """An hour before the start until the end (checkin.window_refusal): before that the page says when it opens."""
    resident = world["resident"]
    for activity in (world["now_ish"], world["later"]):
        sign_up(app, resident, activity)
    client = f.logged_in(app, resident)
    soon = client.get(f"/activities/{world['now_ish'].id}").get_data(as_text=True)
    assert "我到了，签到" in soon and checkin.NOT_OPEN not in soon
    next_week = client.get(f"/activities/{world['later'].id}").get_data(as_text=True)
    assert f"{checkin.NOT_OPEN}，到时这里会出现“我到了，签到”" in next_week
    assert f'href="/activities/{world["later"].id}/check-in"' not in next_week
