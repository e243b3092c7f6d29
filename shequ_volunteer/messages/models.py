"""One message to one person. Written in the transaction of the change that causes it (a rolled-back change
sends nothing); read on the person's 我的消息 page. Text is built from the event, short enough for a phone
notification, and never names a household or its condition (see DOMAIN.md, Privacy)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

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
