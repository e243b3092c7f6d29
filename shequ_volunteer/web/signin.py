"""Signing a person in and out of this browser, with a signed-in device on the server (accounts.devices).

Flask-Login keeps `session["_user_id"]` and copies it into the remember-me cookie; here that identity also
carries the device's secret ("id.version.secret"), so `accounts.models.session_user` can refuse a cookie
whose device has ended — at logout, a reset, or when the person signs that device out. A remember-me
cookie that brings a person back is spent at once: the device gets a new secret and a new cookie.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, request, session
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from ..accounts import devices
from ..accounts.models import LoginSession, User
from ..database import begin_write_transaction
from ..extensions import db
from ..timeutil import utcnow

_IDENTITY = "_user_id"  # where Flask-Login keeps the identity (and copies it into the remember-me cookie)


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


def install(app: Flask) -> None:
    """Spend every remember-me cookie when it is used (rotation), and keep "last seen" fresh."""

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

    @app.before_request
    def _seen() -> None:
        # Only where the request writes anyway (its own transaction commits it), never a write on a GET,
        # and not in the views that manage their transaction themselves (login, logout).
        view = app.view_functions.get(request.endpoint)
        if request.method != "POST" or getattr(view, "takes_write_lock_itself", False):
            return
        if current_user.is_authenticated:
            device = getattr(current_user, "login_session", None)
            if device is not None:
                devices.seen(device, utcnow())
