"""Secret feed links: 我的日程 (sign-ups and pairing visits) and a leader's team feed with live
counts; reset and staff revoke; subscribe pages; the secret kept out of the database and the logs."""
from __future__ import annotations

import base64
import hashlib
import logging
import re
import time as clock
from datetime import date, datetime, time, timedelta

import pytest
import requests
from sqlalchemy import select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities import services
from shequ_volunteer.activities.models import Activity
from shequ_volunteer.calendar import private_feeds, tokens
from shequ_volunteer.calendar.models import KIND_PERSONAL, KIND_TEAM, FeedToken
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import services as pairing_services
from shequ_volunteer.pairing.models import CATEGORIES, Household, Pairing
from shequ_volunteer.teams.models import ROLE_MEMBER, Membership
from shequ_volunteer.timeutil import at_local, utcnow
from shequ_volunteer.web import log_redaction
from tests import factories as f
from tests.support.ical_conformance import by_uid, check_feed
from tests.web.helpers import db_state

DOMAIN = "shequ-volunteer.cn"
URLSAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def uid(activity) -> str:
    return f"activity-{activity.id}@{DOMAIN}"


def link_from(page: str, kind: str) -> tuple[str, str]:
    """(path, secret) of the secret https link the page shows once."""
    found = re.findall(rf'href="(https?://shequ\.test(/calendar/{kind}/([^"/]+)\.ics))"', page)
    assert found, f"no {kind} feed link on the page"
    assert len({secret for _url, _path, secret in found}) == 1
    _url, path, secret = found[0]
    assert f"webcal://shequ.test/calendar/{kind}/{secret}.ics" in page
    return path, secret


def new_personal_link(client) -> tuple[str, str, str]:
    answer = client.post("/calendar/subscribe", data={"confirmed": "1"})  # past the confirmation of a reset
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    return (*link_from(page, "me"), page)


def new_team_link(client, team_id: int) -> tuple[str, str, str]:
    answer = client.post(f"/calendar/subscribe/team-live/{team_id}", data={"confirmed": "1"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    return (*link_from(page, "team-live"), page)


def feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response, by_uid(check_feed(response.data))


def fresh() -> None:
    """End the test's own read transaction: requests committed since."""
    db.session.rollback()


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home, name="夕阳红志愿服务队")
    leader = f.user(home, name="李队长")
    f.member(team, leader, leader=True)
    resident = f.user(home, name="王阿姨")
    return home, team, leader, resident


# --- the secret -------------------------------------------------------------------------------

def test_link_secret_is_long_random_and_stored_only_as_its_hash(world, client, app):
    home, _team, _leader, resident = world
    f.login(client, resident)
    path, secret, page = new_personal_link(client)
    assert len(secret) >= 22 and URLSAFE.match(secret)
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) >= 16  # ≥ 128 bits
    assert client.get(path).status_code == 200

    fresh()
    (token,) = db.session.scalars(select(FeedToken).where(FeedToken.user_id == resident.id))
    assert token.kind == KIND_PERSONAL and token.revoked_at is None
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    for table, rows in db_state().items():
        for row in rows:
            assert not any(secret in str(value) for value in row), f"the raw secret is stored in {table}"

    # Shown once: the page cannot show it again.
    assert secret not in client.get("/calendar/subscribe").get_data(as_text=True)
    other = f.logged_in(app, f.user(home, name="赵大爷"))
    assert new_personal_link(other)[1] != secret


def test_reset_stops_the_old_link_at_once(world, client):
    _home, _team, _leader, resident = world
    f.login(client, resident)
    old_path, old_secret, _ = new_personal_link(client)
    assert client.get(old_path).status_code == 200
    new_path, new_secret, page = new_personal_link(client)
    assert new_secret != old_secret and "旧链接已停用" in page
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    fresh()
    live = [t for t in db.session.scalars(select(FeedToken).where(FeedToken.user_id == resident.id))
            if t.revoked_at is None]
    assert [t.secret_hash for t in live] == [tokens.hash_secret(new_secret)]


