"""Teams and memberships. A leader is a member whose role is leader."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import ROLE_LABELS, ROLE_TEAM_LEADER, User
from ..communities.models import Community
from ..decisions import APPROVED, DECLINED, PENDING
from ..extensions import db
from ..timeutil import utcnow

TEAM_KINDS = {
    "party": "党员",
    "elderly": "老年",
    "women": "巾帼",
    "youth": "青年",
    "science": "科普",
    "environment": "环保",
    "service": "便民服务",
    "patrol": "巡逻",
    "culture": "文体",
    "other": "其他",
}

MEMBER_PENDING = PENDING
MEMBER_APPROVED = APPROVED
MEMBER_DECLINED = DECLINED
MEMBER_LEFT = "left"
MEMBER_REMOVED = "removed"  # by a leader or staff; the row stays as the membership's history
STATUS_LABELS = {
    MEMBER_PENDING: "待审核",
    MEMBER_APPROVED: "队员",
    MEMBER_DECLINED: "未通过",
    MEMBER_LEFT: "已退出",
    MEMBER_REMOVED: "已移出",
}
# Why someone is removed from a team: chosen, not typed, so the 操作记录 never carries free text about a person.
REMOVAL_REASONS = {
    "moved": "搬离本社区",
    "inactive": "长期未参加活动",
    "asked": "本人要求",
    "conduct": "违反队伍约定",
    "other": "其他原因",
}
ROLE_MEMBER = "member"
ROLE_LEADER = "leader"


class Team(db.Model):
    """志愿者队伍 of one community."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the name last changed
    # The team's work group (企业微信 / 钉钉 group robot): a secret, shown masked, never logged.
    webhook_url: Mapped[str | None] = mapped_column(String(300))

    community: Mapped[Community] = relationship()

    @property
    def kind_label(self) -> str:
        return TEAM_KINDS.get(self.kind, self.kind)


class Membership(db.Model):
    """A person's application to, or place in, a team."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default=ROLE_MEMBER)
    status: Mapped[str] = mapped_column(String(10), default=MEMBER_PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def status_label(self) -> str:
        if self.status == MEMBER_APPROVED and self.role == ROLE_LEADER:
            return ROLE_LABELS[ROLE_TEAM_LEADER]
        return STATUS_LABELS[self.status]
