"""run-jobs: every scheduled job, in one idempotent pass. Safe to run every few minutes, on any number of hosts at
once: each job instance is claimed once (claims.deliver), so a second run the same day sends nothing again."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..outbox import delivery as outbox_delivery
from ..timeutil import local_today, to_local
from . import activity_jobs, housekeeping, visit_digest
from .claims import WriteLockBusy, claimed_keys, deliver, is_lock_timeout

# Messages to people go out between these Beijing times only: a reminder for tomorrow is sent by the first run after
# 08:00 today, and nobody is messaged at night. A day whose window passes with no run (the server was down) sends
# nothing for that day: the next day's reminders are for the next day's activities.
MESSAGING_FROM = time(8, 0)
MESSAGING_UNTIL = time(21, 0)


@dataclass
class RunReport:
    """What one pass did: job instances sent and messages written per kind, instances another run had done."""

    sent: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)
    already_done: Counter = field(default_factory=Counter)
    in_messaging_hours: bool = True
    left_for_next_run: bool = False  # SQLite's write lock stayed busy: the rest waits for the next run
    outbox_sent: int | None = 0  # outward messages (work groups) delivered; None: SQLite busy, left for the next run
    # Old rows deleted, per kind (jobs.housekeeping); None: not this run (done today already, or busy).
    pruned: list[tuple[housekeeping.Pruning, int]] | None = None


def in_messaging_hours(now: datetime) -> bool:
    return MESSAGING_FROM <= to_local(now).time() < MESSAGING_UNTIL


def run_jobs(now: datetime, at_any_hour: bool = False) -> RunReport:
    """Outbox delivery first (nothing here may hold up what is already waiting to go out), then the day's messages —
    in messaging hours, or at any hour when asked (the demo, which may be shown at night) — and the day's
    housekeeping (rows that only pile up, jobs.housekeeping), once a day like any job instance."""
    report = RunReport(in_messaging_hours=at_any_hour or in_messaging_hours(now))
    report.outbox_sent = deliver_outbox(now)
    if not report.in_messaging_hours:
        return report
    today = local_today(now)
    deliveries = activity_jobs.plan(today) + visit_digest.plan(today, now)
    done = claimed_keys(today)
    for delivery in deliveries:
        try:
            written = None if (delivery.kind, delivery.object_key) in done else deliver(delivery, now)
        except WriteLockBusy:
            report.left_for_next_run = True
            break
        if written is None:
            report.already_done[delivery.kind] += 1
        else:
            report.sent[delivery.kind] += 1
            report.messages[delivery.kind] += written
    if not report.left_for_next_run and (housekeeping.PRUNE_KIND, housekeeping.PRUNE_OBJECT) not in done:
        try:
            report.pruned = housekeeping.prune(today, now)
        except WriteLockBusy:
            report.left_for_next_run = True
    db.session.rollback()  # end the last read
    return report


def deliver_outbox(now: datetime) -> int | None:
    """The outbox's own step (work-group robots, later SMS): it claims what is due with leases, retries with backoff
    and commits its own transactions; how many went out, or None when SQLite's write lock stayed busy (the rows wait
    for the next run, and the day's messages still go out)."""
    db.session.rollback()  # end any read: the outbox starts its own write transactions
    try:
        return outbox_delivery.deliver_due(now)
    except OperationalError as error:
        db.session.rollback()
        if is_lock_timeout(error):
            return None
        raise