def test_unknown_overlong_revoked_and_wrong_kind_secrets_are_404(world, client, app):
    _home, team, leader, resident = world
    f.login(client, resident)
    old_path, _old, _ = new_personal_link(client)
    path, secret, _ = new_personal_link(client)  # revokes the first
    leader_client = f.logged_in(app, leader)
    team_path, team_secret, _ = new_team_link(leader_client, team.id)
    anonymous = app.test_client()
    for url in ["/calendar/me/" + "A" * 43 + ".ics", "/calendar/me/" + "a" * 500 + ".ics", old_path,
                f"/calendar/me/{secret[:-1]}.ics", f"/calendar/me/{team_secret}.ics",
                f"/calendar/team-live/{secret}.ics", "/calendar/team-live/" + "b" * 500 + ".ics"]:
        assert anonymous.get(url).status_code == 404, url
    assert anonymous.get(path).status_code == 200 and anonymous.get(team_path).status_code == 200


# --- 我的日程 ---------------------------------------------------------------------------------

def test_personal_feed_holds_confirmed_and_pending_signups_not_waiting_ones(world, client, app):
    home, team, leader, resident = world
    other = f.user(home, name="赵大爷")
    confirmed = f.activity(team, title="敬老院义剪", capacity=5)
    pending = f.activity(team, title="需审核的讲座", requires_approval=True, starts_in=timedelta(days=4))
    full = f.activity(team, title="只有一个名额", capacity=1, starts_in=timedelta(days=5))
    not_mine = f.activity(team, title="别人的活动", starts_in=timedelta(days=6))
    now = utcnow()
    services.sign_up(actor_for(other), db.session.get(Activity, full.id), now)
    services.sign_up(actor_for(other), db.session.get(Activity, not_mine.id), now)
    for activity in (confirmed, pending, full):
        services.sign_up(actor_for(resident), db.session.get(Activity, activity.id), now)
    db.session.commit()

    f.login(client, resident)
    path, _secret, _ = new_personal_link(client)
    response, events = feed(client, path)
    assert set(events) == {uid(confirmed), uid(pending)}  # the waiting one is left out
    assert events[uid(confirmed)].summary == "敬老院义剪（夕阳红志愿服务队）"
    assert events[uid(pending)].summary == "需审核的讲座（夕阳红志愿服务队）（待审核）"
    assert f"X-WR-CALNAME:{resident.name}的日程".encode() in response.data
    etag = response.headers["ETag"]

    # Withdrawing (the real route) removes the event at the next refresh.
    assert client.post(f"/activities/{confirmed.id}/withdraw", data={"confirmed": "1"}).status_code in (200, 303)
    response, events = feed(client, path)
    assert set(events) == {uid(pending)}
    assert response.headers["ETag"] != etag
    etag = response.headers["ETag"]

    # A promotion from the waiting list adds it.
    fresh()
    services.withdraw(actor_for(other), db.session.get(Activity, full.id), utcnow())
    db.session.commit()
    response, events = feed(client, path)
    assert set(events) == {uid(pending), uid(full)}
    assert response.headers["ETag"] != etag

    # The leader's approval drops the 待审核 mark.
    fresh()
    signup = next(s for s in db.session.scalars(select(services.Signup).where(
        services.Signup.activity_id == pending.id)))
    services.review(actor_for(leader), db.session.get(Activity, pending.id), signup.id, True, utcnow())
    db.session.commit()
    assert feed(client, path)[1][uid(pending)].summary == "需审核的讲座（夕阳红志愿服务队）"


SECRETS_OF_THE_HOUSEHOLD = dict(head_name="孙秀兰", members="老伴已故；女儿在外地", contact_name="孙小明",
                                contact_phone="13811112222", notes="糖尿病，独居，有轻度认知障碍",
                                helper_brief="耳背，敲门要用力", room="东单元", estate="幸福里小区", grid="第二网格")


