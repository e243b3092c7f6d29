"""Issued 志愿服务记录证明: what was certified, kept as it was on the day of issue."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
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


class FigureDay(db.Model):
    """The summable figures of one community, team and Beijing day, kept from the records by reports.kept.

    team_id None: visits and follow-ups of households without a pairing team (个人结对). The figures are the
    day's records as if the day were over (an activity later today counts here already): a report reads
    these rows only for days before its own today and the rest from the records (reports.kept)."""

    __tablename__ = "figure_days"
    __table_args__ = (Index("uq_figure_days_community_day_team", "community_id", "day",
                            text("coalesce(team_id, 0)"), unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    day: Mapped[date]
    activities: Mapped[int] = mapped_column(default=0)
    person_times: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)
    visits: Mapped[int] = mapped_column(default=0)
    opened: Mapped[int] = mapped_column(default=0)
    closed: Mapped[int] = mapped_column(default=0)


class ParticipantYear(db.Model):
    """The first Beijing day of a year on which a person counted among a team's 参与人数 (as if that day were
    over), and (team_id None) among the community's: 参与人数 of a year, or of a year up to a day, is a count of
    these rows, one per person (reports.kept)."""

    __tablename__ = "participant_years"
    __table_args__ = (Index("uq_participant_years_person", "community_id", "year", "user_id",
                            text("coalesce(team_id, 0)"), unique=True),
                      Index("ix_participant_years_counted", "community_id", "year", "team_id", "first_day"),
                      # team before person: the 街道 roll-up counts each person once over the community rows (team
                      # None) alone, in person order; today's probes seek (year, team, person) all the same
                      Index("ix_participant_years_people", "year", "team_id", "user_id", "community_id", "first_day"))
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    year: Mapped[int]
    first_day: Mapped[date]


class ParticipantDay(db.Model):
    """How many people had their first day of the year in a team (team_id None: in the community) on each Beijing
    day: participant_years counted by first_day, kept with them (reports.kept). A year's 参与人数 up to a day is
    then a sum over at most 366 rows a team, however many people took part."""

    __tablename__ = "participant_days"
    __table_args__ = (Index("ix_participant_days_community_day", "community_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    day: Mapped[date]
    people: Mapped[int]
