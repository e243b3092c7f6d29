"""Housekeeping run-jobs does once a Beijing day: rows that only pile up and that nothing reads once they are old.
The one place that says, for each such table, which rows go, after how long, and why that can never touch a row in
use. Every table left out is kept on purpose: audit entries (immutable), household access logs, messages, visits,
sign-ups and all a report counts; uploaded import files are swept by `imports.uploads.sweep`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Delete, delete, exists
from sqlalchemy.orm import aliased

from ..accounts.devices import idle_period, idle_since
from ..accounts.models import LoginFailure, LoginSession, OneTimeCode
from ..accounts.services import login_limits
from ..extensions import db
from ..outbox.models import FAILED, SENT, OutboxMessage
from .claims import claim_and_do
from .models import JobRun

# job_runs: a run plans for today alone, so a row is needed only on its own day; kept as a record of what each day
# sent (how many messages, when).
KEEP_JOB_RUNS = timedelta(days=60)
# login_sessions: a device that ended (logout, signed out from 我的资料, a reset, a new password, a stopped or
# closed account) opens nothing any more: `session_user` refuses it. Kept a month as a record of where a person was
# signed in. A device not ended goes once it has been idle (`accounts.devices.idle_since`, SESSION_IDLE_DAYS) a month
# longer: idle, it signs nobody in again (`web.signin.load_user` refuses it and ends it at its next use), and
# last_seen_at is written on every signed-in device's first request of each Beijing day, so an old one does prove the
# device unused. The month keeps it as a record, like an ended one.
KEEP_ENDED_SESSIONS = timedelta(days=30)
KEEP_IDLE_SESSIONS = timedelta(days=30)
# login_failures: a failure counts only within LOGIN_WINDOW_MINUTES of the guess being judged (`accounts.services.
# reserve`, `accounts.profile`); this margin past the window covers a host whose clock is a little behind.
LOGIN_FAILURES_MARGIN = timedelta(days=1)
# one_time_codes: only keyed hashes; a code past its expires_at can never be entered (`accounts.codes._live`), and a
# used or voided one died before it. Kept a month for a person's "my slip did not work".
KEEP_EXPIRED_CODES = timedelta(days=30)
# outbox: a sent post is done; a given-up one (FAILED is final) is kept longer, its last_error saying why a work group
# never got it. Pending and sending rows are still to go out and are never deleted.
KEEP_SENT_POSTS = timedelta(days=30)
KEEP_GIVEN_UP_POSTS = timedelta(days=90)

# Its own job_runs key: claimed like any job instance, so of several hosts one deletes, once a day.
PRUNE_KIND, PRUNE_OBJECT = "job_runs_pruned", "job_runs"


@dataclass(frozen=True)
class Pruning:
    """One kind of rows deleted: its name in run-jobs' summary, which rows (in words), and the delete itself."""

    table: str
    rows: str  # e.g. "rows older than 60 days"
    statement: Callable[[date, datetime], Delete]


def _old_job_runs(today: date, _now: datetime) -> Delete:
    return delete(JobRun).where(JobRun.day < today - KEEP_JOB_RUNS)


def _sessions(*which) -> Delete:
    # Each person's newest device stays whatever its age: "never signed in" is "no login_sessions row at all"
    # (messages.calls.cannot_receive, who goes on a call list), and deleting must not make anyone that.
    newer = aliased(LoginSession)
    return delete(LoginSession).where(
        *which, exists().where(newer.user_id == LoginSession.user_id, newer.id > LoginSession.id))


def _ended_sessions(_today: date, now: datetime) -> Delete:
    return _sessions(LoginSession.ended_at < now - KEEP_ENDED_SESSIONS)


def _idle_sessions(_today: date, now: datetime) -> Delete:
    # Only devices never ended: an ended one keeps its month from its ending, above.
    return _sessions(LoginSession.ended_at.is_(None), LoginSession.last_seen_at < idle_since(now) - KEEP_IDLE_SESSIONS)


def login_failures_kept() -> timedelta:
    """How long a failed login is kept: its counting window (LOGIN_WINDOW_MINUTES) and the margin."""
    return timedelta(minutes=login_limits(current_app.config)["window_minutes"]) + LOGIN_FAILURES_MARGIN


def _old_login_failures(_today: date, now: datetime) -> Delete:
    return delete(LoginFailure).where(LoginFailure.at < now - login_failures_kept())


def _expired_codes(_today: date, now: datetime) -> Delete:
    return delete(OneTimeCode).where(OneTimeCode.expires_at < now - KEEP_EXPIRED_CODES)


def _sent_posts(_today: date, now: datetime) -> Delete:
    return delete(OutboxMessage).where(OutboxMessage.state == SENT, OutboxMessage.sent_at < now - KEEP_SENT_POSTS)


def _given_up_posts(_today: date, now: datetime) -> Delete:
    # A given-up row's next_attempt_at is the moment it was given up (outbox.delivery._settle).
    return delete(OutboxMessage).where(OutboxMessage.state == FAILED,
                                       OutboxMessage.next_attempt_at < now - KEEP_GIVEN_UP_POSTS)


def prunings() -> tuple[Pruning, ...]:
    """What the day's housekeeping deletes, in the order run-jobs reports it."""
    window = login_limits(current_app.config)["window_minutes"]
    idle_days = (idle_period() + KEEP_IDLE_SESSIONS).days
    return (
        Pruning("job_runs", f"rows older than {KEEP_JOB_RUNS.days} days", _old_job_runs),
        Pruning("login_sessions", f"devices ended more than {KEEP_ENDED_SESSIONS.days} days ago", _ended_sessions),
        Pruning("login_sessions", f"devices unused for more than {idle_days} days",
                _idle_sessions),
        Pruning("login_failures", f"rows older than the {window}-minute login window plus a day", _old_login_failures),
        Pruning("one_time_codes", f"codes expired more than {KEEP_EXPIRED_CODES.days} days ago", _expired_codes),
        Pruning("outbox", f"sent posts older than {KEEP_SENT_POSTS.days} days", _sent_posts),
        Pruning("outbox", f"given-up posts older than {KEEP_GIVEN_UP_POSTS.days} days", _given_up_posts),
    )


def prune(today: date, now: datetime) -> list[tuple[Pruning, int]] | None:
    """Delete every kind of old rows, in one transaction with the day's claim: how many of each, or None when another
    run had already done it today. Deleting what is already gone deletes nothing, so it is safe to repeat."""
    deleted: list[tuple[Pruning, int]] = []

    def delete_all(_run: JobRun) -> None:
        for pruning in prunings():
            statement = pruning.statement(today, now).execution_options(synchronize_session=False)
            deleted.append((pruning, db.session.execute(statement).rowcount))
    return None if claim_and_do(PRUNE_KIND, PRUNE_OBJECT, today, now, delete_all) is None else deleted