def household(home, building: str, *, tier: str = "general", updated_at: datetime | None = None,
              **overrides) -> Household:
    values = dict(SECRETS_OF_THE_HOUSEHOLD, **overrides)
    return f.household(home, building=building, categories="empty_nest,dibao,disabled", tier=tier,
                       updated_at=updated_at or utcnow() - timedelta(days=1), **values)


def pair(item: Household, helper: User, staff: User, since: date) -> Pairing:
    return f.pairing(item, staff, helpers=[helper], since=since, reason="独居老人，需定期探访")


def forbidden_words(item: Household) -> list[str]:
    words = [value for key, value in SECRETS_OF_THE_HOUSEHOLD.items() if key not in ("estate", "grid")]
    return [*words, *CATEGORIES.values(), "高风险", "重点", item.tier_label, "独居老人，需定期探访"]


def test_pairing_visits_show_with_reduced_detail_and_move_when_visited(world, client):
    home, team, _leader, volunteer = world
    f.member(team, volunteer)
    staff = f.staff(home)
    due_later = household(home, "3")  # paired 10 days ago, quarterly: due in 81 days
    overdue = household(home, "5")  # paired 100 days ago: overdue
    pair(due_later, volunteer, staff, f.beijing_today() - timedelta(days=10))
    pair(overdue, volunteer, staff, f.beijing_today() - timedelta(days=100))
    someone_else = household(home, "7")
    pair(someone_else, f.user(home, name="别的志愿者"), staff, f.beijing_today() - timedelta(days=100))

    f.login(client, volunteer)
    path, _secret, _ = new_personal_link(client)
    response, events = feed(client, path)
    visits = {key: event for key, event in events.items() if key.startswith("visit-")}
    assert len(visits) == 2  # not the household someone else visits
    later = visits[f"visit-{due_later.id}-{volunteer.id}@{DOMAIN}"]
    late = visits[f"visit-{overdue.id}-{volunteer.id}@{DOMAIN}"]
    assert later.summary == "探访 · 3号楼"
    assert (later.start, later.end) == (f.beijing_today() + timedelta(days=81), f.beijing_today() + timedelta(days=82))
    assert later.line("DTSTART") == f"DTSTART;VALUE=DATE:{f.beijing_today() + timedelta(days=81):%Y%m%d}"
    assert late.summary == "探访（已逾期）· 5号楼"
    assert late.start == f.beijing_today()  # overdue: shown today
    body = response.data.decode()
    for word in forbidden_words(due_later):
        assert word not in body, f"{word!r} is in the calendar feed"
    for event in visits.values():
        assert event.value("DESCRIPTION") is None and event.value("LOCATION") is None
    etag, sequence = response.headers["ETag"], late.sequence

    # A visit today: the event moves a full interval on, is no longer overdue, SEQUENCE rises.
    fresh()
    pairing_services.log_visit(actor_for(volunteer), db.session.get(Household, overdue.id), pairing_services.VisitInput(
        way="home", visited_on=f.beijing_today(), duration_minutes=30, note="血压偏高，孙秀兰说想念女儿",
        concerns=["health"]), utcnow())
    db.session.commit()
    response, events = feed(client, path)
    moved = events[f"visit-{overdue.id}-{volunteer.id}@{DOMAIN}"]
    assert moved.summary == "探访 · 5号楼"
    assert moved.start == f.beijing_today() + timedelta(days=91)
    assert moved.sequence > sequence
    assert response.headers["ETag"] != etag
    assert "血压偏高" not in response.data.decode() and "身体健康" not in response.data.decode()


