"""Sending messages: the one way every kind of event reaches people's inboxes; reading and marking them read.
Flushes; the caller commits (with the change that caused the messages)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from ..accounts.models import ROLE_STAFF, User, is_current_person
from ..extensions import db
from . import kinds
from .models import Message, MessageSetting

TITLE_MAX, BODY_MAX = 80, 300
PAGE_SIZE = 20
MAX_PAGE = 10_000  # keeps OFFSET within the database's integers


def send(user_ids: Iterable[int], kind: str, title: str, body: str, link: str, now: datetime,
         notice_id: int | None = None) -> int:
    """One message to each person (once each), in bulk: a community of 20,000 is one INSERT statement's
    worth of rows. People who switched this kind off in 我的资料 are left out (one query, only for kinds that
    may be switched off). Returns how many were written. `notice_id` ties a 公告's copies to it (its read
    count)."""
    wanted = dict.fromkeys(user_ids)
    if wanted and kinds.may_switch_off(kind):
        for user_id in db.session.scalars(select(MessageSetting.user_id).where(MessageSetting.kind == kind)):
            wanted.pop(user_id, None)
    rows = [{"user_id": user_id, "kind": kind, "title": title[:TITLE_MAX], "body": body[:BODY_MAX],
             "link": link, "created_at": now, "notice_id": notice_id} for user_id in wanted]
    if rows:
        db.session.execute(insert(Message), rows)
    return len(rows)


def unread_count(user_id: int) -> int:
    """One indexed query (ix_messages_user_unread), however many messages the person has."""
    return db.session.scalar(select(func.count()).select_from(Message)
                             .where(Message.user_id == user_id, Message.read_at.is_(None)))


@dataclass(frozen=True)
class InboxPage:
    messages: list[Message]
    page: int
    has_more: bool


def inbox(user_id: int, page: int) -> InboxPage:
    """One page of the person's messages, newest first (ix_messages_user_created)."""
    page = min(max(page, 1), MAX_PAGE)
    rows = list(db.session.scalars(
        select(Message).where(Message.user_id == user_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return InboxPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def open_message(user_id: int, message_id: int, now: datetime) -> Message | None:
    """The person's own message, marked read; None for anyone else's (or none)."""
    message = db.session.get(Message, message_id)
    if message is None or message.user_id != user_id:
        return None
    if message.read_at is None:
        message.read_at = now
        db.session.flush()
    return message


def mark_all_read(user_id: int, now: datetime) -> int:
    """全部已读: one statement."""
    return db.session.execute(
        update(Message).where(Message.user_id == user_id, Message.read_at.is_(None)).values(read_at=now)
        .execution_options(synchronize_session=False)).rowcount


def switched_off(user_id: int) -> set[str]:
    return set(db.session.scalars(select(MessageSetting.kind).where(MessageSetting.user_id == user_id)))


def keep_only(user_id: int, kept_on: Iterable[str], shown: Iterable[str] = kinds.SWITCHABLE) -> None:
    """The person's switches among `shown` (those 我的资料 offered them): each not in `kept_on` is switched off.
    Kinds not shown keep their switch, so a leader who stops leading and saves finds their choice again later."""
    shown, kept = set(shown), set(kept_on)
    off = [kind for kind in kinds.SWITCHABLE if kind in shown and kind not in kept]
    db.session.execute(delete(MessageSetting).where(MessageSetting.user_id == user_id,
                                                    MessageSetting.kind.in_(shown)))
    if off:
        db.session.execute(insert(MessageSetting), [{"user_id": user_id, "kind": kind} for kind in off])
    db.session.flush()


def staff_of(community_id: int) -> list[int]:
    """The community's current staff: who hears of its follow-ups and 补录."""
    return staff_by_community([community_id]).get(community_id, [])


def staff_by_community(community_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each community's current staff (communities with none are left out), in one statement."""
    by_community: dict[int, list[int]] = {}
    ids = sorted(set(community_ids))
    if ids:
        for community_id, user_id in db.session.execute(
                select(User.community_id, User.id).where(User.community_id.in_(ids), User.role == ROLE_STAFF,
                                                         is_current_person()).order_by(User.id)):
            by_community.setdefault(community_id, []).append(user_id)
    return by_community


def forget(user_id: int) -> None:
    """注销: the person's own messages and switches go with their account."""
    db.session.execute(delete(Message).where(Message.user_id == user_id))
    db.session.execute(delete(MessageSetting).where(MessageSetting.user_id == user_id))
