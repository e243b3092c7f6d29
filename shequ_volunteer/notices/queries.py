"""Reading notices: the live ones of the home, team and activity pages, read counts, who has not read one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..accounts.models import User
from ..activities.queries import signup_of
from ..extensions import db
from ..messages.models import Message
from .models import AUDIENCE_ACTIVITY, AUDIENCE_COMMUNITY, AUDIENCE_TEAM, Notice

HOME_LIMIT = 5
UNREAD_SHOWN = 200  # the names listed; a community-wide notice says how many more


def _live(now: datetime):
    return Notice.withdrawn_at.is_(None) & (Notice.expires_at.is_(None) | (Notice.expires_at > now))


def _newest_pinned_first(query, limit: int):
    return db.session.scalars(query.order_by(Notice.pinned.desc(), Notice.created_at.desc(), Notice.id.desc())
                              .limit(limit)).all()


def community_notices(community_id: int | None, now: datetime, limit: int = HOME_LIMIT) -> list[Notice]:
    """The home page's notices: for everyone, signed in or not (no community: every community's)."""
    query = select(Notice).where(Notice.audience == AUDIENCE_COMMUNITY, _live(now))
    if community_id is not None:
        query = query.where(Notice.community_id == community_id)
    return _newest_pinned_first(query, limit)


def team_notices(team_id: int, now: datetime, limit: int = HOME_LIMIT) -> list[Notice]:
    return _newest_pinned_first(select(Notice).where(Notice.audience == AUDIENCE_TEAM, Notice.team_id == team_id,
                                                     _live(now)), limit)


def activity_notices(activity_id: int, now: datetime, limit: int = HOME_LIMIT) -> list[Notice]:
    """The live notices to one activity's people (the activity page shows them to those people and its managers)."""
    return _newest_pinned_first(select(Notice).where(Notice.audience == AUDIENCE_ACTIVITY,
                                                     Notice.activity_id == activity_id, _live(now)), limit)


def has_copy(user_id: int | None, notice_id: int) -> bool:
    """Was this notice sent to this person's inbox?"""
    return user_id is not None and db.session.scalar(
        select(func.count()).select_from(Message).where(Message.notice_id == notice_id, Message.user_id == user_id)) > 0


def is_for(user_id: int | None, notice: Notice) -> bool:
    """Sent to this person's inbox, or, for an activity's notice, the person holds a place in the activity now
    (one who signed up after it was posted is among the people it speaks to)."""
    if has_copy(user_id, notice.id):
        return True
    if notice.audience != AUDIENCE_ACTIVITY:
        return False
    signup = signup_of(user_id, notice.activity_id)
    return signup is not None and signup.holds_a_place


@dataclass(frozen=True)
class Readership:
    read: int
    sent: int
    unread_names: list[str]

    @property
    def more_unread(self) -> int:
        return self.sent - self.read - len(self.unread_names)


def readership(notice: Notice) -> Readership:
    """已读 n / m and the first names of those who have not opened it (index ix_messages_notice_read)."""
    read = db.session.scalar(select(func.count()).select_from(Message)
                             .where(Message.notice_id == notice.id, Message.read_at.is_not(None)))
    names = db.session.scalars(select(User.name).join(Message, Message.user_id == User.id)
                               .where(Message.notice_id == notice.id, Message.read_at.is_(None))
                               .order_by(User.name).limit(UNREAD_SHOWN)).all()
    return Readership(read=read, sent=notice.recipients, unread_names=list(names))
