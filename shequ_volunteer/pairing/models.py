"""Households in need (帮扶对象), their pairings with helpers, and who looked at them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..refusals import refuse_violation
from ..timeutil import utcnow
from .rules import TIER_LABELS

CATEGORIES = {
    "empty_nest": "空巢/独居老人",
    "solitary": "孤寡老人",
    "left_behind_child": "留守儿童",
    "disabled": "残疾人",
    "dibao": "低保户",
    "hardship": "困难家庭",
}


class HouseholdLabels:
    """How a household is named on screens; shared by the model and the board's light rows."""

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, self.tier)

    @property
    def address(self) -> str:
        """The full address for staff and helpers: 小区 楼栋 室, or the address outside the area."""
        if self.outside_area:
            return f"外地：{self.address_note}" if self.address_note else "外地"
        parts = [self.estate, f"{self.building}号楼" if self.building else "", f"{self.room}室" if self.room else ""]
        return " ".join(part for part in parts if part)

    @property
    def place_label(self) -> str:
        """楼栋 only: what a calendar or a helper's list may show."""
        return "外地" if self.outside_area else f"{self.building}号楼" if self.building else self.estate


class Household(HouseholdLabels, db.Model):
    """Only what visiting needs: no religion, no criminal history (PIPL: collect the minimum)."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid: Mapped[str] = mapped_column(String(20), default="")  # 网格
    estate: Mapped[str] = mapped_column(String(40), default="")  # 小区
    building: Mapped[str] = mapped_column(String(20), default="")  # 楼栋
    room: Mapped[str] = mapped_column(String(20), default="")  # 室
    outside_area: Mapped[bool] = mapped_column(default=False)  # 外地
    address_note: Mapped[str] = mapped_column(String(100), default="")
    head_name: Mapped[str] = mapped_column(String(40))
    members: Mapped[str] = mapped_column(String(300), default="")
    categories: Mapped[str] = mapped_column(String(120), default="")  # comma-separated keys of CATEGORIES
    tier: Mapped[str] = mapped_column(String(10), default="general")
    visit_interval_days: Mapped[int | None]
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(11), default="")
    consent_recorded_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")  # staff only
    helper_brief: Mapped[str] = mapped_column(Text, default="")  # what staff release to helpers (交接说明)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The latest of the household's records, kept by pairing.schedules.refresh in the transaction of every
    # change to them, so the board need not read years of visits: max(visits.visited_at), max(visited_on),
    # max(created_at) (a back-dated visit is logged later), max(household_events.happened_at).
    last_visit_at: Mapped[datetime | None]
    last_visit_on: Mapped[date | None]
    last_visit_logged_at: Mapped[datetime | None]
    major_change_at: Mapped[datetime | None]

    community = relationship("Community")

    # The plain fields the staff form edits (categories and consent are stored differently).
    EDITABLE = ("head_name", "grid", "estate", "building", "room", "outside_area", "address_note", "members",
                "tier", "visit_interval_days", "contact_name", "contact_phone", "notes", "helper_brief")

    @property
    def category_labels(self) -> list[str]:
        return [CATEGORIES[key] for key in self.categories.split(",") if key in CATEGORIES]


def active_on(model, day: date):
    """SQL: a pairing or helper row that has started by `day` and not ended before it (ends_on is
    the last day it counts). The one definition every access rule, board, feed and report uses."""
    return (model.starts_on <= day) & ((model.ends_on.is_(None)) | (model.ends_on >= day))


class Pairing(db.Model):
    """A household paired with helpers (one or two volunteers) or a whole team."""

    __tablename__ = "pairings"
    __table_args__ = (
        # At most one open-ended pairing per household: the database's backstop for the check in
        # pairing.services.create_pairing (which also locks the household row while it checks).
        Index("uq_pairings_open_household_id", "household_id", unique=True,
              sqlite_where=text("ends_on IS NULL"), postgresql_where=text("ends_on IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line (`flask import`)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # rules.due_date of this pairing (kept by pairing.schedules.refresh): the Beijing date its next visit is due,
    # and the moment a major change's 24 hours run out. Neither depends on the clock; the state now is read in SQL.
    visit_due_on: Mapped[date | None]
    visit_urgent_by: Mapped[datetime | None]

    household: Mapped[Household] = relationship()

    def is_active(self, today: date) -> bool:
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


@dataclass(frozen=True)
class HouseholdSummary(HouseholdLabels):
    """The columns the board and calendars need, without loading a whole ORM object per row."""

    id: int
    head_name: str
    grid: str
    estate: str
    building: str
    room: str
    outside_area: bool
    address_note: str
    tier: str
    visit_interval_days: int | None
    updated_at: datetime
    community_id: int

    COLUMNS = ("id", "head_name", "grid", "estate", "building", "room", "outside_area", "address_note", "tier",
               "visit_interval_days", "updated_at", "community_id")


@dataclass(frozen=True)
class PairingSummary:
    id: int
    starts_on: date
    team_id: int | None


class PairingHelper(db.Model):
    """A person helping in a pairing for a while; history is kept when helpers change."""

    __tablename__ = "pairing_helpers"
    __table_args__ = (
        # One current row per person per pairing: a handover ends a row (ends_on) before adding anew.
        Index("uq_pairing_helpers_open_pairing_id", "pairing_id", "user_id", unique=True,
              sqlite_where=text("ends_on IS NULL"), postgresql_where=text("ends_on IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]


PAIRING_EXISTS = "这户已有正在进行的结对，请先结束它或更换志愿者"
refuse_violation("uq_pairings_open_household_id", PAIRING_EXISTS, "helper_phones")
refuse_violation("uq_pairing_helpers_open_pairing_id", "这位志愿者已经在这个结对里了", "helper_phones")


class HouseholdAccess(db.Model):
    """Every view or export of a household record (staff can read this log)."""

    __tablename__ = "household_access"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line (`flask import`)
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow)


VISIT_WAYS = {"home": "上门", "phone": "电话", "video": "视频", "errand": "代办"}
# The checklist: each item is fine unless the volunteer ticks it as a concern.
VISIT_CHECKS = {"health": "身体健康", "food": "饮食", "utilities": "水电气安全", "medicine": "用药", "mood": "情绪"}
# Why a visit log is deleted: chosen, not typed, since the reason goes into the 操作记录 that the 街道 reads too.
VISIT_DELETE_REASONS = {"wrong_household": "选错了帮扶对象", "duplicate": "重复记录了",
                        "not_visited": "这次其实没有探访", "other": "其他录错的情况"}


class Visit(db.Model):
    """走访记录: one visit (or call) a helper made to a paired household."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_household_visited_at", "household_id", "visited_at"),
        # A report's days from today on (reports.kept_reads) and a day's recount (reports.kept): visits of those dates.
        Index("ix_visits_visited_on", "visited_on"),
        CheckConstraint("duration_minutes >= 0 AND duration_minutes <= 1440", name="duration_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    way: Mapped[str] = mapped_column(String(10))
    visited_on: Mapped[date]  # the Shanghai date the visitor gave
    visited_at: Mapped[datetime]  # naive UTC: the moment the schedule counts from
    duration_minutes: Mapped[int] = mapped_column(default=0)
    concerns: Mapped[str] = mapped_column(String(80), default="")  # comma-separated keys of VISIT_CHECKS
    note: Mapped[str] = mapped_column(String(500), default="")
    needs_follow_up: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visitor = relationship("User")
    aid_items: Mapped[list[VisitAid]] = relationship(order_by="VisitAid.id")

    @property
    def way_label(self) -> str:
        return VISIT_WAYS.get(self.way, self.way)

    @property
    def concern_labels(self) -> list[str]:
        return [VISIT_CHECKS[key] for key in self.concerns.split(",") if key in VISIT_CHECKS]


AID_ITEM_MAX = 40  # characters of a material help item's name: the column, the form's check and its input box


class VisitAid(db.Model):
    """Material help handed over on a visit (物资), itemised; the amount in fen."""

    __tablename__ = "visit_aid"
    __table_args__ = (CheckConstraint("amount_fen >= 0", name="amount_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    item: Mapped[str] = mapped_column(String(AID_ITEM_MAX))
    amount_fen: Mapped[int] = mapped_column(default=0)

    @property
    def amount_label(self) -> str:
        return f"{self.amount_fen // 100}.{self.amount_fen % 100:02d}元"


FOLLOW_UP_OPEN, FOLLOW_UP_DOING, FOLLOW_UP_CLOSED = "open", "doing", "closed"
FOLLOW_UP_STATUSES = {FOLLOW_UP_OPEN: "待处理", FOLLOW_UP_DOING: "处理中", FOLLOW_UP_CLOSED: "已办结"}
FOLLOW_UPS_NOT_CLOSED = (FOLLOW_UP_OPEN, FOLLOW_UP_DOING)


class FollowUp(db.Model):
    """A visit's "needs follow-up": a staff task with an owner and a status until closed."""

    __tablename__ = "follow_ups"
    # The staff queue reads a community's open ones and its latest closed ones from this index alone, however
    # many years of follow-ups are closed behind them.
    __table_args__ = (Index("ix_follow_ups_community_status_closed_at", "community_id", "status", "closed_at", "id"),
                      # 新增跟进 and 办结跟进 of a report's days (reports.figures, kept): by moment, not history.
                      Index("ix_follow_ups_community_opened_at", "community_id", "opened_at"),
                      Index("ix_follow_ups_community_closed_at", "community_id", "closed_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=FOLLOW_UP_OPEN)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(String(300), default="")
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    household: Mapped[Household] = relationship()
    owner = relationship("User", foreign_keys=[owner_id])

    @property
    def status_label(self) -> str:
        return FOLLOW_UP_STATUSES.get(self.status, self.status)


MAJOR_CHANGES = {"hospital": "住院/病重", "bereavement": "家中有人去世", "other": "其他重大变故"}


class HouseholdEvent(db.Model):
    """A major change (hospital, bereavement): a visit becomes due within 24 hours."""

    __tablename__ = "household_events"
    __table_args__ = (Index("ix_household_events_household_at", "household_id", "happened_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    happened_at: Mapped[datetime]  # when it was reported (naive UTC)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    @property
    def kind_label(self) -> str:
        return MAJOR_CHANGES.get(self.kind, self.kind)
