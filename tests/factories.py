"""Small builders for test data, committed so that HTTP requests can see them."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from shequ_volunteer.accounts.models import ROLE_ADMIN, ROLE_RESIDENT, ROLE_STAFF, User
from shequ_volunteer.accounts.passwords import hash_password
from shequ_volunteer.activities.models import HOLDING_SEATS, SIGNUP_WAITING, Activity, Signup
from shequ_volunteer.communities.models import Community, Street
from shequ_volunteer.extensions import db
from shequ_volunteer.teams.models import MEMBER_APPROVED, ROLE_LEADER, ROLE_MEMBER, Membership, Team
from shequ_volunteer.timeutil import utcnow

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
    return response


def signup(activity_obj: Activity, user_obj: User, status: str = "confirmed", seats: int = 1) -> Signup:
    """A sign-up row as the service would leave it: seats held (confirmed, pending) are counted on the activity."""
    item = Signup(activity_id=activity_obj.id, user_id=user_obj.id, status=status, seats=seats,
                  queued_at=utcnow() if status == SIGNUP_WAITING else None)
    db.session.add(item)
    if status in HOLDING_SEATS:
        activity_obj.seats_taken += seats
    db.session.commit()
    return item
