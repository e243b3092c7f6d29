"""Rooms: staff define them, bookings that overlap are refused by the database query, a week view."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from shequ_volunteer.rooms.models import Room
from tests import factories as f

from .helpers import HX


@pytest.fixture
def world(app):
    home, elsewhere = f.community(), f.community("光明社区")
    team = f.team(home)
    leader, staff, resident = f.user(home, "李队长"), f.staff(home), f.user(home, "王阿姨")
    f.member(team, leader, leader=True)
    hall = Room(community_id=home.id, name="多功能厅", capacity=40, equipment="投影仪")
    foreign = Room(community_id=elsewhere.id, name="别处的厅", capacity=40)
    db.session.add_all([hall, foreign])
    db.session.commit()
    client = f.logged_in(app, leader)
    return {"team": team, "hall": hall, "foreign": foreign, "leader": client, "staff": staff, "resident": resident}


def form(start: datetime, hours: int = 2, **extra) -> dict:
    data = {"title": "健康讲座", "audience": "all", "capacity": "30", "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + timedelta(hours=hours):%Y-%m-%dT%H:%M}"}
    data.update(extra)
    return data


def create(world, start, **extra):
    return world["leader"].post(f"/teams/{world['team'].id}/activities/new",
                                data=form(start, room_id=str(world["hall"].id), **extra))


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Activity))


def test_booking_and_clash_for_one_off_activities(app, world):
    assert create(world, datetime(2099, 3, 4, 14, 0)).status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(Activity.place)) == "多功能厅"  # the room's name stands in for the place
    clash = create(world, datetime(2099, 3, 4, 15, 0), title="便民义剪")
    body = clash.get_data(as_text=True)
    assert clash.status_code == 422 and "多功能厅在03月04日 14:00–16:00已被“健康讲座”使用" in body
    assert "便民义剪" in body  # what was typed is kept
    assert create(world, datetime(2099, 3, 4, 16, 0)).status_code == 303  # back to back is fine
    assert create(world, datetime(2099, 3, 4, 12, 0)).status_code == 303
    assert count() == 3


def test_cancelled_activities_free_the_room_and_editing_itself_is_no_clash(app, world):
    create(world, datetime(2099, 3, 4, 14, 0))
    db.session.rollback()
    first = db.session.scalar(select(Activity))
    edit = world["leader"].post(f"/activities/{first.id}/edit",
                                data=form(datetime(2099, 3, 4, 14, 30), room_id=str(world["hall"].id)))
    assert edit.status_code == 303
    world["leader"].post(f"/activities/{first.id}/cancel", data={"confirmed": "1"})
    assert create(world, datetime(2099, 3, 4, 14, 0)).status_code == 303


def test_series_clash_names_the_occurrence(app, world):
    create(world, datetime(2099, 3, 17, 9, 0), title="已有的讲座")  # a Tuesday
    answer = create(world, datetime(2099, 3, 3, 9, 30), repeat="weekly", repeat_weekdays=["1"], repeat_count="4")
    assert answer.status_code == 422
    assert "03月17日 09:00–11:00已被“已有的讲座”使用" in answer.get_data(as_text=True)
    assert count() == 1  # no occurrence of the refused series was saved
    assert create(world, datetime(2099, 3, 3, 13, 0), repeat="weekly", repeat_weekdays=["1"],
                  repeat_count="4").status_code == 303
    assert count() == 5


@pytest.mark.parametrize("extra, message", [
    ({"capacity": "41"}, "最多容纳40人"),
    ({"capacity": ""}, "最多容纳40人"),
    ({"room_id": "999999"}, "不是有效的选择"),
])
def test_room_limits(app, world, extra, message):
    answer = world["leader"].post(f"/teams/{world['team'].id}/activities/new",
                                  data={**form(datetime(2099, 3, 4, 9, 0), room_id=str(world["hall"].id)), **extra})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert count() == 0


def test_another_communitys_room_cannot_be_booked(app, world):
    answer = world["leader"].post(f"/teams/{world['team'].id}/activities/new",
                                  data=form(datetime(2099, 3, 4, 9, 0), room_id=str(world["foreign"].id)))
    assert answer.status_code == 422 and count() == 0


def test_week_view_and_who_may_manage_rooms(app, world):
    create(world, datetime(2099, 3, 4, 14, 0))
    week = world["leader"].get("/rooms?week=2099-03-04").get_data(as_text=True)
    assert "多功能厅" in week and "14:00–16:00 健康讲座" in week and "3/2 周一" in week and "添加场地" not in week
    part = world["leader"].get("/rooms?week=2099-03-11", headers=HX).get_data(as_text=True)
    assert "<html" not in part and "健康讲座" not in part
    assert world["leader"].get("/rooms?week=not-a-date").status_code == 200
    assert world["leader"].post("/rooms", data={"name": "x", "capacity": "5"}).status_code == 403
    resident = f.logged_in(app, world["resident"])
    assert resident.get("/rooms").status_code == 403
    staff = f.logged_in(app, world["staff"])
    assert staff.post("/rooms", data={"name": "活动室", "capacity": "20"}).status_code == 303
    bad = staff.post("/rooms", data={"name": "<script>x</script>", "capacity": "abc"})
    assert bad.status_code == 422 and "&lt;script&gt;" in bad.get_data(as_text=True)
    db.session.rollback()
    assert set(db.session.scalars(select(Room.name))) == {"多功能厅", "别处的厅", "活动室"}
