"""Read helpers for hours pages: one person's history, and the staff queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..accounts.models import User
from ..activities.models import Activity, Signup
from ..extensions import db
from ..teams.models import MEMBER_APPROVED, Membership, Team
from ..timeutil import to_local
from . import rules
from .models import APPROVED, KIND_CLAIM, PENDING, HoursEntry


@dataclass(frozen=True)
class HoursLine:
    served_on: date
    title: str
    team: str
    minutes: int
    source: str  # 签到 / 队长更正 / 补录


def my_hours(user_id: int) -> tuple[list[HoursLine], list[HoursEntry]]:
    """Counted lines (attended activities of teams the person serves in, approved 补录), newest
    first; and the person's claims with their status."""
    member_of = select(Membership.team_id).where(Membership.user_id == user_id,
                                                 Membership.status == MEMBER_APPROVED)
    attended = db.session.scalars(
        select(Signup).join(Signup.activity).join(Activity.team)
        .options(contains_eager(Signup.activity).contains_eager(Activity.team))
        .where(Signup.user_id == user_id, Signup.status == "confirmed", Activity.team_id.in_(member_of),
               (Signup.attendance.in_(rules.ATTENDED)) | (Signup.service_minutes.is_not(None)))
    ).all()
    lines = [
        HoursLine(to_local(s.activity.starts_at).date(), s.activity.title, s.activity.team.name,
                  rules.attended_minutes(s.activity.starts_at, s.activity.ends_at, s.attendance, s.service_minutes),
                  "队长更正" if s.service_minutes is not None else "签到")
        for s in attended
    ]
    claims = db.session.scalars(
        select(HoursEntry).join(HoursEntry.team).options(contains_eager(HoursEntry.team))
        .where(HoursEntry.user_id == user_id, HoursEntry.kind == KIND_CLAIM)
        .order_by(HoursEntry.served_on.desc(), HoursEntry.id.desc())
    ).all()
    lines += [HoursLine(c.served_on, c.note or "补录", c.team.name, c.minutes, "补录") for c in claims
              if c.status == APPROVED]
    return sorted(lines, key=lambda line: line.served_on, reverse=True), list(claims)


def pending_claims(community_id: int) -> list[tuple[HoursEntry, User, Team]]:
    query = (
        select(HoursEntry, User, Team)
        .join(User, User.id == HoursEntry.user_id).join(Team, Team.id == HoursEntry.team_id)
        .where(HoursEntry.status == PENDING, Team.community_id == community_id)
        .order_by(HoursEntry.created_at)
    )
    return [tuple(row) for row in db.session.execute(query)]
