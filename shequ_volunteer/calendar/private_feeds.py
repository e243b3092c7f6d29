"""The feeds behind secret links: 我的日程 (a person's sign-ups and pairing visits) and a
leader's team feed with live counts in the titles.

Visits carry reduced detail only — "探访 · 3号楼" — never a name or a condition: a phone's
calendar is shown on lock screens and synced to clouds.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..activities.models import HOLDING_SEATS, SIGNUP_PENDING, Activity, Signup
from ..extensions import db
from ..pairing import queries as pairing_queries
from ..pairing.rules import MAJOR_CHANGE_WITHIN, VisitState
from ..timeutil import local_midnight, local_today
from .feeds import Window, activity_event
from .ical import Event

EPOCH = datetime(2020, 1, 1)


def signed_up_activities(user_id: int, now: datetime) -> list[tuple[Activity, Signup]]:
    """Activities the person holds seats for (confirmed or awaiting approval) within the window.

    Waiting-list sign-ups are left out until promoted; withdrawn ones drop out of the feed.
    """
    return list(db.session.execute(
        select(Activity, Signup).join(Signup, Signup.activity_id == Activity.id)
        .join(Activity.team).options(contains_eager(Activity.team))
        .where(Signup.user_id == user_id, Signup.status.in_(HOLDING_SEATS), Window.of(now).condition())
        .order_by(Activity.starts_at, Activity.id)
    ))


def personal_events(user_id: int, reminder: int | None, now: datetime, uid_domain: str, url_for) -> list[Event]:
    events = []
    for activity, signup in signed_up_activities(user_id, now):
        pending = "（待审核）" if signup.status == SIGNUP_PENDING else ""
        summary = f"{activity.title}（{activity.team.name}）{pending}"
        events.append(activity_event(activity, uid_domain, url_for(activity.id), summary=summary,
                                     stamp=max(activity.updated_at, signup.updated_at), alarm_minutes=reminder))
    return events + visit_events(user_id, now, uid_domain)


def visit_events(user_id: int, now: datetime, uid_domain: str) -> list[Event]:
    """One all-day event per household the person helps, on the day its next visit is due
    (today when overdue)."""
    today = local_today(now)
    events = []
    for row in pairing_queries.board_rows(pairing_queries.helper_scope(user_id, today), now):
        overdue = row.due.state == VisitState.OVERDUE
        day = today if overdue else row.due.due_on
        stamp = _visit_stamp(row, today if overdue else None)
        start = datetime(day.year, day.month, day.day)
        events.append(Event(
            uid=f"visit-{row.household.id}-{user_id}@{uid_domain}",
            stamp=stamp,
            start=start,
            end=start + timedelta(days=1),
            summary=("探访（已逾期）· " if overdue else "探访 · ") + row.household.place_label,
            # Seconds since 2020 of the last change: it rises whenever the due day can have moved
            # (and stays within a signed 32-bit integer until 2088).
            sequence=int((stamp - EPOCH).total_seconds()),
            all_day=True,
        ))
    return events


def _visit_stamp(row, overdue_today) -> datetime:
    """The last moment anything that places this event changed. Every part only ever grows: the
    time a visit was *logged* (a back-dated visit is logged now), when a change was reported, the
    household's record, the pairing's start, and today while it is overdue."""
    moments = [row.household.updated_at, local_midnight(row.pairing.starts_on)]
    if row.last_logged_at:
        moments.append(row.last_logged_at)
    if row.due.urgent_by:
        moments.append(row.due.urgent_by - MAJOR_CHANGE_WITHIN)
    if overdue_today:
        moments.append(local_midnight(overdue_today))
    latest = max(moments)
    # Whole seconds, rounded up: a change later within the same second still raises the stamp.
    return latest.replace(microsecond=0) + (timedelta(seconds=1) if latest.microsecond else timedelta())


def counted_title(activity: Activity) -> str:
    """"敬老院义剪 3/5": the leader sees the sign-ups at a glance in the calendar."""
    counts = f"{activity.seats_taken}/{activity.capacity}" if activity.capacity else f"{activity.seats_taken}人"
    return f"{activity.title} {counts}"


def team_events(team_id: int, now: datetime, uid_domain: str, url_for) -> list[Event]:
    # Per activity of the window (its sign-ups by index), not grouped over every sign-up there ever was.
    latest_signup = (select(func.max(Signup.updated_at)).where(Signup.activity_id == Activity.id)
                     .correlate(Activity).scalar_subquery())
    rows = db.session.execute(
        select(Activity, latest_signup).join(Activity.team).options(contains_eager(Activity.team))
        .where(Activity.team_id == team_id, Window.of(now).condition())
        .order_by(Activity.starts_at, Activity.id)
    )
    return [activity_event(activity, uid_domain, url_for(activity.id), summary=counted_title(activity),
                           stamp=max(activity.updated_at, changed_at or activity.updated_at))
            for activity, changed_at in rows]

