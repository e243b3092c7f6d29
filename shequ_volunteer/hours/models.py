"""Hours entries: a leader's correction of an attendance, or a volunteer's 补录 claim."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..decisions import APPROVED, DECLINED, PENDING
from ..extensions import db
from ..teams.models import Team
from ..timeutil import utcnow

KIND_CORRECTION = "correction"
KIND_CLAIM = "claim"
STATUS_LABELS = {PENDING: "待审核", APPROVED: "已通过", DECLINED: "未通过"}
MAX_MINUTES = 24 * 60


class HoursEntry(db.Model):
    """Every change to someone's hours: who entered it, who decided, when."""

    __tablename__ = "hours_entries"
    __table_args__ = (CheckConstraint(f"minutes BETWEEN 0 AND {MAX_MINUTES}", name="minutes_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signups.id"))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int]
    served_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    team: Mapped[Team] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]
