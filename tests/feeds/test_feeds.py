"""Community and team .ics feeds, parsed back with icalendar."""
from datetime import timedelta

import icalendar

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services
from shequ_volunteer.activities.services import ActivityInput
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _setup():
    home = f.community()
    youth = f.team(home)
    science = f.team(home, name="科普志愿服务队", kind="science")
    a = f.activity(youth, title="周末清洁家园")
    b = f.activity(science, title="防范电信诈骗讲座，请带身份证；欢迎家属", starts_in=timedelta(days=5))
    leader = f.user(home, name="李队长")
    f.member(youth, leader, leader=True)
    return home, youth, science, a, b, leader


def test_community_feed_lists_every_activity_with_stable_uids(app, client):
    home, _youth, _science, a, b, _leader = _setup()
    response = client.get(f"/calendar/community/{home.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.data
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = _events(body)
    assert set(events) == {f"activity-{a.id}@shequ-volunteer.cn", f"activity-{b.id}@shequ-volunteer.cn"}
    lecture = events[f"activity-{b.id}@shequ-volunteer.cn"]
    assert "防范电信诈骗讲座，请带身份证；欢迎家属" in str(lecture["SUMMARY"])
    assert lecture["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert lecture.decoded("DTSTAMP").replace(tzinfo=None) == b.updated_at
    assert client.get(f"/calendar/community/{home.id}.ics").data == body  # byte-identical


def test_team_feed_only_has_that_team(app, client):
    _home, youth, _science, a, _b, _leader = _setup()
    events = _events(client.get(f"/calendar/teams/{youth.id}.ics").data)
    assert list(events) == [f"activity-{a.id}@shequ-volunteer.cn"]


def test_sequence_rises_on_time_place_and_cancel(app, client):
    _home, youth, _science, a, _b, leader = _setup()
    url = f"/calendar/teams/{youth.id}.ics"

    def sequence_and_stamp():
        event = _events(client.get(url).data)[f"activity-{a.id}@shequ-volunteer.cn"]
        return int(event["SEQUENCE"]), event.decoded("DTSTAMP"), event

    seq0, stamp0, _ = sequence_and_stamp()
    actor = actor_for(leader)
    later = utcnow() + timedelta(minutes=5)
    data = ActivityInput(a.title, "新的介绍", a.starts_at, a.ends_at, a.place, a.capacity, None, "all")
    services.update_activity(actor, a, data, later)
    db.session.commit()
    seq1, stamp1, _ = sequence_and_stamp()
    assert seq1 == seq0  # description only: no SEQUENCE bump, but a new DTSTAMP
    assert stamp1 > stamp0

    data.place = "多功能厅"
    services.update_activity(actor, a, data, later + timedelta(minutes=1))
    db.session.commit()
    seq2, _, event = sequence_and_stamp()
    assert seq2 == seq1 + 1 and str(event["LOCATION"]) == "多功能厅"

    services.cancel_activity(actor, a, later + timedelta(minutes=2))
    db.session.commit()
    seq3, _, event = sequence_and_stamp()
    assert seq3 == seq2 + 1
    assert event["STATUS"] == "CANCELLED"


def test_unknown_feed_is_404(client):
    assert client.get("/calendar/community/999.ics").status_code == 404
    assert client.get("/calendar/teams/999.ics").status_code == 404


def test_pages_offer_webcal_and_https_links(app, client):
    home, youth, *_ = _setup()
    team_page = client.get(f"/teams/{youth.id}").get_data(as_text=True)
    assert f"webcal://shequ.test/calendar/teams/{youth.id}.ics" in team_page
    assert f"http://shequ.test/calendar/teams/{youth.id}.ics" in team_page
    home_page = client.get("/").get_data(as_text=True)
    assert f"webcal://shequ.test/calendar/community/{home.id}.ics" in home_page
