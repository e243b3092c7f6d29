"""Conditional GET on every feed kind: strong ETag and Last-Modified, If-None-Match before
If-Modified-Since, a 304 decided from the cheap validator before anything is rendered, and a
validator that changes whenever the rendered bytes do."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import update
from werkzeug.http import http_date, parse_date

from shequ_volunteer.accounts.actor import ANONYMOUS, actor_for
from shequ_volunteer.activities import services
from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.activities.services import ActivityInput
from shequ_volunteer.calendar import tokens, views
from shequ_volunteer.calendar.conditional import Validator, not_modified
from shequ_volunteer.calendar.models import KIND_PERSONAL, KIND_TEAM
from shequ_volunteer.extensions import db
from shequ_volunteer.feed_versions.models import FeedVersion
from shequ_volunteer.teams import services as team_services
from shequ_volunteer.teams.models import Team
from shequ_volunteer.timeutil import at_local, local_today, utcnow
from tests import factories as f
from tests.support.statements import counting_statements

# --- the pure decision ------------------------------------------------------------------------

LM = datetime(2026, 12, 1, 8, 0, 0)
V = Validator(etag="0123abcd", last_modified=LM)
SAME = http_date(LM)
OLDER = http_date(LM - timedelta(seconds=1))
NEWER = http_date(LM + timedelta(days=1))


@pytest.mark.parametrize("if_none_match, if_modified_since, expected", [
    ('"0123abcd"', None, True),
    ('"ffff0000"', None, False),
    ("*", None, True),
    ('W/"0123abcd"', None, True),  # If-None-Match compares weakly (RFC 9110 13.1.2)
    ('"aaaa", "0123abcd", "bbbb"', None, True),
    ('"aaaa", W/"bbbb"', None, False),
    ('"ffff0000"', SAME, False),  # present and not matching: If-Modified-Since is not looked at
    ('"ffff0000"', NEWER, False),
    ('"0123abcd"', OLDER, True),  # matching: 304 whatever the date says
    (None, SAME, True),
    (None, NEWER, True),
    (None, OLDER, False),
    (None, "Tuesday, 01-Dec-26 08:00:00 GMT", True),  # RFC 850 form
    (None, "Tue Dec  1 08:00:00 2026", True),  # asctime form
    (None, "yesterday", False),
    (None, "2026-12-01", False),
    (None, "Tue, 31 Feb 2026 08:00:00 GMT", False),
    (None, "", False),
    (None, None, False),
])
def test_not_modified(if_none_match, if_modified_since, expected):
    assert not_modified(V, if_none_match, if_modified_since) is expected


def test_validator_last_modified_is_whole_seconds_utc():
    validator = Validator.of(("x",), datetime(2026, 12, 1, 8, 0, 0, 999999))
    assert validator.last_modified == LM
    assert validator.http_last_modified == "Tue, 01 Dec 2026 08:00:00 GMT"
    assert Validator.of(("x",), None).etag == validator.etag
    assert Validator.of(("y",), None).etag != validator.etag


# --- the feeds over HTTP ------------------------------------------------------------------------

KINDS = ["community", "team", "personal", "team live"]


@dataclass
class World:
    home: object
    team: object
    other_team: object
    leader: object
    resident: object
    neighbour: object
    main: Activity
    second: Activity
    other: Activity
    urls: dict


def build_world() -> World:
    home = f.community()
    team = f.team(home, name="夕阳红志愿服务队")
    other_team = f.team(home, name="科普志愿服务队", kind="science")
    leader = f.user(home, name="李队长")
    f.member(team, leader, leader=True)
    resident, neighbour = f.user(home, name="王阿姨"), f.user(home, name="赵大爷")
    main = f.activity(team, title="敬老院义剪", capacity=5)
    second = f.activity(team, title="读书会", starts_in=timedelta(days=5))
    other = f.activity(other_team, title="防诈骗讲座", starts_in=timedelta(days=6))
    services.sign_up(actor_for(resident), db.session.get(Activity, main.id), utcnow())
    services.sign_up(actor_for(neighbour), db.session.get(Activity, main.id), utcnow())
    personal = tokens.issue(resident.id, KIND_PERSONAL, utcnow())
    team_live = tokens.issue(leader.id, KIND_TEAM, utcnow(), team_id=team.id)
    db.session.commit()
    urls = {
        "community": f"/calendar/community/{home.id}.ics",
        "team": f"/calendar/teams/{team.id}.ics",
        "personal": f"/calendar/me/{personal}.ics",
        "team live": f"/calendar/team-live/{team_live}.ics",
    }
    return World(home, team, other_team, leader, resident, neighbour, main, second, other, urls)


@pytest.fixture
def world(app) -> World:
    return build_world()


STRONG_ETAG = re.compile(r'^"[^"]+"$')


@pytest.mark.parametrize("kind", KINDS)
def test_validators_and_304(world, client, kind):
    url = world.urls[kind]
    first = client.get(url)
    assert first.status_code == 200 and first.data
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert STRONG_ETAG.match(etag), etag  # quoted, not W/
    assert parse_date(last_modified) is not None
    assert first.headers["Cache-Control"]

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag  # RFC 9110 15.4.5: the 304 repeats ETag and Cache-Control
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert again.headers.get("Last-Modified", last_modified) == last_modified
    assert client.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f'"stale", {etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    stale = client.get(url, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.data == first.data
    wins = client.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified})
    assert wins.status_code == 200 and wins.data == first.data  # If-None-Match wins
    older = http_date(parse_date(last_modified) - timedelta(seconds=1))
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    for garbage in ("yesterday", "Tue, 31 Feb 2026 08:00:00 GMT", "0"):
        answer = client.get(url, headers={"If-Modified-Since": garbage})
        assert answer.status_code == 200 and answer.data == first.data, garbage


class Tracker:
    """Successive fetches of one feed; whenever two share an ETag, their bytes must be the same."""

    def __init__(self, client, url: str):
        self.client, self.url = client, url
        self.etag, self.body, self.last_modified = None, None, None

    def fetch(self) -> tuple[str, bytes]:
        response = self.client.get(self.url)
        assert response.status_code == 200
        etag, body = response.headers["ETag"], response.data
        if etag == self.etag:
            assert body == self.body, f"{self.url}: same ETag {etag}, different bytes"
        if self.etag is not None and etag != self.etag:
            # The 304 an app holding the old version would get must not happen: it gets the new bytes...
            stale = self.client.get(self.url, headers={"If-None-Match": self.etag})
            assert (stale.status_code, stale.data) == (200, body)
        # ...and one holding this version gets it.
        assert self.client.get(self.url, headers={"If-None-Match": etag}).status_code == 304
        previous = (self.etag, self.body, self.last_modified)
        self.etag, self.body, self.last_modified = etag, body, response.headers["Last-Modified"]
        return previous

    def changed(self, step: str) -> None:
        old_etag, old_body, _lm = self.fetch()
        assert self.body != old_body, f"{step}: the feed did not change"
        assert self.etag != old_etag, f"{step}: the feed changed but its ETag did not"

    def unchanged(self, step: str) -> None:
        _etag, old_body, _lm = self.fetch()
        assert self.body == old_body, f"{step}: the feed changed"


def edit(world: World, activity: Activity, **changes) -> None:
    db.session.rollback()
    activity = db.session.get(Activity, activity.id)
    data = ActivityInput(activity.title, activity.description, activity.starts_at, activity.ends_at, activity.place,
                         activity.capacity, activity.signup_deadline, activity.audience)
    for name, value in changes.items():
        setattr(data, name, value)
    services.update_activity(actor_for(world.leader), activity, data, utcnow())
    db.session.commit()


def sign_up(person, activity) -> None:
    db.session.rollback()
    services.sign_up(actor_for(person), db.session.get(Activity, activity.id), utcnow())
    db.session.commit()


def withdraw(person, activity) -> None:
    db.session.rollback()
    services.withdraw(actor_for(person), db.session.get(Activity, activity.id), utcnow())
    db.session.commit()


def remind(client, minutes: str) -> None:
    assert client.post("/calendar/reminder", data={"reminder": minutes}).status_code in (200, 303)


# Each step, and the feeds it must change (the others must at least keep ETag ⇒ bytes).
STEPS = [
    ("nothing", lambda w, c: None, set()),
    ("edit the description", lambda w, c: edit(w, w.main, description="带上围布"), {"community", "team", "personal",
                                                                                  "team live"}),
    ("edit the place", lambda w, c: edit(w, w.main, place="多功能厅"), {"community", "team", "personal", "team live"}),
    ("a new sign-up by the resident", lambda w, c: sign_up(w.resident, w.second), {"personal", "team live"}),
    ("someone else signs up", lambda w, c: sign_up(w.leader, w.main), {"team live"}),
    ("the resident withdraws", lambda w, c: withdraw(w.resident, w.second), {"personal", "team live"}),
    ("someone else withdraws", lambda w, c: withdraw(w.neighbour, w.main), {"team live"}),
    ("a reminder of 1 hour", lambda w, c: remind(c, "60"), {"personal"}),
    ("a reminder of 1 day", lambda w, c: remind(c, "1440"), {"personal"}),
    ("no reminder", lambda w, c: remind(c, ""), {"personal"}),
    ("rename the team", lambda w, c: rename(w.team, "银发志愿服务队"), {"community", "team", "personal", "team live"}),
    ("another team's activity", lambda w, c: edit(w, w.other, title="防诈骗讲座（改）"), {"community"}),
    ("rename another team", lambda w, c: rename(w.other_team, "科技志愿服务队"), {"community"}),
    ("a new activity", lambda w, c: new_activity(w), {"community", "team", "team live"}),
    ("cancel", lambda w, c: cancel(w, w.main), {"community", "team", "personal", "team live"}),
    ("nothing again", lambda w, c: None, set()),
]


def rename(team: Team, name: str) -> None:
    db.session.rollback()
    team = db.session.get(Team, team.id)
    team_services.save_team(ANONYMOUS, team, name, team.kind, team.description, utcnow())
    db.session.commit()


def new_activity(world: World) -> None:
    db.session.rollback()
    starts = utcnow().replace(microsecond=0) + timedelta(days=8)
    services.create_activity(actor_for(world.leader), world.team.id, ActivityInput(
        "新活动", "", starts, starts + timedelta(hours=2), "活动室", None, None, "all"), utcnow())
    db.session.commit()


def cancel(world: World, activity: Activity) -> None:
    db.session.rollback()
    services.cancel_activity(actor_for(world.leader), db.session.get(Activity, activity.id), utcnow())
    db.session.commit()


@pytest.mark.parametrize("kind", KINDS)
def test_every_change_to_the_bytes_changes_the_etag(world, app, kind):
    feeds = app.test_client()
    tracker = Tracker(feeds, world.urls[kind])
    tracker.fetch()
    resident = f.logged_in(app, world.resident)
    for step, change, alters in STEPS:
        change(world, resident)
        if kind in alters:
            tracker.changed(step)
        else:
            tracker.unchanged(step)


@pytest.mark.parametrize("kind", KINDS)
def test_last_modified_moves_on_when_an_event_leaves_the_feed(world, client, kind):
    """An app that only sends If-Modified-Since must not get a 304 for a feed that lost an event:
    moving an activity out of the window takes it out of the feed, so Last-Modified must not
    stay (or go back) where it was."""
    url = world.urls[kind]
    db.session.rollback()
    main = db.session.get(Activity, world.main.id)
    main.updated_at = utcnow().replace(microsecond=0) - timedelta(days=3)
    db.session.get(Activity, world.other.id).updated_at = utcnow().replace(microsecond=0) - timedelta(days=3)
    db.session.get(Activity, world.second.id).updated_at = utcnow().replace(microsecond=0) - timedelta(days=2)
    # Everything else the feeds date from, too: HTTP dates have whole seconds, so a change within
    # the same second as the last one cannot move Last-Modified (that is what the ETag is for).
    for model in (Team, Signup):
        db.session.execute(update(model).values(updated_at=utcnow().replace(microsecond=0) - timedelta(days=2)))
    db.session.execute(update(FeedVersion).values(changed_at=utcnow().replace(microsecond=0) - timedelta(days=2)))
    db.session.commit()
    before = client.get(url)
    assert f"activity-{world.main.id}@".encode() in before.data
    # Moved 200 days ahead: out of the window, out of the feed.
    edit(world, world.second, starts_at=world.second.starts_at + timedelta(days=200),
         ends_at=world.second.ends_at + timedelta(days=200))
    edit(world, world.main, starts_at=world.main.starts_at + timedelta(days=200),
         ends_at=world.main.ends_at + timedelta(days=200))
    after = client.get(url)
    assert f"activity-{world.main.id}@".encode() not in after.data
    assert after.headers["ETag"] != before.headers["ETag"]
    answer = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert answer.status_code == 200, (
        f"Last-Modified went from {before.headers['Last-Modified']} to {after.headers['Last-Modified']}: "
        "an If-Modified-Since client keeps the event that left")


def test_a_new_day_that_brings_an_event_into_the_window_moves_last_modified(world, client, monkeypatch):
    """An activity planned long ago enters the 180-day window as the days pass: ETag and
    Last-Modified must both change, or If-Modified-Since clients never see it."""
    url = world.urls["community"]
    db.session.rollback()
    now = utcnow().replace(microsecond=0)
    # 10:00 on the first Beijing day past today's window, which tomorrow's window reaches, whatever the hour now.
    first_day_out = local_today(now) + timedelta(days=180)
    far = f.activity(db.session.get(Team, world.team.id), title="明年的活动",
                     starts_in=at_local(first_day_out, time(10)) - now, now=now)
    db.session.get(Activity, far.id).updated_at = now - timedelta(days=30)  # planned a month ago
    db.session.commit()
    today = client.get(url)
    assert f"activity-{far.id}@".encode() not in today.data
    monkeypatch.setattr(views, "utcnow", lambda: now + timedelta(days=1))
    tomorrow = client.get(url)
    assert f"activity-{far.id}@".encode() in tomorrow.data
    assert tomorrow.headers["ETag"] != today.headers["ETag"]
    answer = client.get(url, headers={"If-Modified-Since": today.headers["Last-Modified"]})
    assert answer.status_code == 200, "an If-Modified-Since client would never see the new event"


# --- the 304 path does not render -----------------------------------------------------------------

def add_events(team: Team, people: list[int], count: int, start: int = 0) -> None:
    now = utcnow().replace(microsecond=0)
    activities = [Activity(team_id=team.id, title=f"活动{i}", place="活动室", capacity=None,
                           starts_at=now + timedelta(days=1 + i % 170, hours=i % 7),
                           ends_at=now + timedelta(days=1 + i % 170, hours=i % 7 + 1), updated_at=now)
                  for i in range(start, start + count)]
    db.session.add_all(activities)
    db.session.flush()
    for activity in activities:
        for person in people:
            db.session.add(Signup(activity_id=activity.id, user_id=person, created_at=now, updated_at=now))
        activity.seats_taken = len(people)
    db.session.commit()


def statements(client, url: str, headers: dict | None = None, expect: int = 200) -> int:
    db.session.remove()
    with counting_statements() as executed:
        response = client.get(url, headers=headers or {})
    assert response.status_code == expect
    return len(executed)


@pytest.mark.parametrize("kind", KINDS)
def test_the_304_path_does_not_render(world, app, kind, monkeypatch):
    people, team_id = [world.resident.id, world.neighbour.id], world.team.id
    add_events(db.session.get(Team, team_id), people, 8)
    client = app.test_client()
    url = world.urls[kind]
    etag = client.get(url).headers["ETag"]  # warm up
    full_10, short_10 = statements(client, url), statements(client, url, {"If-None-Match": etag}, 304)

    renders = []
    real_build = views.build_calendar
    monkeypatch.setattr(views, "build_calendar", lambda *a, **k: renders.append(1) or real_build(*a, **k))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert renders == []
    assert client.get(url).status_code == 200 and renders == [1]
    monkeypatch.undo()

    db.session.rollback()
    add_events(db.session.get(Team, team_id), people, 90, start=8)
    etag = client.get(url).headers["ETag"]
    assert b"\xe6\xb4\xbb\xe5\x8a\xa897" in client.get(url).data  # 活动97: the 100 events are there
    full_100, short_100 = statements(client, url), statements(client, url, {"If-None-Match": etag}, 304)
    assert short_10 < full_10 and short_100 < full_100, (short_10, full_10, short_100, full_100)
    assert short_100 == short_10, "the 304 path grows with the number of events"
