"""The feed rules of the calendar issue, through the test client on the real database:
byte-stable renders, stable UIDs, SEQUENCE, cancellations, the window, all-day multi-day
activities, recurring series, escaping, URLs, the single-event download and reminders.

Every body is also checked by tests/support/ical_conformance.py (the client does it).
"""
from datetime import datetime, time, timedelta

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import recurrence, series, services
from shequ_volunteer.activities.models import STATUS_CANCELLED, Activity
from shequ_volunteer.activities.services import ActivityInput
from shequ_volunteer.calendar import views
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import from_local, to_local, utcnow
from tests import factories as f
from tests.support.ical_conformance import FeedNotConformant, by_uid, check_feed

DOMAIN = "shequ-volunteer.cn"


def uid(activity) -> str:
    return f"activity-{activity.id}@{DOMAIN}"


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """Naive UTC of a Shanghai wall time `days` from today."""
    return from_local(datetime.combine(f.beijing_today() + timedelta(days=days), time(hour, minute)))


def add_activity(team, starts_at: datetime, ends_at: datetime, title: str = "周末清洁家园", **fields) -> Activity:
    item = Activity(team_id=team.id, title=title, place=fields.pop("place", "社区活动室"),
                    capacity=fields.pop("capacity", 10), starts_at=starts_at, ends_at=ends_at,
                    updated_at=fields.pop("updated_at", utcnow().replace(microsecond=0)), **fields)
    db.session.add(item)
    db.session.commit()
    return item


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "text/calendar"
    return response


def events_of(client, url: str):
    return by_uid(check_feed(fetch(client, url).data))


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home)
    leader = f.user(home, name="李队长")
    f.member(team, leader, leader=True)
    return home, team, leader


def feeds_of(home, team) -> list[str]:
    return [f"/calendar/community/{home.id}.ics", f"/calendar/teams/{team.id}.ics"]


def edit(activity: Activity, leader, now: datetime, **changes) -> None:
    db.session.rollback()
    activity = db.session.get(Activity, activity.id)
    data = ActivityInput(activity.title, activity.description, activity.starts_at, activity.ends_at, activity.place,
                         activity.capacity, activity.signup_deadline, activity.audience)
    for name, value in changes.items():
        setattr(data, name, value)
    services.update_activity(actor_for(leader), activity, data, now)
    db.session.commit()


def test_unchanged_data_gives_byte_identical_output(world, client, app):
    home, team, leader = world
    a = f.activity(team, title="敬老院义剪", description="带上剪刀\n和围布")
    f.activity(team, title="社区志愿服务" * 10, starts_in=timedelta(days=9))  # long: folded
    resident = f.user(home, name="王阿姨")
    for url in feeds_of(home, team):
        first = fetch(client, url)
        assert fetch(client, url).data == first.data
        assert fetch(app.test_client(), url).data == first.data  # another client, another session
        event = events_of(client, url)[uid(a)]
        assert event.stamp == a.updated_at.strftime("%Y%m%dT%H%M%SZ")  # from the record, not the clock
        assert event.line("LAST-MODIFIED") == f"LAST-MODIFIED:{event.stamp}"
    bodies = {url: fetch(client, url).data for url in feeds_of(home, team)}
    # A sign-up does not show in public feeds: they stay the same bytes.
    services.sign_up(actor_for(resident), db.session.get(Activity, a.id), utcnow())
    db.session.commit()
    assert {url: fetch(client, url).data for url in feeds_of(home, team)} == bodies


def test_uid_is_stable_across_edits(world, client):
    home, team, leader = world
    a = f.activity(team)
    b = f.activity(team, title="第二个活动", starts_in=timedelta(days=4))
    urls = feeds_of(home, team)
    before = {url: set(events_of(client, url)) for url in urls}
    assert all(before[url] == {uid(a), uid(b)} for url in urls)
    now = utcnow()
    edit(a, leader, now, title="周末清洁家园（改）", place="多功能厅",
         starts_at=a.starts_at + timedelta(hours=3), ends_at=a.ends_at + timedelta(hours=3))
    for url in urls:
        events = events_of(client, url)
        assert set(events) == before[url]
        assert "周末清洁家园（改）" in events[uid(a)].summary


def test_sequence_never_decreases_and_rises_on_time_place_and_cancel(world, client):
    home, team, leader = world
    a = f.activity(team, description="旧介绍")
    url = f"/calendar/community/{home.id}.ics"
    original = (a.starts_at, a.ends_at)

    def sequence() -> int:
        return events_of(client, url)[uid(a)].sequence

    seen = [sequence()]
    now = utcnow()
    steps = [
        ("description", dict(description="新介绍"), 0),
        ("title", dict(title="新标题"), 0),
        ("time", dict(starts_at=original[0] + timedelta(hours=1), ends_at=original[1] + timedelta(hours=1)), 1),
        ("place", dict(place="多功能厅"), 1),
        ("time back", dict(starts_at=original[0], ends_at=original[1]), 1),  # back again: still up, never down
        ("end only", dict(ends_at=original[1] + timedelta(minutes=30)), 1),
        ("capacity", dict(capacity=20), 0),
    ]
    for step, (name, changes, rise) in enumerate(steps, 1):
        edit(a, leader, now + timedelta(minutes=step), **changes)
        seen.append(sequence())
        assert seen[-1] == seen[-2] + rise, (name, seen)
    services.cancel_activity(actor_for(leader), db.session.get(Activity, a.id), now + timedelta(minutes=30))
    db.session.commit()
    seen.append(sequence())
    assert seen[-1] == seen[-2] + 1, seen
    assert events_of(client, url)[uid(a)].status == "CANCELLED"
    assert seen == sorted(seen)


