"""A device's "last seen" (accounts.devices) moves on the first use of a Beijing day and never back, and the idle
rule counts whole periods from it. `now` is given, so the day boundaries are tested at the hours that matter."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shequ_volunteer.accounts import devices
from shequ_volunteer.accounts.models import LoginSession
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.support.job_worlds import beijing

MIDNIGHT = beijing("2028-02-29 00:00")  # a leap day; 16:00 UTC on the 28th
TICK = timedelta(microseconds=1)


def device(last_seen_at) -> int:
    row = LoginSession(user_id=f.user(f.community()).id, token_hash="x" * 64, device="pytest",
                       created_at=last_seen_at, last_seen_at=last_seen_at)
    db.session.add(row)
    db.session.commit()
    return row.id


def refreshed(last_seen_at, now):
    row = device(last_seen_at)
    devices.refresh_seen(row, now)
    db.session.commit()
    return db.session.scalar(select(LoginSession.last_seen_at).where(LoginSession.id == row))


def test_last_seen_moves_once_a_beijing_day(app):
    late = beijing("2028-02-29 23:30")
    assert refreshed(MIDNIGHT, late) == MIDNIGHT  # already today: the UPDATE matches nothing
    db.session.execute(LoginSession.__table__.delete())
    assert refreshed(MIDNIGHT - TICK, late) == late  # yesterday's last instant
    db.session.execute(LoginSession.__table__.delete())
    assert refreshed(late, MIDNIGHT - TICK) == late  # a clock behind never moves it back


def test_seen_today_and_idle_boundaries(app):
    row = LoginSession(last_seen_at=MIDNIGHT)
    assert devices.seen_today(row, MIDNIGHT + timedelta(hours=23, minutes=59))
    assert not devices.seen_today(row, MIDNIGHT + timedelta(days=1))
    assert not devices.seen_today(LoginSession(last_seen_at=MIDNIGHT - TICK), MIDNIGHT)
    ninety_days = timedelta(days=90)  # the README's promise
    assert not devices.is_idle(row, MIDNIGHT + ninety_days)
    assert devices.is_idle(row, MIDNIGHT + ninety_days + TICK)
