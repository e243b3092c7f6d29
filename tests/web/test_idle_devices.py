"""Devices left unused end on the server (accounts.devices.idle_since): "last seen" moves on a device's first request
of each Beijing day and at no other, a device idle past SESSION_IDLE_DAYS is refused and ended at its next request
whichever cookie it brings, and 我的资料 no longer lists it. Times are set relative to the request's own clock
(utcnow(), faked by bin/test-clock), so no test depends on the hour it runs at."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shequ_volunteer.accounts.models import LoginSession
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import local_midnight, local_today, utcnow
from tests import factories as f

from .helpers import HX, text
from .test_devices import ANDROID_WECHAT, IPHONE, cookie, in_, signed_in, with_cookie

IDLE = timedelta(days=90)  # the README's promise, not the setting read back
MESSAGE = "您已较长时间未使用，请重新登录"


@pytest.fixture
def person(app):
    return f.user(f.community(), "王秀英")


def device_of(person, name: str | None = None) -> LoginSession:
    db.session.rollback()
    query = select(LoginSession).where(LoginSession.user_id == person.id)
    if name:
        query = query.where(LoginSession.device == name)
    return db.session.scalars(query).one()


def last_seen(device_id: int, when=None):
    """Set (when given) and read back a device's "last seen"."""
    db.session.rollback()
    if when is not None:
        db.session.execute(update(LoginSession).where(LoginSession.id == device_id).values(last_seen_at=when))
        db.session.commit()
    return db.session.scalar(select(LoginSession.last_seen_at).where(LoginSession.id == device_id))


def today_starts():
    return local_midnight(local_today(utcnow()))


def test_a_device_used_within_the_period_stays_signed_in_and_last_seen_moves_once_a_day(app, person):
    client = signed_in(app, person)
    device = device_of(person).id
    last_seen(device, utcnow() - IDLE + timedelta(minutes=5))  # nearly idle: still in
    assert in_(client)
    moved = last_seen(device)
    assert moved >= today_starts()
    assert in_(client) and last_seen(device) == moved  # the day's second request writes nothing

    last_seen(device, today_starts())  # already today (its first instant): nothing to move
    assert in_(client) and last_seen(device) == today_starts()
    last_seen(device, today_starts() - timedelta(microseconds=1))  # the day before's last instant: moves
    assert in_(client) and last_seen(device) >= today_starts()


@pytest.mark.parametrize("kept", ["session", "remember_token"])
def test_a_device_idle_past_the_period_is_refused_and_stays_ended(app, person, kept):
    original = signed_in(app, person, remember=kept == "remember_token")
    browser = with_cookie(app, kept, cookie(app, original, kept))  # the only cookie it still has
    device = device_of(person).id
    last_seen(device, utcnow() - IDLE - timedelta(minutes=5))

    answer = browser.get("/me/activities")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert MESSAGE in text(browser.get(answer.headers["Location"]))
    assert device_of(person).ended_at is not None
    assert browser.get_cookie("remember_token", domain=app.config["SERVER_NAME"]) is None

    ended = device_of(person).ended_at
    again = with_cookie(app, kept, cookie(app, original, kept))
    assert again.get("/me/activities", headers=HX).status_code == 401  # and never signs anyone in again
    assert not in_(original)
    assert device_of(person).ended_at == ended and last_seen(device) < utcnow() - IDLE


def test_the_profile_does_not_list_an_idle_device_as_signed_in(app, person):
    phone = signed_in(app, person, ANDROID_WECHAT)
    signed_in(app, person, IPHONE)
    last_seen(device_of(person, "iPhone · Safari").id, utcnow() - IDLE - timedelta(minutes=5))
    page = text(phone.get("/me/profile"))
    assert "安卓手机 · 微信" in page and "iPhone · Safari" not in page


def test_a_busy_write_lock_skips_the_refresh_never_the_page(app, person, db_kind, database_url):
    if db_kind != "sqlite":
        pytest.skip("only SQLite locks the whole database for a write")
    client = signed_in(app, person)
    device = device_of(person).id
    yesterday = today_starts() - timedelta(hours=1)
    last_seen(device, yesterday)
    db.session.remove()
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        assert in_(client)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert last_seen(device) == yesterday
    assert in_(client) and last_seen(device) >= today_starts()  # the next request writes it
