"""Feed versions (issue 15): every write that changes a feed raises its version in the same transaction,
so a 304 is decided from one indexed lookup and is never stale — after every kind of write, at Beijing
midnight, and when a paired household's 24 hours after a major change run out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest

from shequ_volunteer.accounts import profile
from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities import attendance, recurrence, series, services
from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.activities.services import ActivityInput
from shequ_volunteer.calendar import tokens, views
from shequ_volunteer.calendar.models import KIND_PERSONAL, KIND_TEAM
from shequ_volunteer.extensions import db
from shequ_volunteer.imports import services as imports
from shequ_volunteer.pairing import services as pairing
from shequ_volunteer.pairing.models import Household, Pairing
from shequ_volunteer.timeutil import at_local, local_today, to_local, utcnow
from tests import factories as f
from tests.feeds.test_conditional_get import Tracker
from tests.support.import_tables import table

KINDS = ("personal", "team", "team live", "community")


@dataclass
class World:
    leader: User
    staff: User
    resident: User  # the personal feed's owner, who also helps `home_of`
    neighbour: User
    soon: Activity  # starts in 12 hours; withdrawals closed: 我去不了 and attendance apply
    approval: Activity  # one place, approval required: the resident pending, the neighbour waiting
    weekly: list[Activity]
    home_of: Household
    urls: dict


def data_of(activity: Activity, **changes) -> ActivityInput:
    values = dict(title=activity.title, description=activity.description, starts_at=activity.starts_at,
                  ends_at=activity.ends_at, place=activity.place, capacity=activity.capacity,
                  signup_deadline=activity.signup_deadline, audience=activity.audience,
                  withdraw_deadline=activity.withdraw_deadline, requires_approval=activity.requires_approval)
    return ActivityInput(**{**values, **changes})


@pytest.fixture
def world(app) -> World:
    now = utcnow().replace(microsecond=0)
    _STEP[0] = 0
    home = f.community()
    team = f.team(home, name="夕阳红志愿服务队")
    leader, staff = f.user(home, name="李队长"), f.staff(home)
    f.member(team, leader, leader=True)
    resident, neighbour = f.user(home, name="王阿姨"), f.user(home, name="赵大爷")
    soon = f.activity(team, title="敬老院义剪", starts_in=timedelta(hours=12),
                      withdraw_deadline=now - timedelta(hours=1))
    approval = f.activity(team, title="读书会", capacity=1, requires_approval=True, starts_in=timedelta(days=5))
    start = now + timedelta(days=2)
    weekly = series.create_series(actor_for(leader), team.id, ActivityInput(
        "太极拳", "", start, start + timedelta(hours=1), "广场", None, None, "all"),
        recurrence.Rule("weekly", weekdays=(to_local(start).weekday(),), count=2), now)
    for activity in (soon, approval, weekly[0]):
        services.sign_up(actor_for(resident), db.session.get(Activity, activity.id), now)
    services.sign_up(actor_for(neighbour), db.session.get(Activity, approval.id), now)  # waits
    home_of = f.household(home, building="5", tier="key")
    f.pairing(home_of, staff, helpers=[resident], since=f.beijing_today() - timedelta(days=10))
    personal = tokens.issue(resident.id, KIND_PERSONAL, now)
    team_live = tokens.issue(leader.id, KIND_TEAM, now, team_id=team.id)
    db.session.commit()
    return World(leader, staff, resident, neighbour, soon, approval, weekly, home_of, {
        "personal": f"/calendar/me/{personal}.ics", "team": f"/calendar/teams/{team.id}.ics",
        "team live": f"/calendar/team-live/{team_live}.ics", "community": f"/calendar/community/{home.id}.ics"})


_STEP = [0]


def act(service, *args) -> None:
    """A service call in a transaction of its own, as a request makes it; each one a second after the last,
    so the stamps a feed shows (whole seconds) always differ from one write to the next."""
    db.session.rollback()
    _STEP[0] += 1
    service(*args, utcnow() + timedelta(seconds=_STEP[0]))
    db.session.commit()


def signup_of(person: User, activity: Activity) -> int:
    return db.session.scalar(db.select(Signup.id).where(Signup.activity_id == activity.id,
                                                        Signup.user_id == person.id))


def household_data(item: Household, **changes) -> dict:
    return {**{name: getattr(item, name) for name in Household.EDITABLE}, **changes}


ALL = set(KINDS)
STEPS = [
    ("decline the resident: the neighbour moves up", lambda w: act(
        services.review, actor_for(w.leader), w.approval, signup_of(w.resident, w.approval), False),
     {"personal", "team live"}),
    ("the neighbour withdraws", lambda w: act(services.withdraw, actor_for(w.neighbour), w.approval),
     {"team live"}),
    ("我去不了", lambda w: act(services.cant_come, actor_for(w.resident), w.soon), {"personal", "team live"}),
    ("the leader marks her present", lambda w: act(
        attendance.mark, actor_for(w.leader), w.soon, signup_of(w.resident, w.soon), "present"),
     {"personal", "team live"}),
    ("cancel", lambda w: act(services.cancel_activity, actor_for(w.leader), w.soon), ALL),
    ("restore", lambda w: act(services.restore_activity, actor_for(w.leader), w.soon), ALL),
    ("edit the title", lambda w: act(services.update_activity, actor_for(w.leader), w.soon,
                                     data_of(w.soon, title="义剪（改在上午）")), ALL),
    ("move the whole series", lambda w: act(series.update_from, actor_for(w.leader), w.weekly[0],
                                            data_of(w.weekly[0], place="活动室")), ALL),
    ("she changes her name", lambda w: act(profile.change_name, w.resident, "王秀英"), {"personal"}),
    ("a visit to her household", lambda w: act(pairing.log_visit, actor_for(w.resident), w.home_of, pairing.VisitInput(
        way="home", visited_on=local_today(utcnow()), duration_minutes=30)), {"personal"}),
    ("staff change the household's building", lambda w: act(
        pairing.save_household, actor_for(w.staff), w.home_of, household_data(w.home_of, building="6")),
     {"personal"}),
    ("a major change", lambda w: act(pairing.report_major_change, actor_for(w.staff), w.home_of, "hospital", ""),
     {"personal"}),
    ("an imported 台账 raises the household's tier", lambda w: act(lambda now: imports.confirm(
        actor_for(w.staff), w.home_of.community, "households", table(
            ["户主姓名", "小区", "楼栋", "室", "关注等级"],
            [w.home_of.head_name, w.home_of.estate, w.home_of.building, w.home_of.room, "高风险户"]),
        None, now, "台账.xlsx")), {"personal"}),
    ("handed over to the neighbour", lambda w: act(
        pairing.change_helpers, actor_for(w.staff), db.session.scalar(db.select(Pairing)), [w.neighbour.phone]),
     {"personal"}),
    ("nothing", lambda w: None, set()),
]


def test_every_writer_changes_the_feeds_it_shows_and_only_those(world, app):
    """After each write: the feeds it changes have a new ETag, and an app holding the old one gets 200 with
    the new bytes (Tracker); the others keep their ETag and their bytes."""
    trackers = {kind: Tracker(app.test_client(), world.urls[kind]) for kind in KINDS}
    for tracker in trackers.values():
        tracker.fetch()
    for step, change, alters in STEPS:
        db.session.rollback()
        change(World(*(db.session.merge(value) if isinstance(value, db.Model) else value
                       for value in world.__dict__.values())))
        for kind, tracker in trackers.items():
            tracker.changed(f"{step} ({kind})") if kind in alters else tracker.unchanged(f"{step} ({kind})")


@pytest.mark.parametrize("kind", ["personal", "team", "community"])
def test_a_304_is_one_statement(world, app, kind, statements):
    client = app.test_client()
    etag = client.get(world.urls[kind]).headers["ETag"]
    db.session.remove()
    statements.clear()
    assert client.get(world.urls[kind], headers={"If-None-Match": etag}).status_code == 304
    # (SQLite's connections say BEGIN themselves: see database.configure_engine.)
    assert [statement for statement in statements if statement != "BEGIN"] != []
    assert len([statement for statement in statements if statement != "BEGIN"]) == 1, statements


def fetch_at(client, url: str, moment: datetime, monkeypatch, etag: str | None = None):
    monkeypatch.setattr(views, "utcnow", lambda: moment)
    return client.get(url, headers={"If-None-Match": etag} if etag else {})


@pytest.mark.parametrize("kind", ["personal", "team"])
def test_the_window_moves_at_beijing_midnight(world, app, kind, monkeypatch):
    """At 23:59 Beijing an activity that ended 90 days ago today is still in the feed; at 00:01 it has left:
    the ETag changes with the Beijing day, and the 23:59 ETag gets the new feed."""
    db.session.rollback()
    today = local_today(utcnow())
    old = f.activity(db.session.get(Activity, world.soon.id).team, title="三个月前的活动",
                     starts_in=at_local(today - timedelta(days=90), time(10)) - utcnow())
    services.sign_up(actor_for(world.resident), db.session.get(Activity, old.id), utcnow() - timedelta(days=91))
    db.session.commit()
    client, url, uid = app.test_client(), world.urls[kind], f"activity-{old.id}@".encode()
    before = fetch_at(client, url, at_local(today, time(23, 59)), monkeypatch)
    assert uid in before.data
    etag = before.headers["ETag"]
    assert fetch_at(client, url, at_local(today, time(23, 59, 50)), monkeypatch, etag).status_code == 304
    after = fetch_at(client, url, at_local(today + timedelta(days=1), time(0, 1)), monkeypatch, etag)
    assert after.status_code == 200 and uid not in after.data
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]


def test_a_major_change_turns_overdue_in_the_feed_24_hours_later_without_a_write(world, app, monkeypatch):
    reported = utcnow()
    db.session.rollback()
    pairing.report_major_change(actor_for(world.staff), world.home_of, "hospital", "摔倒住院", reported)
    db.session.commit()
    tracker = Tracker(app.test_client(), world.urls["personal"])
    label = f"visit-{world.home_of.id}-{world.resident.id}@".encode()
    seen = []
    for moment in (reported + timedelta(hours=24, seconds=-1), reported + timedelta(hours=24, seconds=1),
                   reported + timedelta(hours=24, minutes=2)):
        monkeypatch.setattr(views, "utcnow", lambda moment=moment: moment)
        tracker.fetch()  # same ETag ⇒ same bytes; a new one ⇒ the old one gets them
        event = tracker.body.split(label)[1].split(b"END:VEVENT")[0]
        seen.append((tracker.etag, "已逾期".encode() in event))
    (due_etag, due_late), (late_etag, late), _ = seen
    assert (due_late, late) == (False, True)
    assert due_etag != late_etag
