"""Registration, login with database-backed throttling."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from .models import ROLE_RESIDENT, LoginFailure, User
from .passwords import hash_password, needs_rehash, verify_password

TOO_MANY_ATTEMPTS = "尝试次数太多，请15分钟后再试，或请社区工作人员帮忙"
WRONG_CREDENTIALS = "手机号或密码不对"
PHONE_TAKEN = "这个手机号已经注册过了，请直接登录"


class LoginRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def phone_registered(phone: str) -> bool:
    return db.session.scalar(select(User.id).where(User.phone == phone)) is not None


def register(phone: str, name: str, password: str, community_id: int, now: datetime) -> User:
    """A new resident account (the caller has checked the phone is free)."""
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


def _recent_failures(key: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key == key, LoginFailure.at >= since)
    )


def authenticate(phone: str, password: str, remote_addr: str, now: datetime, limits: dict) -> User:
    """The user for these credentials, or LoginRefused.

    Failures are rows in the database, so the limit holds across every worker
    process and host sharing it. The failure row must be committed by the caller
    even when this raises.
    """
    since = now - timedelta(minutes=limits["window_minutes"])
    phone_key, ip_key = f"phone:{phone}", f"ip:{remote_addr}"
    if (
        _recent_failures(phone_key, since) >= limits["per_phone"]
        or _recent_failures(ip_key, since) >= limits["per_ip"]
    ):
        raise LoginRefused(TOO_MANY_ATTEMPTS)
    user = db.session.scalar(select(User).where(User.phone == phone))
    if not verify_password(user.password_hash if user else None, password):
        db.session.add_all([LoginFailure(key=phone_key, at=now), LoginFailure(key=ip_key, at=now)])
        db.session.flush()
        raise LoginRefused(WRONG_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == phone_key))
    # Old rows are useless; trimming here keeps the table small without a cron job.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    db.session.flush()
    return user
