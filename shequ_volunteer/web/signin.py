"""Signing a person in and out of this browser, with a signed-in device on the server (accounts.devices).

Flask-Login keeps `session["_user_id"]` and copies it into the remember-me cookie; here that identity also
carries the device's secret ("id.version.secret"), so `accounts.models.session_user` can refuse a cookie
whose device has ended — at logout, a reset, or when the person signs that device out. A device idle past
SESSION_IDLE_DAYS (`accounts.devices.idle_since`) is ended here at its next use. A remember-me cookie that
brings a person back is spent at once: the device gets a new secret and a new cookie.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, flash, g, request, session
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from ..accounts import devices
from ..accounts.models import LoginSession, User, session_user
from ..database import begin_write_transaction, write_if_free
from ..extensions import db, login_manager
from ..timeutil import utcnow

_IDENTITY = "_user_id"  # where Flask-Login keeps the identity (and copies it into the remember-me cookie)
IDLE_SIGNED_OUT = "您已较长时间未使用，请重新登录"


def _keep(user: User, secret: str) -> None:
    session[_IDENTITY] = f"{user.get_id()}.{secret}"


def sign_in(user: User, remember: bool, now: datetime) -> None:
    """Open a device for this browser and log the person in; the caller commits."""
    secret = devices.open_device(user, request.headers.get("User-Agent", ""), now)
    login_user(user, remember=remember)
    _keep(user, secret)


def sign_out(now: datetime) -> None:
    """End this browser's device on the server, then forget the person here; the caller commits."""
    device = getattr(current_user, "login_session", None) if current_user.is_authenticated else None
    if device is not None:
        devices.end_device(device, now)
    logout_user()


def load_user(identity: str) -> User | None:
    """Flask-Login's loader: the person whose login still stands (`session_user`), unless their device has been
    idle too long — then it is ended now, this browser forgets it, and the person is told why. Otherwise "last
    seen" moves to today on the day's first request (no statement on the others)."""
    user = session_user(identity)
    if user is None:
        return None
    now, device_id = utcnow(), user.login_session.id
    if devices.is_idle(user.login_session, now):
        # Refused whether or not the ending is written (a lost lock race): "last seen" never moves for a
        # refused device, so it stays idle and is ended at a later request.
        write_if_free(lambda: devices.end_idle(device_id, now))
        for key in (_IDENTITY, "_fresh", "_id"):
            session.pop(key, None)
        session["_remember"] = "clear"  # Flask-Login deletes the remember-me cookie on this response
        if not g.get("idle_signed_out"):  # the remember-me cookie may bring the same device a second time
            g.idle_signed_out = True
            flash(IDLE_SIGNED_OUT)
        return None
    if not devices.seen_today(user.login_session, now):
        # Skipped if the lock is busy: the next request tries again.
        write_if_free(lambda: devices.refresh_seen(device_id, now))
    return user


def install(app: Flask) -> None:
    """Load the person of each request (`load_user`) and spend every remember-me cookie when it is used."""
    login_manager.user_loader(load_user)

    @user_loaded_from_cookie.connect_via(app)
    def _rotate(_app, user: User) -> None:
        # A write of its own, even on a GET: end the read the loading began, then take the write lock
        # (on SQLite a read snapshot must not be upgraded to a write).
        device_id = user.login_session.id
        db.session.rollback()
        begin_write_transaction()
        device = db.session.get(LoginSession, device_id)
        secret = devices.rotate(device, utcnow())
        db.session.commit()
        user.login_session = device
        _keep(user, secret)
        session["_remember"] = "set"  # Flask-Login writes the new cookie on this response