def test_a_back_dated_visit_moves_the_event_and_raises_its_sequence(world, client):
    """补记: a visit logged for yesterday moves the due day; calendars only take the move
    when SEQUENCE (and DTSTAMP) rise, whatever else changed on the household meanwhile."""
    home, team, _leader, volunteer = world
    f.member(team, volunteer)
    staff = f.staff(home)
    item = household(home, "3", updated_at=utcnow().replace(microsecond=0))  # staff edited the record just now
    pair(item, volunteer, staff, f.beijing_today() - timedelta(days=10))
    f.login(client, volunteer)
    path, _secret, _ = new_personal_link(client)
    key = f"visit-{item.id}-{volunteer.id}@{DOMAIN}"
    before = feed(client, path)[1][key]
    assert before.start == f.beijing_today() + timedelta(days=81)

    fresh()
    pairing_services.log_visit(actor_for(volunteer), db.session.get(Household, item.id), pairing_services.VisitInput(
        way="phone", visited_on=f.beijing_today() - timedelta(days=1), duration_minutes=10), utcnow())
    db.session.commit()
    after = feed(client, path)[1][key]
    assert after.start == f.beijing_today() + timedelta(days=90)  # moved: yesterday + 91
    assert after.sequence > before.sequence, "the event moved but SEQUENCE did not rise"
    assert after.stamp != before.stamp, "the event moved but DTSTAMP/LAST-MODIFIED stayed the same"


def test_a_back_dated_visit_to_an_overdue_household_never_lowers_sequence(world, client):
    """Overdue today, then a visit logged for yesterday: the event moves from today to
    yesterday + 91 days; SEQUENCE must rise, never fall (calendars ignore lower ones)."""
    home, team, _leader, volunteer = world
    f.member(team, volunteer)
    staff = f.staff(home)
    item = household(home, "5", updated_at=utcnow().replace(microsecond=0) - timedelta(days=5))
    pair(item, volunteer, staff, f.beijing_today() - timedelta(days=100))
    f.login(client, volunteer)
    path, _secret, _ = new_personal_link(client)
    key = f"visit-{item.id}-{volunteer.id}@{DOMAIN}"
    before = feed(client, path)[1][key]
    assert before.summary == "探访（已逾期）· 5号楼" and before.start == f.beijing_today()

    fresh()
    pairing_services.log_visit(actor_for(volunteer), db.session.get(Household, item.id), pairing_services.VisitInput(
        way="home", visited_on=f.beijing_today() - timedelta(days=1), duration_minutes=20), utcnow())
    db.session.commit()
    after = feed(client, path)[1][key]
    assert after.summary == "探访 · 5号楼" and after.start == f.beijing_today() + timedelta(days=90)
    assert after.sequence > before.sequence, f"SEQUENCE went from {before.sequence} to {after.sequence}"
    assert after.stamp > before.stamp, f"DTSTAMP went back from {before.stamp} to {after.stamp}"


def test_personal_feed_reminders_and_privacy_headers(world, client):
    _home, team, leader, resident = world
    activity = f.activity(team, title="敬老院义剪")
    cancelled = f.activity(team, title="取消了的活动", starts_in=timedelta(days=4))
    for item in (activity, cancelled):
        services.sign_up(actor_for(resident), db.session.get(Activity, item.id), utcnow())
    services.cancel_activity(actor_for(leader), db.session.get(Activity, cancelled.id), utcnow())
    db.session.commit()
    f.login(client, resident)
    path, _secret, _ = new_personal_link(client)
    response, events = feed(client, path)
    assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    assert events[uid(activity)].alarms == []
    for choice, trigger in (("60", "TRIGGER:-PT60M"), ("1440", "TRIGGER:-PT1440M")):
        assert client.post("/calendar/reminder", data={"reminder": choice}).status_code in (200, 303)
        _response, events = feed(client, path)
        (alarm,) = events[uid(activity)].alarms
        assert trigger in alarm.lines()
        assert events[uid(cancelled)].alarms == []  # no reminder for a cancelled activity
    assert client.post("/calendar/reminder", data={"reminder": ""}).status_code in (200, 303)
    assert b"BEGIN:VALARM" not in feed(client, path)[0].data


# --- staff revoke -----------------------------------------------------------------------------

