"""One row per job instance done: its key (kind, object, Beijing day) is unique, so whichever process inserts it
first does the work, in the same transaction; every other process, on any host, gets an IntegrityError and skips."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("kind", "object_key", "day", name="uq_job_runs_key"),
        # A run's one read of the day's done instances, and deleting the old rows (jobs/housekeeping.py).
        Index("ix_job_runs_day", "day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # the message kind it sends, e.g. reminder_tomorrow
    object_key: Mapped[str] = mapped_column(String(40))  # what it is about: activity:12, user:5
    day: Mapped[date] = mapped_column(Date)  # the Beijing day it ran for
    done_at: Mapped[datetime]
    messages_sent: Mapped[int] = mapped_column(default=0)
