"""Issued 志愿服务记录证明: what was certified, kept as it was on the day of issue."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..communities.models import Community
from ..extensions import db


class Certificate(db.Model):
    """One certificate as issued. The person's name, teams and every line are copied in, so later
    changes to the records (a late 补录, a renamed team) never change a certificate already handed
    out; `lines_digest` is the SHA-256 of the lines and `seal` an HMAC of everything shown, so a row
    edited in the database no longer verifies."""

    __tablename__ = "certificates"
    __table_args__ = (CheckConstraint("total_minutes > 0", name="total_positive"),
                      CheckConstraint("period_end >= period_start", name="period_ordered"))
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    community_name: Mapped[str] = mapped_column(String(60))
    holder_name: Mapped[str] = mapped_column(String(40))
    team_names: Mapped[str] = mapped_column(String(400))
    period_start: Mapped[date]
    period_end: Mapped[date]  # inclusive; never after the day of issue
    period_label: Mapped[str] = mapped_column(String(60))
    total_minutes: Mapped[int]
    lines_digest: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]

    community: Mapped[Community] = relationship()
    lines: Mapped[list[CertificateLine]] = relationship(order_by="CertificateLine.position",
                                                        cascade="all, delete-orphan")


class CertificateLine(db.Model):
    """One service-hours line of a certificate, as figures.hours_records gave it on the day of issue."""

    __tablename__ = "certificate_lines"
    __table_args__ = (UniqueConstraint("certificate_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    position: Mapped[int]
    served_on: Mapped[date]  # Shanghai date
    source: Mapped[str] = mapped_column(String(8))  # 签到 / 补录
    title: Mapped[str] = mapped_column(String(200))
    team_name: Mapped[str] = mapped_column(String(60))
    minutes: Mapped[int]
