"""A job instance is done at most once, by whichever process claims it first.

Each job plans `Delivery`s (read only), then `deliver` claims each one by inserting its `job_runs` row (unique key:
kind, object, Beijing day) and writes its messages in that same transaction. Another process — on this host or
another, now or in five minutes — that plans the same delivery fails on the unique key (PostgreSQL: after waiting
for the first to commit; SQLite: inside its write lock) and skips it: nothing is sent twice, and nothing is lost
if the first process dies before committing (its claim rolls back with its messages).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..accounts.models import User, is_current_person
from ..database import begin_write_transaction
from ..extensions import db
from ..messages import services as messages
from .models import JobRun


@dataclass(frozen=True)
class Outgoing:
    """One message text to some people."""

    user_ids: tuple[int, ...]
    title: str
    body: str
    link: str


@dataclass(frozen=True)
class Delivery:
    """One job instance: its key and the messages it sends."""

    kind: str
    object_key: str  # what it is about, e.g. activity:12 or user:5
    day: date  # the Beijing day it runs for
    outgoing: tuple[Outgoing, ...] = field(default=())


class WriteLockBusy(Exception):
    """SQLite only: another process held the write lock longer than busy_timeout (5 s). What is left is for the next
    run; nothing was written."""


def is_lock_timeout(error: OperationalError) -> bool:
    """SQLite's 'database is locked': busy_timeout passed while another connection held the write lock."""
    return "database is locked" in str(error.orig)


def claimed_keys(day: date) -> set[tuple[str, str]]:
    """(kind, object) of the instances already done for `day`: skipped without asking for the write lock, so a run
    every five minutes costs one read once the day's work is done. The unique key still decides every race."""
    return {tuple(row) for row in db.session.execute(select(JobRun.kind, JobRun.object_key).where(JobRun.day == day))}


def claim_and_do(kind: str, object_key: str, day: date, now: datetime, work: Callable[[JobRun], None]) -> JobRun | None:
    """Claim the job instance (kind, object, Beijing day) by inserting its job_runs row and do `work` in the same
    transaction, then commit: the row, or None (and nothing written) when another process has already claimed it —
    the normal outcome of a race, not an error. WriteLockBusy when SQLite's write lock stayed busy."""
    db.session.rollback()  # end any read snapshot: on SQLite a write must start as one (BEGIN IMMEDIATE)
    try:
        begin_write_transaction()
    except OperationalError as error:
        db.session.rollback()
        if is_lock_timeout(error):
            raise WriteLockBusy from error
        raise
    run = JobRun(kind=kind, object_key=object_key, day=day, done_at=now)
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    work(run)
    db.session.commit()
    return run


def deliver(delivery: Delivery, now: datetime) -> int | None:
    """Claim the delivery and send its messages in one transaction: how many were written; None (and nothing
    written) when another process has already claimed it."""
    def send_all(run: JobRun) -> None:
        # messages.send leaves out whoever switched this kind off in 我的资料 (the one place that rule lives).
        run.messages_sent = sum(messages.send(item.user_ids, delivery.kind, item.title, item.body, item.link, now)
                                for item in delivery.outgoing)
    run = claim_and_do(delivery.kind, delivery.object_key, delivery.day, now, send_all)
    return None if run is None else run.messages_sent


def reachable(user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` whose accounts stand (not stopped, not closed), in one statement."""
    ids = set(user_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(User.id).where(User.id.in_(ids), is_current_person())))


def site_path(endpoint: str, **values) -> str:
    """A path on this site (what a message links to), built from the routes without a request: jobs run from cron."""
    return current_app.url_map.bind("localhost").build(endpoint, values)