def test_staff_revoke_a_persons_links(world, app):
    home, team, leader, resident = world
    person = f.logged_in(app, leader)
    personal_path, _s, _ = new_personal_link(person)
    team_path, _t, _ = new_team_link(person, team.id)
    anonymous = app.test_client()
    assert anonymous.get(personal_path).status_code == 200 and anonymous.get(team_path).status_code == 200

    fresh()
    elsewhere = f.community("和平里社区")
    stranger = f.logged_in(app, f.staff(elsewhere, name="外社区工作人员"))
    page = stranger.get(f"/calendar/links?phone={leader.phone}")
    assert page.status_code == 200 and leader.name not in page.get_data(as_text=True)
    assert stranger.post(f"/calendar/links/{leader.id}/revoke").status_code == 404
    assert anonymous.get(personal_path).status_code == 200 and anonymous.get(team_path).status_code == 200

    neighbour = app.test_client()
    fresh()
    f.login(neighbour, resident)
    assert neighbour.get("/calendar/links").status_code == 404
    assert neighbour.get(f"/calendar/links?phone={leader.phone}").status_code == 404
    assert neighbour.post(f"/calendar/links/{leader.id}/revoke").status_code == 404
    assert anonymous.get(personal_path).status_code == 200

    staff = app.test_client()
    fresh()
    f.login(staff, f.staff(home))
    page = staff.get(f"/calendar/links?phone={leader.phone}").get_data(as_text=True)
    assert leader.name in page and "2 个有效的日历链接" in page
    answer = staff.post(f"/calendar/links/{leader.id}/revoke", data={"confirmed": "1"}, follow_redirects=True)
    assert answer.status_code == 200 and "已停用李队长的2个日历链接" in answer.get_data(as_text=True)
    assert anonymous.get(personal_path).status_code == 404
    assert anonymous.get(team_path).status_code == 404
    assert "0 个有效的日历链接" in staff.get(f"/calendar/links?phone={leader.phone}").get_data(as_text=True)
    fresh()
    assert all(t.revoked_by_id is not None for t in db.session.scalars(select(FeedToken)))
    # The person can make a new one afterwards.
    assert person.get(new_personal_link(person)[0]).status_code == 200


# --- the leader's team feed with counts ---------------------------------------------------------

def test_team_live_feed_has_counts_and_follows_sign_ups(world, client, app):
    home, team, leader, _resident = world
    haircut = f.activity(team, title="敬老院义剪", capacity=5)
    open_ended = f.activity(team, title="广场舞", capacity=None, starts_in=timedelta(days=4))
    other_team = f.team(home, name="别的队")
    f.activity(other_team, title="别的队的活动")
    people = [f.user(home, name=f"居民{i}") for i in range(5)]
    for person in people[:3]:
        services.sign_up(actor_for(person), db.session.get(Activity, haircut.id), utcnow())
    services.sign_up(actor_for(people[0]), db.session.get(Activity, open_ended.id), utcnow())
    db.session.commit()

    f.login(client, leader)
    path, _secret, _ = new_team_link(client, team.id)
    anonymous = app.test_client()
    response, events = feed(anonymous, path)
    assert set(events) == {uid(haircut), uid(open_ended)}
    assert events[uid(haircut)].summary == "敬老院义剪 3/5"
    assert events[uid(open_ended)].summary == "广场舞 1人"
    assert "private" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]

    fresh()
    services.sign_up(actor_for(people[3]), db.session.get(Activity, haircut.id), utcnow())
    db.session.commit()
    response, events = feed(anonymous, path)
    assert events[uid(haircut)].summary == "敬老院义剪 4/5"
    assert response.headers["ETag"] != etag
    etag = response.headers["ETag"]

    fresh()
    services.withdraw(actor_for(people[1]), db.session.get(Activity, haircut.id), utcnow())
    db.session.commit()
    response, events = feed(anonymous, path)
    assert events[uid(haircut)].summary == "敬老院义剪 3/5" and response.headers["ETag"] != etag

    # No longer the leader: the link stops working.
    fresh()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == leader.id,
                                                            Membership.team_id == team.id))
    membership.role = ROLE_MEMBER
    db.session.commit()
    assert anonymous.get(path).status_code == 404


