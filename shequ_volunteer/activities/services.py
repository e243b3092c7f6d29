"""Activity use cases. Each takes the actor and `now`, flushes, and leaves the commit to the caller."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..web.auth import Actor
from . import rules
from .models import (
    SIGNUP_CONFIRMED,
    SIGNUP_WITHDRAWN,
    STATUS_CANCELLED,
    Activity,
    Signup,
)


class SignupRefused(Exception):
    """The sign-up or withdrawal did not happen; `message` says why, in Chinese.

    The caller must roll the session back: seats may have been reserved.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _context(activity: Activity) -> rules.SignupContext:
    return rules.SignupContext(
        status=activity.status,
        starts_at=activity.starts_at,
        signup_deadline=activity.signup_deadline,
        audience=activity.audience,
        capacity=activity.capacity,
        seats_taken=activity.seats_taken,
    )


def reserve_seats(activity_id: int, seats: int) -> bool:
    """Take seats if they are free, atomically. False when the activity is full.

    The WHERE clause is re-checked under the row lock (PostgreSQL) or the
    write lock (SQLite BEGIN IMMEDIATE), so concurrent callers cannot overbook.
    """
    result = db.session.execute(
        update(Activity)
        .where(Activity.id == activity_id, Activity.status != STATUS_CANCELLED)
        .where((Activity.capacity.is_(None)) | (Activity.seats_taken + seats <= Activity.capacity))
        .values(seats_taken=Activity.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def sign_up(actor: Actor, activity: Activity, now: datetime) -> Signup:
    """Sign the actor up for one seat, or raise SignupRefused."""
    refusal = rules.signup_refusal(
        _context(activity), is_member=activity.team_id in actor.member_team_ids, now=now
    )
    existing = db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == actor.user_id)
    )
    if existing is not None and existing.status == SIGNUP_CONFIRMED:
        raise SignupRefused(rules.ALREADY)
    if refusal is not None and refusal != rules.FULL:
        raise SignupRefused(refusal)
    if not reserve_seats(activity.id, 1):
        raise SignupRefused(rules.FULL)
    if existing is None:
        existing = Signup(
            activity_id=activity.id, user_id=actor.user_id, seats=1, created_at=now, updated_at=now
        )
        db.session.add(existing)
        try:
            db.session.flush()
        except IntegrityError as error:  # the same person, twice at once
            raise SignupRefused(rules.ALREADY) from error
    else:
        # Conditional, so a double tap cannot revive one withdrawn row twice.
        revived = db.session.execute(
            update(Signup)
            .where(Signup.id == existing.id, Signup.status == SIGNUP_WITHDRAWN)
            .values(status=SIGNUP_CONFIRMED, seats=1, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if revived != 1:
            raise SignupRefused(rules.ALREADY)
        db.session.refresh(existing)
    db.session.refresh(activity)
    return existing


def withdraw(actor: Actor, activity: Activity, now: datetime) -> None:
    """Withdraw the actor's sign-up and free its seats, or raise SignupRefused."""
    refusal = rules.withdrawal_refusal(_context(activity), now=now)
    if refusal is not None:
        raise SignupRefused(refusal)
    signup = db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == actor.user_id)
    )
    if signup is None:
        raise SignupRefused(rules.NOT_SIGNED_UP)
    # Conditional, so two concurrent withdrawals free the seats only once.
    changed = db.session.execute(
        update(Signup)
        .where(Signup.id == signup.id, Signup.status == SIGNUP_CONFIRMED)
        .values(status=SIGNUP_WITHDRAWN, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise SignupRefused(rules.NOT_SIGNED_UP)
    db.session.execute(
        update(Activity)
        .where(Activity.id == activity.id)
        .values(seats_taken=Activity.seats_taken - signup.seats)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(activity)
    db.session.refresh(signup)


@dataclass
class ActivityInput:
    """Validated form data for creating or editing an activity (times in UTC)."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int | None
    signup_deadline: datetime | None
    audience: str


FIELDS = ("title", "description", "starts_at", "ends_at", "place", "capacity", "signup_deadline", "audience")


def create_activity(actor: Actor, team_id: int, data: ActivityInput, now: datetime) -> Activity:
    """A new scheduled activity of a team the actor manages (checked by the caller)."""
    activity = Activity(team_id=team_id, created_by_id=actor.user_id, created_at=now, updated_at=now)
    for name in FIELDS:
        setattr(activity, name, getattr(data, name))
    db.session.add(activity)
    db.session.flush()
    return activity


def capacity_problem(activity: Activity, capacity: int | None) -> str | None:
    """A new capacity may not drop below the seats already taken."""
    if capacity is not None and capacity < activity.seats_taken:
        return f"已有 {activity.seats_taken} 人报名，名额不能少于 {activity.seats_taken}"
    return None


def update_activity(actor: Actor, activity: Activity, data: ActivityInput, now: datetime) -> Activity:
    """Apply an edit; SEQUENCE goes up when time or place change."""
    before = {k: getattr(activity, k) for k in ("starts_at", "ends_at", "place", "status")}
    for name in FIELDS:
        setattr(activity, name, getattr(data, name))
    after = {k: getattr(activity, k) for k in before}
    if rules.schedule_changed(before, after):
        activity.sequence += 1
    activity.updated_at = now
    db.session.flush()
    return activity


def cancel_activity(actor: Actor, activity: Activity, now: datetime) -> Activity:
    """Cancel but keep the record and the sign-ups; everyone signed up sees 已取消."""
    if activity.status != STATUS_CANCELLED:
        activity.status = STATUS_CANCELLED
        activity.cancelled_at = now
        activity.sequence += 1
        activity.updated_at = now
        db.session.flush()
    return activity
