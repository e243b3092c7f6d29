"""Signed-in devices (登录的设备): opened at login, ended at logout, by a reset or by the person from 我的资料.

The database is the source of truth, so every app process agrees at once: `models.session_user` refuses a
cookie whose device has ended. Flushes; the caller commits.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from .models import LoginSession, User

SECRET_BYTES = 24
# How stale "last seen" may get before a request refreshes it: one write per device per few minutes.
SEEN_EVERY = timedelta(minutes=5)

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


def seen(device: LoginSession, now: datetime) -> None:
    """Refresh "last seen", at most every SEEN_EVERY (the caller's transaction writes it)."""
    if now - device.last_seen_at >= SEEN_EVERY:
        device.last_seen_at = now


def signed_in(user: User) -> list[LoginSession]:
    """The person's devices still signed in, most recently used first."""
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                              LoginSession.ended_at.is_(None))
                                   .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())))
