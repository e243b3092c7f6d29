"""Service hours: attendance counts, leaders correct, 补录 waits for staff; every change is recorded."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.hours.rules import HOURS_WANTED
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f

from .helpers import HX, roster_row, text


@pytest.fixture
def world(app):
    home, elsewhere = f.community(), f.community("光明社区")
    team, other = f.team(home), f.team(home, name="科普志愿服务队", kind="science")
    leader, leader_b, volunteer, resident = (f.user(home, n) for n in ("李队长", "赵队长", "王志愿", "周居民"))
    f.member(team, leader, leader=True)
    f.member(other, leader_b, leader=True)
    f.member(team, volunteer)
    held = f.activity(team, title="周末清洁家园", starts_in=timedelta(days=-2), hours=3)
    for person in (volunteer, resident):
        db.session.add(Signup(activity_id=held.id, user_id=person.id, attendance="present"))
    db.session.commit()
    return {"home": home, "staff": f.staff(home), "staff_elsewhere": f.staff(elsewhere), "team": team,
            "leader": leader, "leader_b": leader_b, "volunteer": volunteer, "resident": resident, "held": held}


def test_attendance_counts_for_team_members_only(app, world):
    page = f.logged_in(app, world["volunteer"]).get("/me/hours").get_data(as_text=True)
    assert "累计 <strong>3小时</strong>" in page and "周末清洁家园" in page and "签到" in page
    # A resident who attended is a participant, not a volunteer of that team.
    assert "累计 <strong>0小时</strong>" in f.logged_in(app, world["resident"]).get("/me/hours").get_data(as_text=True)


def test_leader_corrects_hours_and_it_is_recorded(app, world):
    signup_id = db.session.scalar(select(Signup.id).where(Signup.user_id == world["volunteer"].id))
    url = f"/activities/{world['held'].id}/attendance/{signup_id}/hours"
    answer = f.logged_in(app, world["leader"]).post(url, data={"hours": "2.5"}, headers=HX)
    assert answer.status_code == 200 and "时长已改为2小时30分钟" in answer.get_data(as_text=True)
    assert f.logged_in(app, world["leader"]).post(url, data={"hours": "abc"}, headers=HX).status_code == 422
    for who in ("volunteer", "leader_b", "staff_elsewhere"):
        assert f.logged_in(app, world[who]).post(url, data={"hours": "9"}).status_code == 403
    page = f.logged_in(app, world["volunteer"]).get("/me/hours").get_data(as_text=True)
    assert "2小时30分钟" in page and "队长更正" in page
    db.session.rollback()
    entry = db.session.scalar(select(HoursEntry))
    assert (entry.kind, entry.minutes, entry.entered_by_id) == ("correction", 150, world["leader"].id)


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain form"])
def test_refused_hours_are_said_by_that_persons_box_keeping_what_was_typed(app, world, headers):
    """500 in one person's 服务时长: the message by that box, 500 still in it; a plain form gets the whole page."""
    ids = dict(db.session.execute(select(Signup.user_id, Signup.id)).all())
    mine, theirs = ids[world["volunteer"].id], ids[world["resident"].id]
    answer = f.logged_in(app, world["leader"]).post(f"/activities/{world['held'].id}/attendance/{mine}/hours",
                                                    data={"hours": "500"}, headers=headers)
    body = text(answer)
    assert answer.status_code == 422 and ("<html" in body) == (not headers)
    row = roster_row(body, mine)
    assert 'value="500"' in row and 'aria-invalid="true"' in row and f'aria-describedby="hours-{mine}-msg"' in row
    assert f'id="hours-{mine}-msg"' in row and HOURS_WANTED in row and body.count(HOURS_WANTED) == 1
    assert 'value="3"' in roster_row(body, theirs)  # the others keep their hours
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 0


def test_corrected_hours_are_said_in_the_row_and_a_plain_form_goes_back_to_it(app, world):
    signup_id = db.session.scalar(select(Signup.id).where(Signup.user_id == world["volunteer"].id))
    url = f"/activities/{world['held'].id}/attendance/{signup_id}/hours"
    leader = f.logged_in(app, world["leader"])
    answer = leader.post(url, data={"hours": "1.5"}, headers=HX)
    assert answer.status_code == 200 and "时长已改为1小时30分钟" in roster_row(text(answer), signup_id)
    plain = leader.post(url, data={"hours": "2"})
    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/activities/{world['held'].id}/attendance#signup-{signup_id}"


def test_claim_waits_for_staff_of_the_community(app, world):
    volunteer = f.logged_in(app, world["volunteer"])
    served = f"{to_local(utcnow()).date() - timedelta(days=3)}"
    answer = volunteer.post("/me/hours/claims", data={"team_id": world["team"].id, "served_on": served,
                                                      "hours": "1.5", "note": "帮独居老人买菜"})
    assert answer.status_code == 303
    page = volunteer.get("/me/hours").get_data(as_text=True)
    assert "待审核" in page and "累计 <strong>3小时</strong>" in page  # not counted yet
    db.session.rollback()
    entry_id = db.session.scalar(select(HoursEntry.id))
    assert f.logged_in(app, world["staff_elsewhere"]).post(f"/hours/claims/{entry_id}/approve").status_code == 403
    assert f.logged_in(app, world["leader"]).get("/hours/claims").status_code == 403
    staff = f.logged_in(app, world["staff"])
    assert "帮独居老人买菜" in staff.get("/hours/claims").get_data(as_text=True)
    answer = staff.post(f"/hours/claims/{entry_id}/approve", headers=HX)
    assert answer.status_code == 200 and "没有待审核的补录" in answer.get_data(as_text=True)
    assert "累计 <strong>4小时30分钟</strong>" in volunteer.get("/me/hours").get_data(as_text=True)
    again = staff.post(f"/hours/claims/{entry_id}/decline", headers=HX)
    assert "已经处理过" in again.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"served_on": "2099-01-01", "hours": "1", "note": "x"}, "已经做过"),
    ({"served_on": "2026-11-01", "hours": "30", "note": "x"}, "0到24"),
    ({"served_on": "2026-11-01", "hours": "1", "note": ""}, "做了什么"),
    ({"served_on": "bad", "hours": "1", "note": "x"}, "日期"),
    ({"served_on": "2026-11-01", "hours": "1", "note": "x" * 300}, "200"),
])
def test_bad_claims_are_refused_and_nothing_saved(app, world, data, message):
    answer = f.logged_in(app, world["volunteer"]).post("/me/hours/claims", data={"team_id": world["team"].id, **data})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 0


def test_claims_only_for_own_teams(app, world):
    other_team = db.session.scalar(select(f.Team).where(f.Team.name == "科普志愿服务队"))
    answer = f.logged_in(app, world["volunteer"]).post("/me/hours/claims", data={
        "team_id": other_team.id, "served_on": "2026-11-01", "hours": "1", "note": "x"})
    assert answer.status_code == 422
    assert f.logged_in(app, world["resident"]).get("/me/hours").status_code == 200  # no form: not in a team
