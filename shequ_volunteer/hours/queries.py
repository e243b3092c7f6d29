"""Read helpers for hours pages: one person's history, and the staff queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..accounts.models import User
from ..extensions import db
from ..teams.models import Team
from ..timeutil import local_date, local_today
from .models import KIND_CLAIM, PENDING, HoursEntry


@dataclass(frozen=True)
class HoursLine:
    served_on: date
    title: str
    team: str
    minutes: int
    source: str  # 签到 / 队长更正 / 补录


def my_hours(user_id: int, now: datetime) -> tuple[list[HoursLine], list[HoursEntry]]:
    """Counted lines, newest first — the same definition as the statistics, ledgers and certificates
    (reports.figures.hours_records) — and the person's claims with their status."""
    from ..reports.figures import Window, hours_records
    from ..reports.periods import Period

    person = db.session.get(User, user_id)
    everything = Window(Period(date(2000, 1, 1), local_today(now), "至今"), now)
    rows = db.session.execute(hours_records(person.community_id, everything, user_id=user_id)).all()
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_({r.team_id for r in rows}))).all())
    lines = [HoursLine(local_date(row.served_at), row.title or "补录", names[row.team_id], row.minutes, row.source)
             for row in rows]
    claims = db.session.scalars(
        select(HoursEntry).join(HoursEntry.team).options(contains_eager(HoursEntry.team))
        .where(HoursEntry.user_id == user_id, HoursEntry.kind == KIND_CLAIM)
        .order_by(HoursEntry.served_on.desc(), HoursEntry.id.desc())
    ).all()
    return sorted(lines, key=lambda line: line.served_on, reverse=True), list(claims)


def pending_claims(community_id: int) -> list[tuple[HoursEntry, User, Team]]:
    query = (
        select(HoursEntry, User, Team)
        .join(User, User.id == HoursEntry.user_id).join(Team, Team.id == HoursEntry.team_id)
        .where(HoursEntry.status == PENDING, Team.community_id == community_id)
        .order_by(HoursEntry.created_at)
    )
    return [tuple(row) for row in db.session.execute(query)]
