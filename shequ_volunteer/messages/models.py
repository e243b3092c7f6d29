"""One message to one person. Written in the transaction of the change that causes it (a rolled-back change
sends nothing); read on the person's 我的消息 page. Text is built from the event, short enough for a phone
notification, and never names a household or its condition (see DOMAIN.md, Privacy)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        # The unread count in every signed-in page's menu: one probe of this index.
        Index("ix_messages_user_unread", "user_id", "read_at"),
        Index("ix_messages_user_created", "user_id", "created_at"),
        # 已读 n / m of a notice, and who has not read it.
        Index("ix_messages_notice_read", "notice_id", "read_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(200), default="")  # a path on this site, e.g. /activities/12
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))  # a 公告's copy in this inbox


class MessageSetting(db.Model):
    """A kind of message the person switched off in 我的资料 (no row: the kind reaches them)."""

    __tablename__ = "message_settings"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)


class PhoneCall(db.Model):
    """The call list: someone a message does not reach (代报名 without a login, or never signed in) who must be
    phoned — about a change to an activity they hold a place in, or about a notice sent to their activity or team.
    About exactly one of the two. Open until a leader or staff member ticks 已电话通知, recorded with who and when
    (messages/calls.py)."""

    __tablename__ = "phone_calls"
    __table_args__ = (
        Index("ix_phone_calls_activity_open", "activity_id", "called_at"),
        Index("ix_phone_calls_notice_open", "notice_id", "called_at"),
        CheckConstraint("(activity_id IS NULL) <> (notice_id IS NULL)", name="about_one_thing"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    change: Mapped[str] = mapped_column(String(300))  # what to tell them, e.g. 活动已取消
    created_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
