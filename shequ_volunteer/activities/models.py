"""Activities and sign-ups. `seats_taken` is guarded by a CHECK and a conditional UPDATE."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..rooms.models import Room
from ..teams.models import Team
from ..timeutil import utcnow
from .rules import most_seats_per_signup

STATUS_SCHEDULED = "scheduled"
STATUS_CANCELLED = "cancelled"

SIGNUP_CONFIRMED = "confirmed"
SIGNUP_WAITING = "waiting"  # 候补: holds no seats until promoted
SIGNUP_PENDING = "pending"  # 待审核: holds its seats until the leader approves or declines
SIGNUP_DECLINED = "declined"
HOLDING_SEATS = (SIGNUP_CONFIRMED, SIGNUP_PENDING)
# Holding a place in an activity, seats or not: whom its changes and its notices are for.
HOLDING_A_PLACE = (*HOLDING_SEATS, SIGNUP_WAITING)
SIGNUP_WITHDRAWN = "withdrawn"
SIGNUP_STATUS_LABELS = {SIGNUP_CONFIRMED: "已报名", SIGNUP_WAITING: "候补中", SIGNUP_PENDING: "待审核",
                        SIGNUP_DECLINED: "未通过", SIGNUP_WITHDRAWN: "已取消报名"}
MAX_SEATS_LIMIT = 10

AUDIENCES = {
    "all": "全体居民",
    "elderly": "60岁以上老人",
    "children": "儿童青少年（需监护人陪同）",
    "women": "妇女",
    "families": "家庭",
    "members": "仅本队队员",
}


class ActivitySeries(db.Model):
    """A recurring activity: its rule, kept for display; each occurrence is an Activity."""

    __tablename__ = "activity_series"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    rule_text: Mapped[str] = mapped_column(String(200))  # e.g. 每周二、六，共8次
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Activity(db.Model):
    """One activity of one team. Cancelling keeps the row (status cancelled)."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        CheckConstraint("capacity IS NULL OR seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"max_seats_per_signup BETWEEN 1 AND {MAX_SEATS_LIMIT}", name="max_seats_range"),
        # By start, and what is not over yet without reading each ended activity's row (the home page's list).
        Index("ix_activities_starts_ends", "starts_at", "ends_at"),
        # A team's activities in a window (its calendar feeds) without reading its whole history.
        Index("ix_activities_team_starts_at", "team_id", "starts_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("activity_series.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(80))
    capacity: Mapped[int | None]
    seats_taken: Mapped[int] = mapped_column(default=0)
    signup_deadline: Mapped[datetime | None]
    # After this, people cannot withdraw; "我去不了" tells the leader instead.
    withdraw_deadline: Mapped[datetime | None]
    # Household seats: one sign-up may bring companions ("我和老伴" = 2), never split.
    max_seats_per_signup: Mapped[int] = mapped_column(default=1, server_default="1")
    waitlist_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    audience: Mapped[str] = mapped_column(String(20), default="all")
    status: Mapped[str] = mapped_column(String(12), default=STATUS_SCHEDULED)
    cancelled_at: Mapped[datetime | None]
    # Bumped whenever time, place or status change, for calendar apps (RFC 5545 SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship()
    series: Mapped[ActivitySeries | None] = relationship()
    room: Mapped[Room | None] = relationship()

    @property
    def is_cancelled(self) -> bool:
        return self.status == STATUS_CANCELLED

    @property
    def places_left(self) -> int | None:
        """None means unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def seats_menu_size(self) -> int:
        """How many seats the sign-up menus offer (1 to this): never more than the activity has places."""
        return most_seats_per_signup(self.max_seats_per_signup, self.capacity)

    @property
    def audience_label(self) -> str:
        return AUDIENCES.get(self.audience, self.audience)


class Signup(db.Model):
    """One person's sign-up; a withdrawal keeps the row so history survives."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        CheckConstraint("seats >= 1", name="seats_positive"),
        # The waiting list of an activity, in the order people joined it.
        Index("ix_signups_queue", "activity_id", "status", "queued_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default=SIGNUP_CONFIRMED)
    # 代报名: the staff member or leader who entered it for someone without a phone.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    queued_at: Mapped[datetime | None]  # when it joined the waiting list
    promoted_at: Mapped[datetime | None]  # when it moved from the waiting list to confirmed
    cant_come_at: Mapped[datetime | None]  # "我去不了", said after the withdrawal deadline
    attendance: Mapped[str | None] = mapped_column(String(10))  # present / late / absent / leave
    service_minutes: Mapped[int | None]  # the leader's correction of the hours this attendance counts
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])

    @property
    def holds_a_place(self) -> bool:
        """Confirmed, 待审核 or waiting: the activity's changes and notices are for this person."""
        return self.status in HOLDING_A_PLACE


ATTENDANCE_LABELS = {"present": "出席", "late": "迟到", "absent": "缺席", "leave": "请假"}


class AttendanceChange(db.Model):
    """Every change to someone's attendance: what, by whom, when and how (code or roster)."""

    __tablename__ = "attendance_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id"), index=True)
    attendance: Mapped[str] = mapped_column(String(10))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(String(10))  # code / roster
    at: Mapped[datetime] = mapped_column(default=utcnow)
