"""Small builders for test data, committed so that HTTP requests can see them, and a signed-in client.

People and teams (community, user, staff, admin, team, member), activities and sign-ups, pairings (household,
pairing, visit, paired_household) and `logged_in`, the one way a test gets a client signed in as someone.
Inside `tests.support.module_app.one_commit()` their commits are flushes and the world is committed once.
"""
from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from shequ_volunteer.accounts import devices
from shequ_volunteer.accounts.models import ROLE_ADMIN, ROLE_RESIDENT, ROLE_STAFF, LoginSession, User
from shequ_volunteer.accounts.passwords import hash_password
from shequ_volunteer.activities.models import HOLDING_SEATS, SIGNUP_WAITING, Activity, Signup
from shequ_volunteer.communities.models import Community, Street
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import schedules
from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper, Visit
from shequ_volunteer.teams.models import MEMBER_APPROVED, ROLE_LEADER, ROLE_MEMBER, Membership, Team
from shequ_volunteer.timeutil import local_date, local_today, utcnow

PASSWORD = "secret-pass-1"
_phones = itertools.count(13900000000)
_hash_cache: dict[str, str] = {}


def password_hash() -> str:
    """One real argon2id hash reused by every test user: hashing is slow on purpose."""
    if PASSWORD not in _hash_cache:
        _hash_cache[PASSWORD] = hash_password(PASSWORD)
    return _hash_cache[PASSWORD]


def community(name: str = "幸福里社区") -> Community:
    item = Community(name=name)
    db.session.add(item)
    db.session.commit()
    return item


def user(community_obj: Community, name: str = "张三", role: str = ROLE_RESIDENT, phone: str | None = None) -> User:
    item = User(
        community_id=community_obj.id, name=name, role=role,
        phone=phone or str(next(_phones)), password_hash=password_hash(),
    )
    db.session.add(item)
    db.session.commit()
    return item


def staff(community_obj: Community, name: str = "王芳") -> User:
    return user(community_obj, name=name, role=ROLE_STAFF)


def admin(street: Street | None = None, name: str = "张明") -> User:
    """The 街道's 系统管理员: no community; their 街道 once they have created it."""
    item = User(community_id=None, street_id=street.id if street else None, name=name, role=ROLE_ADMIN,
                phone=str(next(_phones)), password_hash=password_hash())
    db.session.add(item)
    db.session.commit()
    return item


def team(community_obj: Community, name: str = "青年志愿服务队", kind: str = "youth") -> Team:
    item = Team(community_id=community_obj.id, name=name, kind=kind)
    db.session.add(item)
    db.session.commit()
    return item


def member(team_obj: Team, user_obj: User, leader: bool = False) -> Membership:
    item = Membership(
        team_id=team_obj.id, user_id=user_obj.id, status=MEMBER_APPROVED,
        role=ROLE_LEADER if leader else ROLE_MEMBER,
    )
    db.session.add(item)
    db.session.commit()
    return item