def test_an_evening_across_midnight_keeps_its_times_in_the_private_feeds(world, client, app):
    """A patrol 20:00–02:00 is a timed event with TZID in 我的日程 and the leader's feed, not two all-day days."""
    _home, team, leader, _resident = world
    night_day = f.beijing_today() + timedelta(days=6)
    patrol = f.activity(team, title="夜间巡逻", starts_in=at_local(night_day, time(20)) - utcnow(), hours=6)
    services.sign_up(actor_for(leader), db.session.get(Activity, patrol.id), utcnow())
    db.session.commit()
    f.login(client, leader)
    personal, _secret, _ = new_personal_link(client)
    team_live, _secret, _ = new_team_link(client, team.id)
    anonymous = app.test_client()
    for path in (personal, team_live):
        _response, events = feed(anonymous, path)
        event = events[uid(patrol)]
        assert not event.all_day, path
        assert event.line("DTSTART") == f"DTSTART;TZID=Asia/Shanghai:{night_day:%Y%m%d}T200000", path
        assert event.line("DTEND") == f"DTEND;TZID=Asia/Shanghai:{night_day + timedelta(days=1):%Y%m%d}T020000", path


def test_only_a_leader_gets_a_team_feed_link(world, app):
    _home, team, _leader, resident = world
    member = f.user(team.community, name="普通队员")
    f.member(team, member)
    for person in (resident, member):
        client = f.logged_in(app, person)
        assert client.get(f"/calendar/subscribe/team-live/{team.id}").status_code == 404
        assert client.post(f"/calendar/subscribe/team-live/{team.id}").status_code == 404
    fresh()
    assert db.session.scalars(select(FeedToken).where(FeedToken.kind == KIND_TEAM)).all() == []


# --- subscribe pages --------------------------------------------------------------------------

STEPS = ("webcal://", "<svg", "iPhone", "安卓", "Outlook", "每隔几个小时才刷新一次")


def assert_subscribe_page(page: str, feed_path: str) -> None:
    for word in STEPS:
        assert word in page, word
    assert f"webcal://shequ.test{feed_path}" in page
    assert re.search(rf'href="https?://shequ\.test{re.escape(feed_path)}"', page)


def test_subscribe_pages_have_links_qr_steps_and_the_refresh_note(world, client, app):
    home, team, leader, _resident = world
    f.login(client, leader)
    personal_path, _s, page = new_personal_link(client)
    assert_subscribe_page(page, personal_path)
    team_path, _t, page = new_team_link(client, team.id)
    assert_subscribe_page(page, team_path)
    anonymous = app.test_client()
    community_page = anonymous.get(f"/calendar/subscribe/community/{home.id}")
    assert community_page.status_code == 200
    assert_subscribe_page(community_page.get_data(as_text=True), f"/calendar/community/{home.id}.ics")


def test_the_public_team_subscribe_page_is_reachable(world, app):
    """Each team's public feed has a subscribe page, linked from the team page, for anyone."""
    _home, team, _leader, resident = world
    anonymous = app.test_client()
    team_page = anonymous.get(f"/teams/{team.id}").get_data(as_text=True)
    pages = re.findall(r'href="(/calendar/subscribe/[^"]+)"', team_page)
    assert pages, "the team page links to no subscribe page"
    signed_in = f.logged_in(app, resident)
    for client, who in ((anonymous, "anonymous"), (signed_in, "a resident who leads no team")):
        answer = client.get(pages[0])
        assert answer.status_code == 200, f"{pages[0]} answers {answer.status_code} to {who}"
        assert_subscribe_page(answer.get_data(as_text=True), f"/calendar/teams/{team.id}.ics")


# --- secrets kept out of logs -------------------------------------------------------------------

