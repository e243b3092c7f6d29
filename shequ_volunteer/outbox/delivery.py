"""Delivering the outbox: `deliver_due(now)`, called by `flask run-jobs` every few minutes on any number of hosts.

A run claims due rows with one conditional UPDATE (state, lease and a token of its own), commits, sends each
row outside any transaction (a slow robot holds no lock), then writes the outcome only where its token still
holds. Two runs at once never claim the same row: the UPDATE's WHERE is re-checked against the row as the
other run left it (PostgreSQL re-evaluates it after the row lock; SQLite admits one writer at a time).
A run that dies mid-send leaves a lease that expires, and the row is tried again.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..database import begin_write_transaction
from ..extensions import db
from ..teams.models import Team
from .models import CHANNEL_SMS, FAILED, PENDING, SENDING, SENT, OutboxMessage
from .senders import SENDERS, SendFailed

LEASE = timedelta(minutes=2)  # longer than a send can take (the senders' timeout is seconds)
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


def claim_due(now: datetime, limit: int) -> list[tuple[int, str, str, str, str]]:
    """Claim up to `limit` due rows for this run and commit: (id, token, channel, address, body) each."""
    token = secrets.token_hex(16)
    db.session.rollback()
    begin_write_transaction()
    ids = db.session.scalars(select(OutboxMessage.id).where(_due(now))
                             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now))
                           .values(state=SENDING, lease_until=now + LEASE, claim=token,
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
        values = ({"state": FAILED, "last_error": error.reason} if wait is None
                  else {"state": PENDING, "next_attempt_at": now + wait, "last_error": error.reason})
    db.session.execute(update(OutboxMessage).where(mine).values(lease_until=None, claim=None, **values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def deliver_due(now: datetime, limit: int = 50) -> int:
    """Send what is due; returns how many were sent. Failures are recorded on their rows, never raised."""
    timeout = current_app.config.get("OUTBOX_TIMEOUT_SECONDS", 5)
    sent = 0
    for message_id, token, channel, address, body in claim_due(now, limit):
        try:
            if not address:
                raise SendFailed("没有收件地址（群机器人地址已删除）", permanent=True)
            SENDERS[channel](timeout=timeout).send(address, body)
        except SendFailed as failure:
            _settle(message_id, token, now, failure)
        else:
            _settle(message_id, token, now, None)
            sent += 1
    return sent
