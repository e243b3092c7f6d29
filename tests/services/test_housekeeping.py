"""The day's housekeeping (jobs.housekeeping): for each table, a row just past its keep period goes and one just
inside it stays, rows still in use stay whatever their age, and a second run the same Beijing day deletes nothing."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import count

from sqlalchemy import select

from shequ_volunteer.accounts.models import LoginFailure, LoginSession, OneTimeCode, User
from shequ_volunteer.accounts.services import recent_failures
from shequ_volunteer.extensions import db
from shequ_volunteer.jobs.services import run_jobs
from shequ_volunteer.messages.calls import cannot_receive
from shequ_volunteer.outbox.models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from shequ_volunteer.timeutil import local_today
from tests import factories as f
from tests.support.job_worlds import beijing

NOW = beijing("2026-12-31 10:00")  # in messaging hours: the day's housekeeping runs
MINUTE = timedelta(minutes=1)
_tokens = count()


def deleted(report) -> Counter:
    """Rows deleted per table by the run's housekeeping (both outbox kinds add up under "outbox")."""
    assert report.pruned is not None, "the day's housekeeping did not run"
    total = Counter()
    for pruning, rows in report.pruned:
        total[pruning.table] += rows
    return total


def kept(model) -> set[int]:
    db.session.rollback()
    return set(db.session.scalars(select(model.id)))


def device(person, *, ended_at=None, last_seen_at=NOW - timedelta(days=400)) -> int:
    row = LoginSession(user_id=person.id, token_hash=f"token{next(_tokens)}", device="pytest",
                       created_at=last_seen_at, last_seen_at=last_seen_at, ended_at=ended_at)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_devices_ended_more_than_thirty_days_ago_go_and_signed_in_ones_stay(app):
    home = f.community()
    person, other = f.user(home), f.user(home, "李四")
    cutoff = NOW - timedelta(days=30)  # the promise in README, not the constant read back
    past = device(person, ended_at=cutoff - MINUTE)
    inside = device(person, ended_at=cutoff + MINUTE)
    never_ended = device(person, last_seen_at=NOW - timedelta(days=5))  # still signed in
    newest = device(person, ended_at=cutoff - timedelta(days=100))
    others_only = device(other, ended_at=cutoff - timedelta(days=100))
    report = run_jobs(NOW)
    assert deleted(report)["login_sessions"] == 1
    assert kept(LoginSession) == {inside, never_ended, newest, others_only}
    assert past not in kept(LoginSession)


def test_devices_unused_a_month_past_the_idle_period_go_except_each_persons_newest(app):
    """Idle past SESSION_IDLE_DAYS (90) a device signs nobody in (web.signin.load_user); a month later it goes."""
    home = f.community()
    person, other = f.user(home), f.user(home, "李四")
    cutoff = NOW - timedelta(days=90 + 30)  # the promise in README, not the constants read back
    past = device(person, last_seen_at=cutoff - MINUTE)
    inside = device(person, last_seen_at=cutoff + MINUTE)
    newest = device(person, last_seen_at=cutoff - timedelta(days=100))
    others_only = device(other, last_seen_at=cutoff - timedelta(days=100))
    report = run_jobs(NOW)
    assert deleted(report)["login_sessions"] == 1
    assert kept(LoginSession) == {inside, newest, others_only}
    assert past not in kept(LoginSession)
    assert deleted(run_jobs(NOW + timedelta(days=1)))["login_sessions"] == 1  # inside's turn came the next day
    assert kept(LoginSession) == {newest, others_only}
    assert db.session.scalars(select(User.id).where(cannot_receive())).all() == []


def test_a_person_whose_every_device_ended_long_ago_still_counts_as_having_signed_in(app):
    """The call list's rule (messages.calls.cannot_receive) reads "ever signed in" from login_sessions."""
    person = f.user(f.community())
    old = NOW - timedelta(days=365)
    first, last = device(person, ended_at=old), device(person, ended_at=old)
    assert deleted(run_jobs(NOW))["login_sessions"] == 1
    assert kept(LoginSession) == {last} and first != last
    assert db.session.scalars(select(User.id).where(cannot_receive())).all() == []


def failure(key: str, at) -> int:
    row = LoginFailure(key=key, at=at)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_login_failures_go_a_day_after_their_window_and_no_count_changes(app):
    window = timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"])
    cutoff = NOW - window - timedelta(days=1)
    past = failure("phone:13800000000", cutoff - MINUTE)
    inside = failure("phone:13800000000", cutoff + MINUTE)
    counting = failure("phone:13800000000", NOW - window + MINUTE)
    before = recent_failures("phone:13800000000", NOW - window)
    report = run_jobs(NOW)
    assert deleted(report)["login_failures"] == 1
    assert kept(LoginFailure) == {inside, counting} and past not in kept(LoginFailure)
    # What reserve counts for a guess now (or a guess judged by a clock up to the margin behind) is unchanged.
    assert recent_failures("phone:13800000000", NOW - window) == before == 1
    assert recent_failures("phone:13800000000", cutoff) == 2


