"""A notice (公告) and whom it is for. Each person it is for gets one inbox message pointing at it
(`messages.notice_id`); the notice's read count is the count of those messages that were opened."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..activities.models import Activity
from ..extensions import db
from ..teams.models import Team
from ..timeutil import local_date

AUDIENCE_COMMUNITY = "community"
AUDIENCE_TEAM = "team"
AUDIENCE_ACTIVITY = "activity"
AUDIENCE_LABELS = {AUDIENCE_COMMUNITY: "全社区居民", AUDIENCE_TEAM: "本队队员", AUDIENCE_ACTIVITY: "本次活动报名的人"}

TITLE_MAX, BODY_MAX = 60, 2000


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (
        # The home page and the team page: a community's (or a team's) live notices, newest first.
        Index("ix_notices_community_audience", "community_id", "audience", "withdrawn_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    audience: Mapped[str] = mapped_column(String(12))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime | None]  # the end of the Beijing day chosen, as naive UTC
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    recipients: Mapped[int] = mapped_column(default=0)  # m of 已读 n / m: how many messages were sent
    withdrawn_at: Mapped[datetime | None]

    team: Mapped[Team | None] = relationship()
    activity: Mapped[Activity | None] = relationship()

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS[self.audience]

    @property
    def expires_on(self) -> date | None:
        """The last Beijing day it is shown (expires_at is the midnight after it)."""
        return local_date(self.expires_at - timedelta(seconds=1)) if self.expires_at else None

    def is_live(self, now: datetime) -> bool:
        return self.withdrawn_at is None and (self.expires_at is None or self.expires_at > now)
