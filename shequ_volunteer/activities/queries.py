"""Read helpers for activity pages. Each page costs a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..accounts.models import User, is_current_person
from ..extensions import db
from ..teams.models import Team
from ..timeutil import local_midnight, local_today
from .models import HOLDING_A_PLACE, HOLDING_SEATS, SIGNUP_CONFIRMED, SIGNUP_WAITING, Activity, Signup
from .rules import MAX_DURATION

PAGE_SIZE = 30
WHEN_CHOICES = {"upcoming": "近期全部", "today": "今天", "week": "7天内", "month": "30天内"}


@dataclass(frozen=True)
class ListFilter:
    """What the resident chose on the list page."""

    kind: str = ""
    when: str = "upcoming"
    on_date: date | None = None
    page: int = 1


def _window(flt: ListFilter, now: datetime) -> tuple[datetime, datetime | None]:
    """UTC [from, to) for the chosen period, in Shanghai calendar days."""
    today = local_today(now)
    if flt.on_date is not None:
        start = local_midnight(flt.on_date)
        return start, start + timedelta(days=1)
    if flt.when == "today":
        return now, local_midnight(today + timedelta(days=1))
    days = {"week": 7, "month": 30}.get(flt.when)
    if days:
        return now, local_midnight(today + timedelta(days=days + 1))
    return now, None


def list_activities(community_id: int | None, flt: ListFilter, now: datetime) -> tuple[list[Activity], bool]:
    """Activities not yet over in the window, soonest first; and whether more pages follow."""
    start, end = _window(flt, now)
    query = (
        select(Activity)
        .join(Activity.team)
        .options(contains_eager(Activity.team))
        .where(Activity.ends_at > start, Activity.starts_at > start - MAX_DURATION)
        .order_by(Activity.starts_at, Activity.id)
    )
    if end is not None:
        query = query.where(Activity.starts_at < end)
    if community_id is not None:
        community_teams = select(Team.id).where(Team.community_id == community_id)
        query = query.where(_team_id_beside_the_start_index().in_(community_teams))
    if flt.kind:
        query = query.where(Team.kind == flt.kind)
    offset = (max(flt.page, 1) - 1) * PAGE_SIZE
    rows = list(db.session.scalars(query.offset(offset).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _team_id_beside_the_start_index():
    """The activity's team id in a filter that must leave the planner walking the (starts_at, ends_at) index in
    order, where the first page is found after a month's ended activities, tested on the index entries. SQLite plans
    without statistics: offered the column, it reads the community's whole history through the team index and sorts
    it (3.4 ms against 0.4 ms at 5,000 activities), so it gets `team_id + 0`, which no index serves. PostgreSQL has no
    statistics for that expression: it then expects a page to hold every row it keeps and sorts all that is not over
    yet (about 20 ms whatever the page), so it gets the column, whose statistics say every row is the community's."""
    if db.session.get_bind().dialect.name == "sqlite":
        return Activity.team_id + 0
    return Activity.team_id


def signed_up_ids(user_id: int | None, activity_ids: list[int]) -> set[int]:
    """Which of these activities the user holds a confirmed sign-up for (one query)."""
    if user_id is None or not activity_ids:
        return set()
    return set(
        db.session.scalars(
            select(Signup.activity_id).where(
                Signup.user_id == user_id,
                Signup.status.in_(HOLDING_SEATS),
                Signup.activity_id.in_(activity_ids),
            )
        )
    )


def signup_of(user_id: int | None, activity_id: int) -> Signup | None:
    if user_id is None:
        return None
    return db.session.scalar(
        select(Signup).where(Signup.user_id == user_id, Signup.activity_id == activity_id)
    )


def my_signups(user_id: int) -> list[Signup]:
    """Everything the person signed up for, upcoming first then the past, cancelled included."""
    query = (
        select(Signup)
        .join(Signup.activity)
        .join(Activity.team)
        .options(contains_eager(Signup.activity).contains_eager(Activity.team))
        .where(Signup.user_id == user_id, Signup.status.in_(HOLDING_A_PLACE))
        .order_by(Activity.starts_at.desc())
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class MyActivities:
    """我的活动 in three states: a cancelled activity is neither upcoming nor taken part in."""

    upcoming: list[Signup]  # soonest first
    cancelled: list[Signup]  # latest start first
    past: list[Signup]  # latest first


def my_activities(user_id: int, now: datetime) -> MyActivities:
    signups = my_signups(user_id)
    live = [s for s in signups if not s.activity.is_cancelled]
    return MyActivities(
        upcoming=[s for s in live if s.activity.ends_at > now][::-1],
        cancelled=[s for s in signups if s.activity.is_cancelled],
        past=[s for s in live if s.activity.ends_at <= now],
    )


def roster_by_status(activity_id: int) -> dict[str, list[tuple[Signup, User]]]:
    """Confirmed, pending and waiting sign-ups with names, in one query, for the organiser."""
    rows = db.session.execute(
        select(Signup, User)
        .join(User, User.id == Signup.user_id)
        .options(selectinload(Signup.entered_by))
        .where(Signup.activity_id == activity_id, Signup.status.in_(HOLDING_A_PLACE))
        .order_by(Signup.queued_at, Signup.created_at, Signup.id)
    )
    grouped: dict[str, list[tuple[Signup, User]]] = {status: [] for status in (*HOLDING_SEATS, SIGNUP_WAITING)}
    for signup, user in rows:
        grouped[signup.status].append((signup, user))
    return grouped


def participants(activity_id: int, status: str = SIGNUP_CONFIRMED) -> list[tuple[Signup, User]]:
    """Sign-ups with names for the organiser: confirmed ones, or the waiting list in its order."""
    query = (
        select(Signup, User)
        .join(User, User.id == Signup.user_id)
        .options(selectinload(Signup.entered_by))
        .where(Signup.activity_id == activity_id, Signup.status == status)
        .order_by(Signup.queued_at, Signup.created_at, Signup.id)
    )
    return [(s, u) for s, u in db.session.execute(query)]


def confirmed_seat_count(activity_id: int) -> int:
    """Seats counted from the rows themselves (used to cross-check the counter)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Signup.seats), 0)).where(
            Signup.activity_id == activity_id, Signup.status == SIGNUP_CONFIRMED
        )
    )



def waiting_count(activity_id: int) -> int:
    """How many sign-ups wait for a place."""
    return db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.activity_id == activity_id, Signup.status == SIGNUP_WAITING))


def waiting_position(signup: Signup) -> int | None:
    """1 for the first in the waiting list; None when not waiting."""
    if signup.status != SIGNUP_WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(Signup).where(
            Signup.activity_id == signup.activity_id,
            Signup.status == SIGNUP_WAITING,
            (Signup.queued_at < signup.queued_at)
            | ((Signup.queued_at == signup.queued_at) & (Signup.id < signup.id)),
        )
    )
    return ahead + 1


def find_residents(community_id: int, text: str, limit: int = 10) -> list[User]:
    """Residents of a community by part of the name or the phone number (for 代报名)."""
    text = text.strip()
    if not text:
        return []
    pattern = f"%{text.replace('%', '').replace('_', '')}%"
    query = (
        select(User)
        .where(User.community_id == community_id, (User.name.like(pattern)) | (User.phone.like(pattern)),
               is_current_person())
        .order_by(User.name, User.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
