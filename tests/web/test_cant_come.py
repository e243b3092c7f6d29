"""After the leader's withdrawal deadline, 我去不了 replaces 取消报名 and keeps the place."""
from datetime import timedelta

from sqlalchemy import select

from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f

from .helpers import HX


def test_cant_come_after_the_deadline(app):
    home = f.community()
    team = f.team(home)
    leader, resident = f.user(home, "李队长"), f.user(home, "王阿姨")
    f.member(team, leader, leader=True)
    activity = f.activity(team, capacity=5, starts_in=timedelta(hours=20),
                          withdraw_deadline=utcnow() + timedelta(minutes=10))
    client = f.logged_in(app, resident)
    url = f"/activities/{activity.id}"
    assert client.post(f"{url}/signup").status_code == 303
    # Before the deadline: withdrawing is allowed, 我去不了 is not offered.
    assert "取消报名" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/cant-come", headers=HX).status_code == 409

    db.session.rollback()
    db.session.get(Activity, activity.id).withdraw_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "我去不了" in page and "取消报名" not in page
    refused = client.post(f"{url}/withdraw", headers=HX)
    assert refused.status_code == 409 and "已过取消截止时间" in refused.get_data(as_text=True)
    told = client.post(f"{url}/cant-come", headers=HX)
    assert told.status_code == 200 and "已告诉队长您去不了" in told.get_data(as_text=True)

    db.session.rollback()
    signup = db.session.scalar(select(Signup))
    assert signup.status == "confirmed" and signup.cant_come_at is not None
    assert db.session.get(Activity, activity.id).seats_taken == 1  # the place stays taken
    organiser = f.logged_in(app, leader)
    assert "去不了" in organiser.get(url).get_data(as_text=True)


def test_withdraw_deadline_after_start_is_refused(app):
    home = f.community()
    team = f.team(home)
    client = f.logged_in(app, f.staff(home))
    answer = client.post(f"/teams/{team.id}/activities/new", data={
        "title": "讲座", "place": "活动室", "audience": "all", "starts_at": "2099-01-01T09:00",
        "ends_at": "2099-01-01T10:00", "withdraw_deadline": "2099-01-02T09:00",
    })
    assert answer.status_code == 422 and "取消截止不能晚于开始时间" in answer.get_data(as_text=True)
