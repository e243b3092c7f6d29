"""Households in need (帮扶对象), their pairings with helpers, and who looked at them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

CATEGORIES = {
    "empty_nest": "空巢/独居老人",
    "solitary": "孤寡老人",
    "left_behind_child": "留守儿童",
    "disabled": "残疾人",
    "dibao": "低保户",
    "hardship": "困难家庭",
}


class Household(db.Model):
    """Only what visiting needs: no religion, no criminal history (PIPL: collect the minimum)."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
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
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def category_labels(self) -> list[str]:
        return [CATEGORIES[key] for key in self.categories.split(",") if key in CATEGORIES]

    @property
    def place_label(self) -> str:
        """楼栋 only: what a calendar or a helper's list may show."""
        return "外地" if self.outside_area else f"{self.building}号楼" if self.building else self.estate


class Pairing(db.Model):
    """A household paired with helpers (one or two volunteers) or a whole team."""

    __tablename__ = "pairings"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship()


class PairingHelper(db.Model):
    """A person helping in a pairing for a while; history is kept when helpers change."""

    __tablename__ = "pairing_helpers"
    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]


class HouseholdAccess(db.Model):
    """Every view or export of a household record (staff can read this log)."""

    __tablename__ = "household_access"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow)
