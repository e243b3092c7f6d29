"""Registration, login with database-backed throttling."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from ..database import lock_names
from ..extensions import db
from ..refusals import Refused
from .models import PHONE_HAS_ACCOUNT, ROLE_ADMIN, ROLE_RESIDENT, LoginFailure, User
from .passwords import hash_password, needs_rehash, verify_password

TOO_MANY_ATTEMPTS = "尝试次数太多，请15分钟后再试，或请社区工作人员帮忙"
WRONG_CREDENTIALS = "手机号或密码不对"
ACCOUNT_STOPPED = "这个账号已停用，请联系社区工作人员"
PHONE_TAKEN = "这个手机号已经注册过了，请直接登录"
PHONE_REGISTERED_BY_COMMUNITY = "这个手机号已由社区代为登记，请联系社区工作人员开通账号"


def hold_phone_number(phone: str) -> None:
    """Serialise whoever is about to give this number to an account (registering, 代报名 of a new person,
    changing one's phone) until the transaction ends: the next one sees this one's row."""
    lock_names(f"phone-number:{phone}")


def phone_taken_message(phone: str) -> str | None:
    """Why this phone cannot register, or None when it is free. Holds the number (hold_phone_number)
    until the transaction ends, so whoever registers it next sees this one."""
    hold_phone_number(phone)
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is None:
        return None
    return PHONE_TAKEN if user.can_log_in else PHONE_REGISTERED_BY_COMMUNITY


def on_behalf(phone: str, name: str, community_id: int, now: datetime, **details) -> dict:
    """The columns of a resident registered on their behalf (代报名, an imported list): no password, so nobody
    can log in as them until staff open the account. `details`: where they live, their birth year."""
    return {"phone": phone, "name": name, "password_hash": "", "community_id": community_id, "role": ROLE_RESIDENT,
            "created_at": now, **details}


def register_on_behalf(phone: str, name: str, community_id: int, now: datetime) -> User:
    """A resident without a login, entered by staff or a leader (代报名)."""
    user = User(**on_behalf(phone, name, community_id, now))
    db.session.add(user)
    db.session.flush()
    return user


def register_many_on_behalf(people: list[dict], now: datetime) -> dict[str, int]:
    """Many residents at once (an imported list), each a dict of `on_behalf`'s columns, in batched INSERTs;
    phone → new id. A phone taken meanwhile is refused by uq_users_phone (PHONE_HAS_ACCOUNT), writing none."""
    if not people:
        return {}
    db.session.execute(insert(User), people)
    phones = [person["phone"] for person in people]
    return dict(db.session.execute(select(User.phone, User.id).where(User.phone.in_(phones))).all())


def found_or_registered_on_behalf(phone: str, name: str, community_id: int, now: datetime) -> User:
    """代报名 of someone typed in by phone: the person with that phone (of any community: the caller
    checks), or a new one registered on their behalf. Under the phone's lock, so the same new person
    entered twice at once is registered once and found the second time."""
    hold_phone_number(phone)
    return db.session.scalar(select(User).where(User.phone == phone)) or register_on_behalf(
        phone, name, community_id, now)


def register(phone: str, name: str, password: str, community_id: int, now: datetime) -> User:
    """A new resident account; Refused by the phone field when the phone is taken."""
    taken = phone_taken_message(phone)
    if taken:
        raise Refused(taken, "phone")
    user = User(
        phone=phone,
        name=name,
        password_hash=hash_password(password),
        community_id=community_id,
        role=ROLE_RESIDENT,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_admin(phone: str, name: str, password: str, now: datetime) -> User:
    """The 街道's 系统管理员: no community, no 街道 yet (they create it after logging in)."""
    if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
        raise Refused(PHONE_HAS_ACCOUNT, "phone")
    user = User(phone=phone, name=name, password_hash=hash_password(password), community_id=None,
                role=ROLE_ADMIN, created_at=now)
    db.session.add(user)
    db.session.flush()
    return user


def login_limits(config) -> dict:
    """The guessing limits from the app's config: wrong passwords and wrong one-time codes alike."""
    return {"per_phone": config["LOGIN_MAX_FAILURES_PER_PHONE"], "per_ip": config["LOGIN_MAX_FAILURES_PER_IP"],
            "window_minutes": config["LOGIN_WINDOW_MINUTES"]}


def recent_failures(key: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key == key, LoginFailure.at >= since)
    )


@dataclass(frozen=True)
class Attempt:
    """A guess (a password, a one-time code) counted before it is checked: its two LoginFailure rows (by
    phone and by address) stand until the guess proves right, so a burst of guesses is counted as it arrives."""

    phone_key: str
    row_ids: tuple[int, ...]


def reserve_attempt(phone: str, remote_addr: str, now: datetime, limits: dict) -> Attempt | None:
    """A login attempt counted against the limits, or None when they are reached (see `reserve`)."""
    return reserve(f"phone:{phone}", f"ip:{remote_addr}", now, limits)


def reserve(phone_key: str, ip_key: str, now: datetime, limits: dict) -> Attempt | None:
    """Count this guess against the limits, or None when they are reached. In the caller's write
    transaction, with both keys locked (database.lock_names), so concurrent guesses are counted one after
    another in every process: 20 at once for one phone check at most the limit."""
    lock_names(phone_key, ip_key)
    since = now - timedelta(minutes=limits["window_minutes"])
    if recent_failures(phone_key, since) >= limits["per_phone"] or recent_failures(ip_key, since) >= limits["per_ip"]:
        return None
    rows = [LoginFailure(key=phone_key, at=now), LoginFailure(key=ip_key, at=now)]
    db.session.add_all(rows)
    db.session.flush()
    return Attempt(phone_key, tuple(row.id for row in rows))


@dataclass(frozen=True)
class LoginCheck:
    """The outcome of checking credentials, before anything is written."""

    user_id: int | None
    refusal: str | None
    new_hash: str | None = None


def check_login(phone: str, password: str) -> LoginCheck:
    """Read-only: are the credentials right? Runs outside the write lock, because the password check is
    deliberately slow (argon2) and on SQLite holding the lock would stall every other writer; the attempt
    was counted before (reserve_attempt)."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    if not verify_password(user.password_hash if user else None, password):
        return LoginCheck(None, WRONG_CREDENTIALS)
    if not user.is_active:
        # Only someone who knows the password learns the account is stopped.
        return LoginCheck(None, ACCOUNT_STOPPED)
    new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
    return LoginCheck(user.id, None, new_hash)


def give_back(attempt: Attempt) -> None:
    """The guess was no guess (it proved right): it no longer counts."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt.row_ids)))


def record_login(attempt: Attempt, check: LoginCheck, now: datetime, limits: dict) -> User | None:
    """Settle the attempt: a wrong password stays counted; a right one (even of a stopped account) is
    no guess, so its rows go, and a success clears the phone's count.

    Failures are rows in the database, so the limit holds across every worker process and host sharing it.
    """
    if check.refusal == WRONG_CREDENTIALS:
        return None
    give_back(attempt)
    if check.user_id is None:
        db.session.flush()
        return None
    user = db.session.get(User, check.user_id)
    if check.new_hash:
        user.password_hash = check.new_hash
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == attempt.phone_key))
    # Old rows are useless; trimming here keeps the table small without a cron job.
    since = now - timedelta(minutes=limits["window_minutes"])
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    db.session.flush()
    return user