def activity(team_obj: Team, *, title: str = "周末清洁家园", capacity: int | None = 10,
             starts_in: timedelta = timedelta(days=3), hours: int = 2, now: datetime | None = None,
             **fields) -> Activity:
    now = now or utcnow()
    starts_at = (now + starts_in).replace(microsecond=0)
    item = Activity(
        team_id=team_obj.id, title=title, place="社区活动室", capacity=capacity,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
        updated_at=now.replace(microsecond=0), **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def login(client, user_obj: User, password: str = PASSWORD):
    """Log in through the real form (CSRF must be off on this client's app)."""
    response = client.post("/login", data={"phone": user_obj.phone, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    # The login wrote (a signed-in device): end this session's read so its next write sees it (SQLite
    # refuses a write from a snapshot older than another connection's commit).
    db.session.commit()
    return response


def logged_in(app, user_obj, password: str = PASSWORD, *, through_form: bool = True):
    """A test client of `app` signed in as `user_obj`: through the real login form, or (`through_form=False`,
    for matrices of hundreds of requests: no argon2) by writing the session Flask-Login's login_user writes;
    test_pairing_privacy.test_real_login_gives_the_same_answers proves the two answer alike."""
    client = app.test_client()
    if through_form:
        login(client, user_obj, password)
    else:
        with client.session_transaction() as session:
            # What web.signin.sign_in stores: a signed-in device of the person (plain-value people of the
            # matrices are looked up by id).
            # In a session of its own, so the test's session and its read snapshot are left alone.
            with Session(db.engine) as own:
                person = own.get(User, user_obj.id)
                secret = secrets.token_urlsafe(devices.SECRET_BYTES)
                own.add(LoginSession(user_id=person.id, token_hash=LoginSession.hash(secret), device="pytest",
                                     created_at=utcnow(), last_seen_at=utcnow()))
                own.commit()
                session["_user_id"] = f"{person.get_id()}.{secret}"
            session["_fresh"] = True
    return client


def signup(activity_obj: Activity, user_obj: User, status: str = "confirmed", seats: int = 1) -> Signup:
    """A sign-up row as the service would leave it: seats held (confirmed, pending) are counted on the activity."""
    item = Signup(activity_id=activity_obj.id, user_id=user_obj.id, status=status, seats=seats,
                  queued_at=utcnow() if status == SIGNUP_WAITING else None)
    db.session.add(item)
    if status in HOLDING_SEATS:
        activity_obj.seats_taken += seats
    db.session.commit()
    return item


# --- Pairing (结对帮扶) ----------------------------------------------------------------------------

def beijing_today() -> date:
    """Today in Beijing, the day the pairing rules count in."""
    return local_today(utcnow())


def days_ago(days: float) -> datetime:
    """That long before now (naive UTC, whole seconds), e.g. when a household was last visited."""
    return (utcnow() - timedelta(days=days)).replace(microsecond=0)


def household(community_obj: Community, *, head_name: str = "孙秀兰", **fields) -> Household:
    """A household in need: by default a high-risk empty-nest elder at 幸福里小区 3-201."""
    values = {"estate": "幸福里小区", "building": "3", "room": "201", "tier": "high", "categories": "empty_nest",
              **fields}
    item = Household(community_id=community_obj.id, head_name=head_name, **values)
    db.session.add(item)
    db.session.commit()
    return item


def pairing(household_obj: Household, staff_obj: User, *, helpers: Sequence[User] = (), team_obj: Team | None = None,
            since: date | None = None, ends_on: date | None = None, reason: str = "独居") -> Pairing:
    """The household paired by staff with `helpers` (each from the start) and/or a whole team, since `since`
    (four months ago unless said)."""
    since = since or beijing_today() - timedelta(days=120)
    item = Pairing(household_id=household_obj.id, team_id=team_obj.id if team_obj else None, reason=reason,
                   starts_on=since, ends_on=ends_on, created_by_id=staff_obj.id)
    db.session.add(item)
    db.session.flush()
    db.session.add_all([PairingHelper(pairing_id=item.id, user_id=helper.id, starts_on=since) for helper in helpers])
    db.session.flush()
    schedules.refresh([household_obj.id])  # what the board keeps, as the pairing services leave it
    db.session.commit()
    return item


def visit(pairing_obj: Pairing, visitor: User, at: datetime, **fields) -> Visit:
    """A visit at `at` (naive UTC) on the Beijing day it happened: 30 minutes at home unless said."""
    at = at.replace(microsecond=0)
    values = {"way": "home", "duration_minutes": 30, **fields}
    item = Visit(household_id=pairing_obj.household_id, pairing_id=pairing_obj.id, visitor_id=visitor.id,
                 visited_on=local_date(at), visited_at=at, **values)
    db.session.add(item)
    db.session.flush()
    schedules.refresh([pairing_obj.household_id])
    db.session.commit()
    return item


def paired_household(community_obj: Community, staff_obj: User, *, helpers: Sequence[User] = (),
                     team_obj: Team | None = None, since: date | None = None, last_visit: datetime | None = None,
                     reason: str = "独居", **fields) -> Household:
    """A household (`fields` as for `household`) paired with `helpers` and/or a team; when `last_visit` is given,
    visited then by its first helper (by staff when a team alone helps)."""
    item = household(community_obj, **fields)
    made = pairing(item, staff_obj, helpers=helpers, team_obj=team_obj, since=since, reason=reason)
    if last_visit is not None:
        visit(made, helpers[0] if helpers else staff_obj, last_visit)
    return item