def code(person, staff, *, expires_at, used_at=None, voided_at=None) -> int:
    row = OneTimeCode(user_id=person.id, purpose="reset", code_hash="x" * 64, issued_by_id=staff.id,
                      issued_at=expires_at - timedelta(hours=72), expires_at=expires_at, used_at=used_at,
                      voided_at=voided_at)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_codes_expired_more_than_thirty_days_ago_go_and_live_ones_stay(app):
    home = f.community()
    person, staff = f.user(home), f.staff(home)
    cutoff = NOW - timedelta(days=30)
    past = code(person, staff, expires_at=cutoff - MINUTE)
    used_past = code(person, staff, expires_at=cutoff - MINUTE, used_at=cutoff - timedelta(days=2))
    voided_inside = code(person, staff, expires_at=cutoff + MINUTE, voided_at=cutoff - timedelta(days=2))
    inside = code(person, staff, expires_at=cutoff + MINUTE)
    live = code(person, staff, expires_at=NOW + timedelta(hours=1))
    report = run_jobs(NOW)
    assert deleted(report)["one_time_codes"] == 2
    assert kept(OneTimeCode) == {voided_inside, inside, live} and not {past, used_past} & kept(OneTimeCode)


def post(state: str, *, at, created_at=None) -> int:
    """An outbox row whose last attempt was due at `at` (a given-up one: given up then; a sent one: sent then)."""
    row = OutboxMessage(channel="sms", recipient="13800000000", body="通知", state=state, next_attempt_at=at,
                        created_at=created_at or at - timedelta(days=1), sent_at=at if state == SENT else None,
                        lease_until=NOW + timedelta(minutes=2) if state == SENDING else None)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_sent_posts_go_after_thirty_days_given_up_ones_after_ninety_and_queued_ones_never(app):
    sent_cutoff = NOW - timedelta(days=30)
    failed_cutoff = NOW - timedelta(days=90)
    sent_past, sent_inside = post(SENT, at=sent_cutoff - MINUTE), post(SENT, at=sent_cutoff + MINUTE)
    failed_past, failed_inside = post(FAILED, at=failed_cutoff - MINUTE), post(FAILED, at=failed_cutoff + MINUTE)
    failed_between = post(FAILED, at=sent_cutoff - timedelta(days=1))  # past a sent post's period, not a given-up's
    long_ago = NOW - timedelta(days=400)
    queued = {post(PENDING, at=NOW + timedelta(minutes=5), created_at=long_ago),  # waiting for its backoff
              post(SENDING, at=long_ago, created_at=long_ago)}  # claimed by a run now sending it
    report = run_jobs(NOW)
    assert [rows for pruning, rows in report.pruned if pruning.table == "outbox"] == [1, 1]
    assert kept(OutboxMessage) == {sent_inside, failed_inside, failed_between} | queued
    assert not {sent_past, failed_past} & kept(OutboxMessage)


def test_a_post_given_up_by_this_very_run_is_kept_however_old(app):
    """After an outage: the run's delivery gives up a post queued long ago (no SMS provider); housekeeping keeps it
    its 90 days from now, the moment it was given up."""
    long_ago = NOW - timedelta(days=200)
    stale = post(PENDING, at=long_ago, created_at=long_ago)
    report = run_jobs(NOW)
    assert [rows for pruning, rows in report.pruned if pruning.table == "outbox"] == [0, 0]
    assert kept(OutboxMessage) == {stale} and db.session.get(OutboxMessage, stale).state == FAILED


def test_a_second_run_the_same_day_deletes_nothing_and_the_next_day_does(app):
    person = f.user(f.community())
    device(person, ended_at=NOW - timedelta(days=300))
    first = run_jobs(NOW)
    assert deleted(first) == Counter()  # the person's only device stays
    late = [device(person, ended_at=NOW - timedelta(days=200)), device(person, ended_at=NOW - timedelta(days=100))]
    late_failure = failure("ip:10.0.0.1", NOW - timedelta(days=5))
    again = run_jobs(NOW + timedelta(hours=10))
    assert local_today(NOW + timedelta(hours=10)) == local_today(NOW) and again.pruned is None
    assert set(late) <= kept(LoginSession) and late_failure in kept(LoginFailure)
    tomorrow = run_jobs(NOW + timedelta(days=1))
    assert deleted(tomorrow) == Counter(login_sessions=2, login_failures=1)
    assert kept(LoginSession) == {late[1]} and kept(LoginFailure) == set()
