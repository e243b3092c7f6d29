"""Sending messages: the one way every kind of event reaches people's inboxes. Flushes; the caller commits
(with the change that caused the messages)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select

from ..extensions import db
from .models import Message

TITLE_MAX, BODY_MAX = 80, 300


def send(user_ids: Iterable[int], kind: str, title: str, body: str, link: str, now: datetime,
         notice_id: int | None = None) -> int:
    """One message to each person (once each), in bulk: a community of 20,000 is one INSERT statement's
    worth of rows. Returns how many were written. `notice_id` ties a 公告's copies to it (its read count)."""
    rows = [{"user_id": user_id, "kind": kind, "title": title[:TITLE_MAX], "body": body[:BODY_MAX],
             "link": link, "created_at": now, "notice_id": notice_id} for user_id in dict.fromkeys(user_ids)]
    if rows:
        db.session.execute(insert(Message), rows)
    return len(rows)


def unread_count(user_id: int) -> int:
    """One indexed query (ix_messages_user_unread), however many messages the person has."""
    return db.session.scalar(select(func.count()).select_from(Message)
                             .where(Message.user_id == user_id, Message.read_at.is_(None)))
