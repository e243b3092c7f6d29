"""One outward message (a group robot post, later an SMS) and where its delivery stands.

Rows are inserted in the transaction of the change that causes them; `outbox.delivery.deliver_due` (run by
the jobs command) claims due rows with a conditional UPDATE, sends them outside any transaction, and writes
the outcome back only if its claim still holds — so two processes never send one row twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

PENDING = "pending"    # waiting for its next attempt (next_attempt_at)
SENDING = "sending"    # claimed by a delivery run until lease_until; an expired lease is claimable again
SENT = "sent"
FAILED = "failed"      # given up: last_error says why
STATE_LABELS = {PENDING: "待发送", SENDING: "发送中", SENT: "已发送", FAILED: "发送失败"}

CHANNEL_WECOM = "wecom"
CHANNEL_DINGTALK = "dingtalk"
CHANNEL_SMS = "sms"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # Group robots: the team whose work group it goes to. The address itself is stored only on the team
    # (a secret) and read at delivery, so a changed or removed address is honoured.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(40), default="")  # SMS: the phone number
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]  # FAILED: when it was given up (jobs.housekeeping keeps it 90 days from then)
    lease_until: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(32))  # the token of the run holding the lease
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
