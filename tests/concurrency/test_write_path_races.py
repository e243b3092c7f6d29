"""Every check-then-write path, raced: two app servers (separate gunicorn processes) on one database,
8 identical requests released together, 4 to each. Afterwards the rows are counted, no answer is a 5xx,
and every loser heard what a person who came second would hear (the same status and message; a ninth
request sent after the race shows what that is).

The servers start once for the module; the `app` fixture empties the tables before each path.
`test_the_race_catches_a_naive_pairing` is the control: the same race against a route that checks and
writes in separate transactions must pair the household more than once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from shequ_volunteer.accounts import codes
from shequ_volunteer.accounts.models import ONE_TIME_OPEN, OneTimeCode, User
from shequ_volunteer.accounts.services import PHONE_TAKEN
from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.activities.rules import ALREADY
from shequ_volunteer.audit import models as audit
from shequ_volunteer.audit.models import AuditEntry
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import KIND_CLAIM, PENDING, HoursEntry
from shequ_volunteer.me.closing import ALREADY_CLOSED
from shequ_volunteer.pairing import rules
from shequ_volunteer.pairing.models import (
    PAIRING_EXISTS,
    FollowUp,
    Household,
    HouseholdAccess,
    Pairing,
    PairingHelper,
    Visit,
)
from shequ_volunteer.rooms.models import Room
from shequ_volunteer.teams.models import MEMBER_APPROVED, MEMBER_PENDING, ROLE_LEADER, Membership
from shequ_volunteer.timeutil import local_midnight, to_local, utcnow
from tests import factories as f
from tests.support.racing import TOKEN, Person, at_once, log_in
from tests.support.server import SERVER_SECRET, start_server

pytestmark = pytest.mark.slow

RACERS = 8
HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def servers(_migrated):
    """Two servers, two processes each: the 8 requests meet on four processes and one database."""
    started = []
    try:
        for _ in range(2):
            started.append(start_server(_migrated, workers=2, threads=2))
        yield [server.base_url for server in started]
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def naive_server(_migrated):
    # Eight threads in all, so every one of the eight racers is inside the route at once: with fewer, the
    # later ones check after the first have written and are refused, and a busy machine may leave one pairing.
    server = start_server(_migrated, app_module="tests.support.naive_app:app", workers=2, threads=4)
    yield server.base_url
    server.stop()


@dataclass
class Racer:
    base_url: str
    person: Person


def racers(servers: list[str], phone: str | None) -> list[Racer]:
    """8 browser tabs of one person (logged in once, the cookies copied), or of 8 anonymous visitors
    (phone None); half on each server."""
    if phone is None:
        tabs = []
        for i in range(RACERS):
            session = requests.Session()
            page = session.get(f"{servers[i % 2]}/register", timeout=30).text
            tabs.append(Racer(servers[i % 2], Person("", session, TOKEN.search(page).group(1))))
        return tabs
    signed_in = log_in(servers[0], phone)
    tabs = []
    for i in range(RACERS):
        session = requests.Session()
        session.cookies.update(signed_in.session.cookies)
        tabs.append(Racer(servers[i % 2], Person(phone, session, signed_in.token)))
    signed_in.session.close()
    return tabs


def send(racer: Racer, path: str, fields: dict, headers: dict | None = None) -> requests.Response:
    return racer.person.session.post(f"{racer.base_url}{path}", data={"csrf_token": racer.person.token, **fields},
                                     headers=headers or {}, allow_redirects=False, timeout=120)


def race(tabs: list[Racer], path: str, headers: dict | None = None, **fields) -> tuple[list, requests.Response]:
    """The 8 requests at once, then a ninth alone: what someone who came second is told."""
    answers = at_once(tabs, lambda racer: send(racer, path, fields, headers))
    again = send(tabs[0], path, fields, headers)
    for tab in tabs:
        tab.person.session.close()
    return answers, again


def count(model, *where) -> int:
    db.session.rollback()  # a fresh read: the test's own snapshot would predate the race
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audited(kind: str) -> int:
    return count(AuditEntry, AuditEntry.kind == kind)


def assert_one_won(answers, again, won: int, message: str | None, lost: int | None = None) -> None:
    """No 5xx; one answer `won`, the other seven what the ninth got (`lost`, saying `message`)."""
    statuses = Counter(answer.status_code for answer in answers)
    print(f"statuses {dict(statuses)}; then {again.status_code}")
    assert not [s for s in statuses if s >= 500], statuses
    lost = again.status_code if lost is None else lost
    if lost == won:  # the change is idempotent: everyone is told it is done
        assert statuses == {won: RACERS}, statuses
    else:
        assert statuses == {won: 1, lost: RACERS - 1}, statuses
    assert again.status_code == lost
    if message is not None:
        assert message in again.text
        losers = [a for a in answers if a.status_code == lost] if lost != won else []
        assert all(message in a.text for a in losers), [a.text[:200] for a in losers if message not in a.text]


def assert_decided_once(answers, again, already: str) -> None:
    """A yes/no button (htmx): every answer is the refreshed list, seven of them and the ninth saying
    `already`, one the decision itself."""
    assert not [a for a in answers if a.status_code >= 500], [a.status_code for a in answers]
    told = Counter(already in a.text for a in answers)
    assert told == {True: RACERS - 1, False: 1}, told
    assert already in again.text


@pytest.fixture
def world(app):
    home = f.community()
    staff = f.staff(home)
    team = f.team(home)
    return home, staff, team


# --- pairings: a household paired, helpers handed over, a pairing ended ---------------------------------

def pairing_fields(helper_phone: str) -> dict:
    return {"helper_phones": helper_phone, "team_id": "0", "reason": "独居", "starts_on": f.beijing_today().isoformat(),
            "ends_on": ""}


def test_a_household_is_paired_once(app, servers, world):
    home, staff, _ = world
    household, helper = f.household(home), f.user(home, name="结对志愿者")
    answers, again = race(racers(servers, staff.phone), f"/households/{household.id}/pairings",
                          **pairing_fields(helper.phone))
    assert_one_won(answers, again, 303, PAIRING_EXISTS, 422)
    assert count(Pairing, Pairing.household_id == household.id) == 1
    assert count(PairingHelper, PairingHelper.user_id == helper.id) == 1
    # Every refused try still logged that staff saw the record (written after the rollback; SQLite
    # once answered some of these with `database is locked`).
    assert count(HouseholdAccess, HouseholdAccess.household_id == household.id) >= RACERS + 1


def test_the_race_catches_a_naive_pairing(app, naive_server, world):
    """The control: checked and written in separate transactions, the household is paired many times."""
    home, staff, _ = world
    household, helper = f.household(home), f.user(home, name="结对志愿者")
    tabs = racers([naive_server, naive_server], staff.phone)
    path, fields = f"/naive/households/{household.id}/pairings", {"helper_phone": helper.phone}
    answers = at_once(tabs, lambda racer: send(racer, path, fields))
    pairings = count(Pairing, Pairing.household_id == household.id)
    print(f"naive pairing: {pairings} pairings; statuses {dict(Counter(a.status_code for a in answers))}")
    assert pairings > 1


def test_a_helper_handed_over_has_one_current_row(app, servers, world):
    home, staff, _ = world
    first, second = f.user(home, name="甲"), f.user(home, name="乙")
    household = f.household(home)
    pairing = f.pairing(household, staff, helpers=[first])
    answers, again = race(racers(servers, staff.phone), f"/pairings/{pairing.id}/helpers",
                          helper_phones=f"{first.phone},{second.phone}")
    assert_one_won(answers, again, 303, None)  # the same helpers again: done, nothing to change
    assert count(PairingHelper, PairingHelper.pairing_id == pairing.id, PairingHelper.user_id == second.id) == 1
    assert count(PairingHelper, PairingHelper.pairing_id == pairing.id, PairingHelper.ends_on.is_(None)) == 2


def test_a_pairing_is_ended_once(app, servers, world):
    home, staff, _ = world
    pairing = f.pairing(f.household(home), staff, helpers=[f.user(home, name="甲")])
    answers, again = race(racers(servers, staff.phone), f"/pairings/{pairing.id}/end")
    assert_one_won(answers, again, 303, "这个结对已经结束了", 409)
    assert audited(audit.PAIRING_ENDED) == 1


def test_visits_logged_at_once_leave_the_household_its_latest(app, servers, world):
    """8 visits of one household, back-dated 0 to 7 days, logged at once on two servers: what the board keeps
    (pairing.schedules, recomputed by each under the household's lock) is the latest of all 8, not of whichever
    transaction read last."""
    home, staff, _ = world
    helper = f.user(home, name="结对志愿者")
    household = f.household(home, tier="key")
    f.pairing(household, staff, helpers=[helper])
    tabs, path, today = racers(servers, helper.phone), f"/households/{household.id}/visits/new", f.beijing_today()
    answers = at_once(list(enumerate(tabs)), lambda numbered: send(
        numbered[1], path,
        {"way": "phone", "visited_on": (today - timedelta(days=numbered[0])).isoformat(), "duration_minutes": "20"}))
    assert [answer.status_code for answer in answers] == [303] * RACERS
    assert count(Visit, Visit.household_id == household.id) == RACERS
    visits = list(db.session.scalars(select(Visit).where(Visit.household_id == household.id)))
    kept = db.session.get(Household, household.id)
    assert (kept.last_visit_at, kept.last_visit_on, kept.last_visit_logged_at) == (
        max(v.visited_at for v in visits), today, max(v.created_at for v in visits))
    pairing = db.session.scalar(select(Pairing).where(Pairing.household_id == household.id))
    assert (pairing.visit_due_on, pairing.visit_urgent_by) == rules.due_date(rules.Schedule(
        tier="key", paired_since=local_midnight(pairing.starts_on), last_visit_at=kept.last_visit_at))


def test_a_follow_up_is_closed_once(app, servers, world):
    home, staff, _ = world
    household = f.household(home)
    follow_up = FollowUp(household_id=household.id, community_id=home.id, reason="漏水", opened_by_id=staff.id,
                         opened_at=utcnow())
    db.session.add(follow_up)
    db.session.commit()
    answers, again = race(racers(servers, staff.phone), f"/follow-ups/{follow_up.id}", status="closed",
                          owner_id=str(staff.id), resolution="已修好")
    assert_one_won(answers, again, 303, "这条跟进已经办结了", 409)


# --- accounts: registration, 代报名 of a new person, codes, stopping, closing -----------------------------

def test_a_phone_registers_once(app, servers, world):
    home, _, _ = world
    answers, again = race(racers(servers, None), "/register", phone="13900001111", name="新居民",
                          password="一二三四五六abc", community_id=str(home.id), agree="y")
    assert_one_won(answers, again, 303, PHONE_TAKEN, 422)
    assert count(User, User.phone == "13900001111") == 1


def test_a_new_person_entered_on_their_behalf_is_registered_once(app, servers, world):
    home, staff, team = world
    activity = f.activity(team, capacity=10)
    answers, again = race(racers(servers, staff.phone), f"/activities/{activity.id}/on-behalf/new",
                          name="代报名奶奶", phone="13900002222", seats="1")
    assert_one_won(answers, again, 303, ALREADY, 409)
    assert count(User, User.phone == "13900002222") == 1
    assert count(Signup, Signup.activity_id == activity.id) == 1


def test_a_one_time_code_opens_an_account_once(app, servers, world):
    home, staff, _ = world
    person = f.user(home, name="代登记爷爷")
    person.password_hash = ""
    issued = codes.issue(person, ONE_TIME_OPEN, staff.id, utcnow(), SERVER_SECRET)
    db.session.commit()
    tabs = []
    for i in range(RACERS):
        session = requests.Session()
        page = session.get(f"{servers[i % 2]}/account/code", timeout=30).text
        tabs.append(Racer(servers[i % 2], Person("", session, TOKEN.search(page).group(1))))
    answers, again = race(tabs, "/account/code", phone=person.phone, code=issued.code, password="新密码abc123",
                          password_again="新密码abc123", agree="y")
    statuses = Counter(answer.status_code for answer in answers)
    print(f"statuses {dict(statuses)}; then {again.status_code}")
    # Tries beyond the burst limit are refused before the code is checked (429, accounts.codes.reserve);
    # of the others one opens the account and the rest hear the code is wrong, as the ninth does (or,
    # with the tries of a used code counted as wrong guesses, that there were too many).
    assert statuses[303] == 1 and set(statuses) <= {303, 422, 429}, statuses
    assert all(codes.WRONG_CODE in a.text for a in answers + [again] if a.status_code == 422)
    assert again.status_code in (422, 429)
    assert audited(audit.ACCOUNT_OPENED) == 1


def test_an_account_is_stopped_once(app, servers, world):
    home, staff, _ = world
    person = f.user(home, name="搬走的居民")
    answers, again = race(racers(servers, staff.phone), f"/people/{person.id}/deactivate", reason="moved",
                          confirmed="1")
    assert_one_won(answers, again, 303, "这个账号已经停用了", 409)
    assert audited(audit.ACCOUNT_DEACTIVATED) == 1


def test_an_account_is_closed_once(app, servers, world):
    home, _, _ = world
    person = f.user(home, name="要注销的居民")
    fields = {"confirmed": "1", "current_password": f.PASSWORD}
    answers = at_once(racers(servers, person.phone), lambda racer: send(racer, "/me/close", fields))
    statuses = Counter(answer.status_code for answer in answers)
    print(f"statuses {dict(statuses)}")
    assert not [s for s in statuses if s >= 500], statuses
    # The winner is sent on; whoever came after it is either told so or, if their request started after
    # the commit, no longer signed in.
    assert statuses[303] >= 1
    assert all(ALREADY_CLOSED in a.text for a in answers if a.status_code == 409)
    assert audited(audit.ACCOUNT_CLOSED) == 1


# --- teams: applying, appointing, deciding, removing --------------------------------------------------------

def test_a_team_application_is_made_once(app, servers, world):
    home, _, team = world
    resident = f.user(home, name="申请人")
    answers, again = race(racers(servers, resident.phone), f"/teams/{team.id}/apply")
    assert_one_won(answers, again, 303, "已提交申请，请等待队长审核", 409)
    assert count(Membership, Membership.team_id == team.id) == 1


def test_a_leader_is_appointed_once(app, servers, world):
    home, staff, team = world
    resident = f.user(home, name="新队长")
    answers, again = race(racers(servers, staff.phone), f"/teams/{team.id}/leaders/add", phone=resident.phone)
    assert_one_won(answers, again, 303, None)  # appointing a leader again changes nothing and says done
    assert count(Membership, Membership.team_id == team.id, Membership.role == ROLE_LEADER) == 1


def test_staff_are_appointed_once(app, servers, world):
    home, staff, _ = world
    resident = f.user(home, name="新工作人员")
    answers, again = race(racers(servers, staff.phone), "/community/staff/add", phone=resident.phone,
                          confirmed="1")
    assert_one_won(answers, again, 303, "已经是", 422)
    assert audited(audit.STAFF_APPOINTED) == 1


def test_an_application_is_decided_once(app, servers, world):
    home, staff, team = world
    application = Membership(team_id=team.id, user_id=f.user(home, name="申请人").id, status=MEMBER_PENDING,
                             created_at=utcnow())
    db.session.add(application)
    db.session.commit()
    answers, again = race(racers(servers, staff.phone), f"/teams/memberships/{application.id}/approve", HX)
    assert_decided_once(answers, again, "这条申请已经处理过了")
    assert count(Membership, Membership.id == application.id, Membership.status == MEMBER_APPROVED) == 1


def test_a_member_is_removed_once(app, servers, world):
    home, staff, team = world
    membership = f.member(team, f.user(home, name="队员"))
    answers, again = race(racers(servers, staff.phone), f"/teams/memberships/{membership.id}/remove",
                          reason="inactive", confirmed="1")
    assert_one_won(answers, again, 303, "这位居民已经不是本队队员了", 409)
    assert audited(audit.MEMBER_REMOVED) == 1


# --- service hours: a 补录 decided ------------------------------------------------------------------------

def test_a_claim_is_approved_once(app, servers, world):
    home, staff, team = world
    volunteer = f.user(home, name="志愿者")
    f.member(team, volunteer)
    claim = HoursEntry(user_id=volunteer.id, team_id=team.id, kind=KIND_CLAIM, status=PENDING, minutes=60,
                       served_on=f.beijing_today() - timedelta(days=1), note="送药", entered_by_id=volunteer.id,
                       created_at=utcnow())
    db.session.add(claim)
    db.session.commit()
    answers, again = race(racers(servers, staff.phone), f"/hours/claims/{claim.id}/approve", HX)
    assert_decided_once(answers, again, "这条补录已经处理过了")
    assert audited(audit.HOURS_APPROVED) == 1


# --- activities: a room booked, a 待审核 sign-up decided ---------------------------------------------------

def test_a_room_is_booked_once(app, servers, world):
    home, _, team = world
    leader = f.user(home, name="李队长")
    f.member(team, leader, leader=True)
    hall = Room(community_id=home.id, name="多功能厅", capacity=40)
    db.session.add(hall)
    db.session.commit()
    start = to_local(utcnow() + timedelta(days=30)).replace(hour=14, minute=0, second=0, microsecond=0)
    answers, again = race(racers(servers, leader.phone), f"/teams/{team.id}/activities/new", title="健康讲座",
                          audience="all", capacity="30", room_id=str(hall.id), starts_at=f"{start:%Y-%m-%dT%H:%M}",
                          ends_at=f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}")
    assert_one_won(answers, again, 303, "已被“健康讲座”使用", 422)
    assert count(Activity, Activity.room_id == hall.id) == 1


def test_a_pending_sign_up_is_decided_once(app, servers, world):
    home, _, team = world
    leader = f.user(home, name="李队长")
    f.member(team, leader, leader=True)
    activity = f.activity(team, capacity=1, requires_approval=True)
    pending = f.signup(activity, f.user(home, name="王阿姨"), status="pending")
    answers, again = race(racers(servers, leader.phone), f"/activities/{activity.id}/signups/{pending.id}/decline",
                          HX)
    assert_decided_once(answers, again, "这条报名已经处理过了")
    assert count(Activity, Activity.id == activity.id, Activity.seats_taken == 0) == 1  # freed once, not 8 times


# --- paths with no check to race: each request is its own record, as it would be one after another -------

def test_codes_issued_at_once_leave_one_live(app, servers, world):
    home, staff, _ = world
    person = f.user(home, name="代登记奶奶")
    person.password_hash = ""
    db.session.commit()
    answers, again = race(racers(servers, staff.phone), f"/people/{person.id}/code/open")
    assert_one_won(answers, again, 200, None)  # every tap prints a slip; only the latest code works
    assert count(OneTimeCode, OneTimeCode.user_id == person.id, OneTimeCode.used_at.is_(None),
                 OneTimeCode.voided_at.is_(None)) == 1
    assert audited(audit.OPENING_CODE_ISSUED) == RACERS + 1


def test_hours_corrected_at_once_are_each_recorded(app, servers, world):
    home, _, team = world
    leader, volunteer = f.user(home, name="李队长"), f.user(home, name="志愿者")
    f.member(team, leader, leader=True)
    f.member(team, volunteer)
    held = f.activity(team, starts_in=-timedelta(days=2))
    signup = f.signup(held, volunteer)
    answers, again = race(racers(servers, leader.phone), f"/activities/{held.id}/attendance/{signup.id}/hours",
                          HX, hours="2.5")
    assert_one_won(answers, again, 200, "时长已改为2小时30分钟")
    assert count(HoursEntry, HoursEntry.signup_id == signup.id) == RACERS + 1  # a log: one entry per correction
    assert count(Signup, Signup.id == signup.id, Signup.service_minutes == 150) == 1
