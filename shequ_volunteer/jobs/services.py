"""run-jobs: every scheduled job, in one idempotent pass. Safe to run every few minutes, on any number of hosts at
once: each job instance is claimed once (claims.deliver), so a second run the same day sends nothing again."""
from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from ..extensions import db
from ..timeutil import local_today, to_local
from . import activity_jobs, visit_digest
from .claims import WriteLockBusy, claimed_keys, deliver

# Messages to people go out between these Beijing times only: a reminder for tomorrow is sent by the first run after
# 08:00 today, and nobody is messaged at night. A day whose window passes with no run (the server was down) sends
# nothing for that day: the next day's reminders are for the next day's activities.
MESSAGING_FROM = time(8, 0)
MESSAGING_UNTIL = time(21, 0)
OUTBOX_MODULE = f"{__package__.rsplit('.', 1)[0]}.outbox.services"


@dataclass
class RunReport:
    """What one pass did: job instances sent and messages written per kind, instances another run had done."""

    sent: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)
    already_done: Counter = field(default_factory=Counter)
    in_messaging_hours: bool = True
    left_for_next_run: bool = False  # SQLite's write lock stayed busy: the rest waits for the next run
    outbox: str = ""


def in_messaging_hours(now: datetime) -> bool:
    return MESSAGING_FROM <= to_local(now).time() < MESSAGING_UNTIL


def run_jobs(now: datetime, at_any_hour: bool = False) -> RunReport:
    """Outbox delivery first (nothing here may hold up what is already waiting to go out), then the day's messages —
    in messaging hours, or at any hour when asked (the demo, which may be shown at night)."""
    report = RunReport(in_messaging_hours=at_any_hour or in_messaging_hours(now))
    report.outbox = deliver_outbox(now)
    if not report.in_messaging_hours:
        return report
    today = local_today(now)
    deliveries = activity_jobs.plan(today) + visit_digest.plan(today, now)
    done = claimed_keys(today)
    for delivery in deliveries:
        try:
            sent = (delivery.kind, delivery.object_key) not in done and deliver(delivery, now)
        except WriteLockBusy:
            report.left_for_next_run = True
            break
        if sent:
            report.sent[delivery.kind] += 1
            report.messages[delivery.kind] += delivery.recipients
        else:
            report.already_done[delivery.kind] += 1
    db.session.rollback()  # end the last read
    return report


def deliver_outbox(now: datetime) -> str:
    """The outbox's own delivery step (webhooks, later SMS), when the outbox is part of this program: it chooses what
    is due and retries with backoff; its answer is reported as it gives it."""
    try:
        outbox = importlib.import_module(OUTBOX_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name not in (OUTBOX_MODULE, OUTBOX_MODULE.rsplit(".", 1)[0]):
            raise  # the outbox is there but something it imports is not: a real error
        return "outbox not installed"
    db.session.rollback()
    result = outbox.deliver_due(now)
    db.session.commit()
    return str(result)