def test_a_cancellation_stays_14_days_then_is_dropped(world, client):
    home, team, _leader = world
    now = utcnow()
    recent = f.activity(team, title="13天前取消的", status=STATUS_CANCELLED, cancelled_at=now - timedelta(days=13))
    old = f.activity(team, title="15天前取消的", status=STATUS_CANCELLED, cancelled_at=now - timedelta(days=15))
    past = add_activity(team, at(-20), at(-20, 12), title="20天前的活动，13天前取消", status=STATUS_CANCELLED,
                        cancelled_at=now - timedelta(days=13))
    for url in feeds_of(home, team):
        events = events_of(client, url)
        assert events[uid(recent)].status == "CANCELLED"
        assert events[uid(past)].status == "CANCELLED"
        assert uid(old) not in events
        assert b"STATUS:CANCELLED" in fetch(client, url).data


def test_the_window_is_90_days_back_and_180_ahead(world, client):
    home, team, _leader = world
    outside = [add_activity(team, at(-91), at(-91, 12), title="91天前"),
               add_activity(team, at(181), at(181, 12), title="181天后"),
               add_activity(team, at(180, 0), at(180, 2), title="180天后零点")]
    inside = [add_activity(team, at(-89), at(-89, 12), title="89天前"),
              add_activity(team, at(179), at(179, 12), title="179天后"),
              # Started 92 days back but still running 89 days back: it overlaps the window.
              add_activity(team, at(-92), at(-89, 17), title="跨进窗口的多日活动")]
    for url in feeds_of(home, team):
        events = events_of(client, url)
        assert {uid(a) for a in inside} <= set(events), url
        assert not {uid(a) for a in outside} & set(events), url


def test_a_multi_day_activity_is_an_all_day_event(world, client):
    home, team, _leader = world
    camp = add_activity(team, at(10, 9), at(12, 17), title="三天夏令营")
    late = add_activity(team, at(5, 22), at(6, 0), title="跨年夜巡逻到零点")  # ends at midnight: one day
    night = add_activity(team, at(7, 20), at(8, 2), title="夜间巡逻")  # crosses midnight: still a timed evening
    day1 = f.beijing_today() + timedelta(days=10)
    for url in feeds_of(home, team):
        events = events_of(client, url)
        event = events[uid(camp)]
        assert event.line("DTSTART") == f"DTSTART;VALUE=DATE:{day1:%Y%m%d}"
        assert event.line("DTEND") == f"DTEND;VALUE=DATE:{day1 + timedelta(days=3):%Y%m%d}"
        assert (event.start, event.end) == (day1, day1 + timedelta(days=3))
        assert not events[uid(late)].all_day
        assert events[uid(late)].line("DTSTART").startswith("DTSTART;TZID=Asia/Shanghai:")
        night_day = f.beijing_today() + timedelta(days=7)
        assert events[uid(night)].line("DTSTART") == f"DTSTART;TZID=Asia/Shanghai:{night_day:%Y%m%d}T200000"
        assert events[uid(night)].line("DTEND") == (
            f"DTEND;TZID=Asia/Shanghai:{night_day + timedelta(days=1):%Y%m%d}T020000")
        assert not events[uid(night)].all_day
    single = client.get(f"/calendar/activities/{night.id}.ics")
    assert single.status_code == 200
    body = single.get_data(as_text=True)
    assert f"DTSTART;TZID=Asia/Shanghai:{night_day:%Y%m%d}T200000" in body and "VALUE=DATE" not in body


def test_a_recurring_series_gives_one_event_per_occurrence_within_the_window(world, client):
    home, team, leader = world
    first = at(1, 9)
    data = ActivityInput("每周太极拳", "", first, first + timedelta(hours=1), "小广场", 20, None, "all")
    weekday = (f.beijing_today() + timedelta(days=1)).weekday()
    created = series.create_series(actor_for(leader), team.id, data, recurrence.Rule("weekly", weekdays=(weekday,),
                                                                                      count=30), utcnow())
    db.session.commit()
    assert len(created) == 30  # 30 weeks reach past the 180 days ahead
    until = from_local(datetime.combine(f.beijing_today() + timedelta(days=180), time()))
    expected = {uid(a): a for a in created if a.starts_at < until}
    assert 24 <= len(expected) < 30
    for url in feeds_of(home, team):
        events = events_of(client, url)
        assert set(events) == set(expected)
        starts = [events[key].start for key in expected]
        assert len(set(starts)) == len(starts)  # each its own date
        for key, activity in expected.items():
            assert events[key].start == to_local(activity.starts_at).astimezone(events[key].start.tzinfo)
            assert events[key].value("RRULE") is None  # separate events, not a rule


