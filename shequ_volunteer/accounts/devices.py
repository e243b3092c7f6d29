"""Signed-in devices (登录的设备): opened at login, ended at logout, by a reset or by the person from 我的资料.

The database is the source of truth, so every app process agrees at once: `models.session_user` refuses a
cookie whose device has ended. A device left unused for SESSION_IDLE_DAYS ends too, at its next use
(`idle_since`, decided here alone; `web.signin` applies it). Flushes; the caller commits.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..timeutil import local_midnight, local_today
from .models import LoginSession, User

SECRET_BYTES = 24

# Enough to recognise one's own phone in a list, from the User-Agent; the first match wins.
_BROWSERS = (("MicroMessenger", "微信"), ("HuaweiBrowser", "华为浏览器"), ("HeyTapBrowser", "OPPO 浏览器"),
             ("VivoBrowser", "vivo 浏览器"), ("MiuiBrowser", "小米浏览器"), ("UCBrowser", "UC 浏览器"),
             ("QQBrowser", "QQ 浏览器"), ("Quark", "夸克"), ("Edg/", "Edge"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("HarmonyOS", "鸿蒙"), ("Android", "安卓手机"),
            ("Windows", "Windows 电脑"), ("Macintosh", "Mac 电脑"), ("Linux", "Linux"))


def describe(user_agent: str) -> str:
    """e.g. 安卓手机 · 微信; 未知设备 when nothing is recognised."""
    system = next((label for mark, label in _SYSTEMS if mark in user_agent), "")
    browser = next((label for mark, label in _BROWSERS if mark in user_agent), "")
    return " · ".join(part for part in (system, browser) if part) or "未知设备"


def open_device(user: User, user_agent: str, now: datetime) -> str:
    """A new signed-in device; returns the secret its cookies carry (only its hash is kept)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    db.session.add(LoginSession(user_id=user.id, token_hash=LoginSession.hash(secret),
                                device=describe(user_agent or "")[:60], created_at=now, last_seen_at=now))
    db.session.flush()
    return secret


def end_device(device: LoginSession, now: datetime) -> None:
    if device.ended_at is None:
        device.ended_at = now
    db.session.flush()


def rotate(device: LoginSession, now: datetime) -> str:
    """A new secret for the same device (a remember-me cookie was just used): the old cookie is spent."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    device.token_hash = LoginSession.hash(secret)
    device.last_seen_at = now
    db.session.flush()
    return secret


def idle_period() -> timedelta:
    """How long a device may go unused and still sign its person in (SESSION_IDLE_DAYS)."""
    return timedelta(days=current_app.config["SESSION_IDLE_DAYS"])


def idle_since(now: datetime) -> datetime:
    """A device last seen before this instant has been idle too long: it signs nobody in again and is ended at
    its next use. The one statement of the idle rule; housekeeping counts from it too."""
    return now - idle_period()


def is_idle(device: LoginSession, now: datetime) -> bool:
    return device.last_seen_at < idle_since(now)


def end_idle(device_id: int, now: datetime) -> None:
    """End a device found idle (one statement; a device another request ended first keeps its own ending)."""
    db.session.execute(update(LoginSession).where(LoginSession.id == device_id, LoginSession.ended_at.is_(None))
                       .values(ended_at=now).execution_options(synchronize_session=False))


def seen_today(device: LoginSession, now: datetime) -> bool:
    """Whether "last seen" already falls on today's Beijing day: then a request writes nothing. "Last seen" is
    the first use of the day, so a page view costs a write at most once a day per device, and the idle period
    (whole days) loses nothing by it."""
    return device.last_seen_at >= local_midnight(local_today(now))


def refresh_seen(device_id: int, now: datetime) -> None:
    """Move "last seen" to now unless it is already today: one conditional UPDATE, so requests racing on the
    day's first use write it once and never move it back."""
    db.session.execute(update(LoginSession)
                       .where(LoginSession.id == device_id,
                              LoginSession.last_seen_at < local_midnight(local_today(now)))
                       .values(last_seen_at=now).execution_options(synchronize_session=False))


def signed_in(user: User, now: datetime) -> list[LoginSession]:
    """The person's devices still signed in, most recently used first: neither ended nor idle too long (an idle
    one is ended at its next use, but may never be used again)."""
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                              LoginSession.ended_at.is_(None),
                                                              LoginSession.last_seen_at >= idle_since(now))
                                   .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())))
