"""我的资料: a person changes their own name, phone number and password.

Each use case takes the person and `now`, flushes, and leaves the commit to the caller. Changing the
phone or the password needs the current password, and wrong ones are counted like wrong logins (the
same LoginFailure rows, keyed by the phone), so a borrowed unlocked phone cannot be used to guess it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..refusals import Refused
from .models import LoginFailure, User
from .passwords import hash_password, verify_password
from .services import PHONE_HAS_ACCOUNT, TOO_MANY_ATTEMPTS, hold_phone_number

WRONG_PASSWORD = "当前密码不对"
SAME_PHONE = "这就是您现在的手机号"
PHONE_REGISTERED_FOR_SOMEONE = "这个手机号已由社区为另一位居民登记，请换一个手机号，或联系社区工作人员"


def _phone_key(user: User) -> str:
    return f"phone:{user.phone}"  # the login's own key: wrong guesses here and there add up


def check_password(user: User, password: str, now: datetime, limits: dict, field: str) -> None:
    """Refuse unless `password` is the person's current one and they have not guessed too often.
    A wrong one must be counted by the caller in a transaction of its own (`count_wrong_password`)."""
    since = now - timedelta(minutes=limits["window_minutes"])
    wrong = db.session.scalar(select(func.count()).select_from(LoginFailure)
                              .where(LoginFailure.key == _phone_key(user), LoginFailure.at >= since))
    if wrong >= limits["per_phone"]:
        raise Refused(TOO_MANY_ATTEMPTS, field)
    if not verify_password(user.password_hash or None, password):
        raise Refused(WRONG_PASSWORD, field)


def count_wrong_password(user: User, now: datetime) -> None:
    db.session.add(LoginFailure(key=_phone_key(user), at=now))


def change_name(user: User, name: str, now: datetime) -> None:
    user.name = name
    db.session.flush()
    feeds_changed(now, people=[user.id])  # 我的日程 is called after its owner


def change_reminder(user: User, minutes: int | None, now: datetime) -> None:
    """The alarm 我的日程 puts on every activity event (None: none)."""
    user.reminder_minutes = minutes
    db.session.flush()
    feeds_changed(now, people=[user.id])


def phone_refusal(phone: str, user: User) -> str | None:
    """Why `user` may not move to `phone`, or None when it is free: nobody else's login, and nobody the
    community registered on their behalf (that number is how staff will open their account)."""
    if phone == user.phone:
        return SAME_PHONE
    holder = db.session.scalar(select(User).where(User.phone == phone))
    if holder is None:
        return None
    return PHONE_HAS_ACCOUNT if holder.can_log_in else PHONE_REGISTERED_FOR_SOMEONE


def change_phone(user: User, phone: str, now: datetime) -> None:
    """The caller has checked the password. A number taken meanwhile is refused by the unique index."""
    hold_phone_number(phone)
    refusal = phone_refusal(phone, user)
    if refusal:
        raise Refused(refusal, "phone")
    user.phone = phone
    db.session.flush()  # a number taken meanwhile: uq_users_phone, refused as PHONE_HAS_ACCOUNT


def change_password(user: User, new_password: str, now: datetime) -> None:
    """The caller has checked the current password. Every device this person is logged in on is logged
    out at its next request; the view logs the current one back in."""
    user.password_hash = hash_password(new_password)
    user.end_all_sessions(now)
    db.session.flush()
