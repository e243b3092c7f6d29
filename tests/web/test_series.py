"""Recurring activities: a series of occurrences, and edits of one or of this-and-later."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from shequ_volunteer.activities.models import Activity, ActivitySeries
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f

from .helpers import HX


@pytest.fixture
def leader_client(app):
    home = f.community()
    team = f.team(home)
    leader = f.user(home, "李队长")
    f.member(team, leader, leader=True)
    client = f.logged_in(app, leader)
    return client, team


def local_dates(series_id: int) -> list[tuple[date, str, str]]:
    db.session.rollback()
    rows = db.session.scalars(select(Activity).where(Activity.series_id == series_id).order_by(Activity.starts_at))
    return [(to_local(a.starts_at).date(), f"{to_local(a.starts_at):%H:%M}", a.place) for a in rows]


def base_form(start: datetime, **extra) -> dict:
    data = {"title": "太极拳晨练", "place": "文化广场", "audience": "all",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{start + timedelta(hours=1):%Y-%m-%dT%H:%M}"}
    data.update(extra)
    return data


def test_an_activity_that_does_not_repeat_is_no_series(app, leader_client):
    """不重复 (the default): one activity, no series row; its page and edit form say nothing of repeating."""
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(datetime(2099, 3, 2, 7)))
    assert answer.status_code == 303
    db.session.rollback()
    [activity] = db.session.scalars(select(Activity)).all()
    assert activity.series_id is None and db.session.scalar(select(ActivitySeries)) is None
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "<dt>重复</dt>" not in page and "共1次" not in page
    form = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert "这是系列活动" not in form and "这一次及以后各次" not in form


def test_weekly_series_then_edit_this_and_later(app, leader_client):
    client, team = leader_client
    monday = date(2099, 3, 2)  # a Monday
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(
        datetime.combine(monday, datetime.min.time()).replace(hour=7),
        repeat="weekly", repeat_weekdays=["1", "4"], repeat_count="4"))
    assert answer.status_code == 303
    db.session.rollback()
    series = db.session.scalar(select(ActivitySeries))
    assert series.rule_text == "每周二、五，共4次"
    dates = local_dates(series.id)
    assert [d for d, _t, _p in dates] == [date(2099, 3, 3), date(2099, 3, 6), date(2099, 3, 10), date(2099, 3, 13)]
    assert {t for _d, t, _p in dates} == {"07:00"}

    second = db.session.scalars(select(Activity).order_by(Activity.starts_at)).all()[1]
    page = client.get(f"/activities/{second.id}/edit").get_data(as_text=True)
    assert "这一次及以后各次" in page
    moved = base_form(datetime(2099, 3, 6, 8, 30), place="社区活动室", scope="later")
    answer = client.post(f"/activities/{second.id}/edit", data=moved, headers=HX)
    assert answer.status_code == 200 and "已修改这一次及以后共3次" in answer.get_data(as_text=True)
    assert local_dates(series.id) == [
        (date(2099, 3, 3), "07:00", "文化广场"),  # before the edited one: untouched
        (date(2099, 3, 6), "08:30", "社区活动室"), (date(2099, 3, 10), "08:30", "社区活动室"),
        (date(2099, 3, 13), "08:30", "社区活动室")]

    third = db.session.scalars(select(Activity).order_by(Activity.starts_at)).all()[2]
    client.post(f"/activities/{third.id}/edit", data=base_form(datetime(2099, 3, 10, 9, 0), place="多功能厅"))
    assert [p for _d, _t, p in local_dates(series.id)] == ["文化广场", "社区活动室", "多功能厅", "社区活动室"]


def test_started_occurrences_are_never_changed(app, leader_client):
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(
        to_local(utcnow() + timedelta(days=1)).replace(tzinfo=None, second=0, microsecond=0),
        repeat="weekly", repeat_weekdays=[str(d) for d in range(7)], repeat_count="3"))
    assert answer.status_code == 303
    db.session.rollback()
    first, second, third = db.session.scalars(select(Activity).order_by(Activity.starts_at)).all()
    first.starts_at = utcnow() - timedelta(hours=1)  # it has begun (as if time passed)
    first.ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    client.post(f"/activities/{first.id}/edit", data=base_form(
        to_local(first.starts_at).replace(tzinfo=None, second=0, microsecond=0), place="新地点", scope="later"))
    db.session.rollback()
    places = [a.place for a in db.session.scalars(select(Activity).order_by(Activity.starts_at))]
    assert places == ["文化广场", "新地点", "新地点"]


def test_lunar_festival_series(app, leader_client):
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(
        datetime(2097, 12, 1, 9, 0), repeat="lunar", repeat_festival="double_ninth", repeat_count="5"))
    assert answer.status_code == 303
    db.session.rollback()
    series = db.session.scalar(select(ActivitySeries))
    # 2098 and 2099: the lunar tables end with 2099, so a third year is not invented.
    assert series.rule_text == "每年重阳，共2次"
    assert [d.year for d, _t, _p in local_dates(series.id)] == [2098, 2099]


@pytest.mark.parametrize("extra, message", [
    ({"repeat": "weekly", "repeat_count": "3"}, "请选择每周哪几天"),
    ({"repeat": "weekly", "repeat_weekdays": ["1"]}, "请填写重复到哪天为止"),
    ({"repeat": "monthly_day", "repeat_count": "2"}, "请填写每月几号"),
    ({"repeat": "weekly", "repeat_weekdays": ["9"], "repeat_count": "2"}, "请从列出的选项中选择"),
    ({"repeat": "weekly", "repeat_weekdays": ["1"], "repeat_count": "500"}, "1到104次"),
    ({"repeat": "weekly", "repeat_weekdays": ["0"], "repeat_until": "2099-03-03"}, "没有一次活动"),
    ({"repeat": "bogus"}, "不是有效的选择"),
    ({"repeat": "weekly", "repeat_weekdays": ["x"], "repeat_count": "2"}, "选择无效"),
])
def test_bad_repeat_rules_get_messages(app, leader_client, extra, message):
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(datetime(2099, 3, 4, 7, 0), **extra))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert "太极拳晨练" in answer.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(Activity)) is None