def test_text_is_escaped(world, client):
    home, team, _leader = world
    title = "义诊, 量血压; 带上\\医保卡"
    description = "第一行\n第二行, 还有;分号\\和反斜杠\r\n第三行"
    place = "活动室,二楼;东侧"
    a = f.activity(team, title=title, description=description)
    db.session.get(Activity, a.id).place = place
    db.session.commit()
    events = events_of(client, f"/calendar/community/{home.id}.ics")
    event = events[uid(a)]
    assert event.value("SUMMARY") == "义诊\\, 量血压\\; 带上\\\\医保卡（青年志愿服务队）"
    assert event.value("LOCATION") == "活动室\\,二楼\\;东侧"
    assert event.value("DESCRIPTION") == "第一行\\n第二行\\, 还有\\;分号\\\\和反斜杠\\n第三行"
    assert event.summary == f"{title}（青年志愿服务队）"  # both parsers read it back (checked by check_feed)
    assert str(event.parsed["LOCATION"]) == place
    assert str(event.parsed["DESCRIPTION"]) == "第一行\n第二行, 还有;分号\\和反斜杠\n第三行"


def test_url_points_back_to_the_activity_page(world, client):
    home, team, _leader = world
    a = f.activity(team, title="敬老院义剪")
    for url in feeds_of(home, team):
        event = events_of(client, url)[uid(a)]
        assert event.value("URL") == f"http://shequ.test/activities/{a.id}"
    page = client.get(f"/activities/{a.id}")
    assert page.status_code == 200 and "敬老院义剪" in page.get_data(as_text=True)


def test_single_event_download_matches_the_feed(world, client):
    home, team, leader = world
    a = f.activity(team, title="敬老院义剪")
    f.activity(team, title="别的活动", starts_in=timedelta(days=6))
    page = client.get(f"/activities/{a.id}").get_data(as_text=True)
    assert f"/calendar/activities/{a.id}.ics" in page

    def compare():
        download = fetch(client, f"/calendar/activities/{a.id}.ics")
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment") and f"activity-{a.id}.ics" in disposition
        (single,) = check_feed(download.data)
        in_feed = events_of(client, f"/calendar/community/{home.id}.ics")[uid(a)]
        assert single.uid == in_feed.uid == uid(a)
        for name in ("DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "STATUS", "LAST-MODIFIED"):
            assert single.line(name) == in_feed.line(name), name
        return single

    compare()
    edit(a, leader, utcnow() + timedelta(minutes=1), place="多功能厅")
    assert compare().sequence == 1
    services.cancel_activity(actor_for(leader), db.session.get(Activity, a.id), utcnow() + timedelta(minutes=2))
    db.session.commit()
    assert compare().status == "CANCELLED"
    assert client.get("/calendar/activities/99999.ics").status_code == 404


def test_reminder_choice_gives_a_valarm(world, client):
    home, team, _leader = world
    a = f.activity(team, title="敬老院义剪")
    person = f.user(home, name="王阿姨")
    url = f"/calendar/activities/{a.id}.ics"
    (event,) = check_feed(fetch(client, url).data)
    assert event.alarms == []  # nobody signed in: no reminder
    f.login(client, person)
    assert check_feed(fetch(client, url).data)[0].alarms == []  # not chosen yet
    for choice, trigger in (("60", "TRIGGER:-PT60M"), ("1440", "TRIGGER:-PT1440M"), ("", None)):
        answer = client.post("/calendar/reminder", data={"reminder": choice})
        assert answer.status_code in (200, 303), answer.status_code
        (event,) = check_feed(fetch(client, url).data)
        if trigger is None:
            assert event.alarms == [] and "VALARM" not in event.text
        else:
            (alarm,) = event.alarms
            assert trigger in alarm.lines()
            assert "ACTION:DISPLAY" in alarm.lines()
    assert client.post("/calendar/reminder", data={"reminder": "30"}).status_code == 422
    db.session.rollback()
    assert db.session.get(type(person), person.id).reminder_minutes is None


def test_the_client_checks_every_feed_it_gets(world, client, monkeypatch):
    """The conformance check is wired into the test client: a broken feed fails the request."""
    home, team, _leader = world
    f.activity(team)
    real_build = views.build_calendar
    monkeypatch.setattr(views, "build_calendar", lambda *a, **k: real_build(*a, **k).replace(b"\r\n", b"\n"))
    with pytest.raises(FeedNotConformant, match="bare LF"):
        client.get(f"/calendar/community/{home.id}.ics")
    assert client.head(f"/calendar/community/{home.id}.ics").status_code == 200  # no body to check
