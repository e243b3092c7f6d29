"""Delivering the outbox: `deliver_due(now)`, called by `flask run-jobs` every few minutes on any number of hosts.

A run claims due rows with one conditional UPDATE (state, lease and a token of its own), commits, sends each
row outside any transaction (a slow robot holds no lock), then writes the outcome only where its token still
holds. Two runs at once never claim the same row: the UPDATE's WHERE is re-checked against the row as the
other run left it (PostgreSQL re-evaluates it after the row lock; SQLite admits one writer at a time).
A run that dies mid-send leaves a lease that expires, and the row is tried again. A run goes on claiming batch
after batch until nothing is due or its time budget (OUTBOX_RUN_SECONDS) is spent, so a backlog after an outage
drains in a few runs, while one run never outlasts the next by much.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..database import begin_write_transaction
from ..extensions import db
from ..teams.models import Team
from .models import CHANNEL_SMS, FAILED, PENDING, SENDING, SENT, OutboxMessage
from .senders import SENDERS, SendFailed

LEASE = timedelta(minutes=2)  # from its claim, longer than a batch's sends can take (BATCH × a 5 s timeout at worst)
BATCH = 20
# The wait after each failed attempt; after the last the row is given up (FAILED, with the reason).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
           timedelta(hours=4))
MAX_ATTEMPTS = len(BACKOFF) + 1


def backoff_after(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failure; None when it was the last."""
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else None


def _due(now: datetime):
    return (((OutboxMessage.state == PENDING) & (OutboxMessage.next_attempt_at <= now))
            | ((OutboxMessage.state == SENDING) & (OutboxMessage.lease_until < now)))


def claim_due(now: datetime, limit: int, claimed_at: datetime | None = None) -> list[tuple[int, str, str, str, str]]:
    """Claim up to `limit` rows due at `now` for this run and commit: (id, token, channel, address, body) each. Their
    lease runs from `claimed_at` (a later batch of a run: `now` plus the time the run has taken so far)."""
    token = secrets.token_hex(16)
    db.session.rollback()
    begin_write_transaction()
    ids = db.session.scalars(select(OutboxMessage.id).where(_due(now))
                             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now))
                           .values(state=SENDING, lease_until=(claimed_at or now) + LEASE, claim=token,
                                   attempts=OutboxMessage.attempts + 1)
                           .execution_options(synchronize_session=False))
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.body, Team.webhook_url)
        .outerjoin(Team, Team.id == OutboxMessage.team_id).where(OutboxMessage.claim == token)).all()
    db.session.commit()
    return [(row.id, token, row.channel, row.recipient if row.channel == CHANNEL_SMS else (row.webhook_url or ""),
             row.body) for row in rows]


def _settle(message_id: int, token: str, now: datetime, error: SendFailed | None) -> None:
    """Write the outcome of this run's attempt, only if the row is still this run's."""
    begin_write_transaction()
    attempts = db.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id))
    mine = (OutboxMessage.id == message_id) & (OutboxMessage.claim == token) & (OutboxMessage.state == SENDING)
    if error is None:
        values = {"state": SENT, "sent_at": now, "last_error": ""}
    else:
        wait = None if error.permanent else backoff_after(attempts)
        # Given up: next_attempt_at then says when (no attempt follows), so housekeeping counts its keep from there.
        values = ({"state": FAILED, "next_attempt_at": now, "last_error": error.reason} if wait is None
                  else {"state": PENDING, "next_attempt_at": now + wait, "last_error": error.reason})
    db.session.execute(update(OutboxMessage).where(mine).values(lease_until=None, claim=None, **values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def deliver_due(now: datetime, batch: int = BATCH, budget_seconds: float | None = None,
                clock: Callable[[], float] = time.monotonic) -> int:
    """Send what is due at `now`, batch by batch, until none is left or `budget_seconds` of `clock` have passed (by
    default the OUTBOX_RUN_SECONDS setting); returns how many were sent. Failures are recorded on their rows, never
    raised; a row that fails waits for its backoff, past this run's `now`, so the loop ends."""
    timeout = current_app.config.get("OUTBOX_TIMEOUT_SECONDS", 5)
    budget = current_app.config.get("OUTBOX_RUN_SECONDS", 60) if budget_seconds is None else budget_seconds
    started, sent = clock(), 0
    while True:
        claimed = claim_due(now, batch, claimed_at=now + timedelta(seconds=clock() - started))
        for message_id, token, channel, address, body in claimed:
            sent += _send(message_id, token, channel, address, body, now, timeout)
        if len(claimed) < batch or clock() - started >= budget:
            return sent


def _send(message_id: int, token: str, channel: str, address: str, body: str, now: datetime, timeout: float) -> int:
    """One claimed row: sent (1), or the failure recorded on it (0)."""
    try:
        if not address:
            raise SendFailed("没有收件地址（群机器人地址已删除）", permanent=True)
        SENDERS[channel](timeout=timeout).send(address, body)
    except SendFailed as failure:
        _settle(message_id, token, now, failure)
        return 0
    _settle(message_id, token, now, None)
    return 1