def test_the_secret_is_not_logged(world, client, caplog):
    _home, _team, _leader, resident = world
    caplog.set_level(logging.DEBUG)
    f.login(client, resident)
    path, secret, _ = new_personal_link(client)
    assert client.get(path).status_code == 200
    assert client.get(path, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(path.replace(secret, secret[:-2])).status_code == 404
    assert caplog.records, "nothing was logged at all: is the capture working?"
    assert secret not in caplog.text


def test_the_secret_is_not_logged_when_the_feed_fails(world, client, app, caplog, monkeypatch):
    """An error while rendering a secret feed is logged with the request path (Flask's
    "Exception on <path>"): the secret must not go with it."""
    _home, _team, _leader, resident = world
    f.login(client, resident)
    path, secret, _ = new_personal_link(client)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(private_feeds, "personal_events", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    caplog.set_level(logging.DEBUG)
    assert client.get(path).status_code == 500
    assert "database went away" in caplog.text  # the error itself is logged
    assert secret not in caplog.text


SECRET = "Zq3_x-9AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


@pytest.mark.parametrize("line", [
    # gunicorn's default access log format
    f'10.0.0.7 - - [05/Dec/2026:09:30:00 +0800] "GET /calendar/me/{SECRET}.ics HTTP/1.1" 200 1534 "-" '
    '"iOS/17.5 (21F79) dataaccessd/1.0"',
    # werkzeug's development server
    f'127.0.0.1 - - [05/Dec/2026 09:30:00] "GET /calendar/team-live/{SECRET}.ics HTTP/1.1" 304 -',
])
def test_redact_masks_feed_secrets_in_access_log_lines(line):
    masked = log_redaction.redact(line)
    assert SECRET not in masked
    assert "/calendar/me/[secret].ics" in masked or "/calendar/team-live/[secret].ics" in masked
    assert masked.replace("[secret]", SECRET) == line  # nothing else touched


def test_the_filter_masks_gunicorn_and_werkzeug_records():
    gunicorn_record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s',
        ({"h": "10.0.0.7", "r": f"GET /calendar/me/{SECRET}.ics HTTP/1.1", "s": "200"},), None)
    werkzeug_record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
        ("127.0.0.1", "05/Dec/2026 09:30:00", f"GET /calendar/me/{SECRET}.ics?x=1 HTTP/1.1", "200", "-"), None)
    for record in (gunicorn_record, werkzeug_record):
        assert log_redaction.RedactFeedSecrets().filter(record) is True
        assert SECRET not in record.getMessage()
        assert "/calendar/me/[secret].ics" in record.getMessage()
    plain = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s', ("GET /teams/3 HTTP/1.1", "200"), None)
    log_redaction.RedactFeedSecrets().filter(plain)
    assert plain.getMessage() == '"GET /teams/3 HTTP/1.1" 200'
    log_redaction.install()
    log_redaction.install()
    for name in log_redaction.LOGGERS:
        filters = logging.getLogger(name).filters
        assert sum(isinstance(x, log_redaction.RedactFeedSecrets) for x in filters) == 1


@pytest.mark.slow
def test_gunicorn_access_log_has_no_feed_secret(app, _migrated, tmp_path):
    from tests.support.server import start_server

    home = f.community()
    person = f.user(home, name="王阿姨")
    secret = tokens.issue(person.id, KIND_PERSONAL, utcnow())
    db.session.commit()
    access_log = tmp_path / "access.log"
    server = start_server(_migrated, workers=1, threads=2,
                          extra_env={"GUNICORN_CMD_ARGS": f"--access-logfile {access_log}"})
    try:
        response = requests.get(f"{server.base_url}/calendar/me/{secret}.ics", timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
        assert requests.get(f"{server.base_url}/calendar/me/{secret}x.ics", timeout=10).status_code == 404
        deadline = clock.monotonic() + 10
        while clock.monotonic() < deadline and access_log.read_text().count("/calendar/me/") < 2:
            clock.sleep(0.1)
    finally:
        server.stop()
    written = access_log.read_text()
    assert written.count("/calendar/me/[secret]") == 2, written
    assert secret not in written
