"""Turn activities into calendar events and pick the ones each feed shows.

Every feed shows a window of whole Shanghai days (90 back, 180 ahead), so renders within a
day agree byte for byte; a cancelled activity stays (STATUS:CANCELLED, so calendars remove
it) for 14 days after the cancellation, then it is dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, or_, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql import ColumnElement

from .. import timeutil
from ..activities.models import STATUS_CANCELLED, Activity
from ..activities.rules import MAX_DURATION
from ..extensions import db
from ..teams.models import Team
from ..timeutil import local_midnight, local_today, local_wall
from .ical import Event, build_calendar

PRODID = "-//shequ-volunteer//社区志愿服务//ZH"
PAST_WINDOW = timedelta(days=90)
FUTURE_WINDOW = timedelta(days=180)
KEEP_CANCELLED = timedelta(days=14)


@dataclass(frozen=True)
class Window:
    """The feed window of one Shanghai day, as naive UTC bounds."""

    since: datetime  # events ending before this are left out
    until: datetime  # events starting at or after this are left out
    cancelled_since: datetime  # cancellations older than this are dropped

    @classmethod
    def of(cls, now: datetime) -> Window:
        midnight = local_midnight(local_today(now))
        return cls(since=midnight - PAST_WINDOW, until=midnight + FUTURE_WINDOW,
                   cancelled_since=midnight - KEEP_CANCELLED)

    def condition(self) -> ColumnElement[bool]:
        """Activities a feed of this day shows (the starts_at bound lets the index do the work)."""
        return _window_condition(self.since, self.since - MAX_DURATION, self.until, self.cancelled_since)

    def params(self) -> dict:
        """Values for bound_window_condition(), for statements built once and run many times."""
        return {"w_since": self.since, "w_since_start": self.since - MAX_DURATION, "w_until": self.until,
                "w_cancelled": self.cancelled_since}


def _window_condition(since, since_start, until, cancelled_since) -> ColumnElement[bool]:
    return (
        (Activity.ends_at >= since) & (Activity.starts_at >= since_start) & (Activity.starts_at < until)
        & or_(Activity.status != STATUS_CANCELLED, Activity.cancelled_at >= cancelled_since)
    )


def bound_window_condition() -> ColumnElement[bool]:
    """The window as bound parameters (see Window.params)."""
    return _window_condition(*(bindparam(name, type_=DateTime) for name in
                               ("w_since", "w_since_start", "w_until", "w_cancelled")))


# Several phone calendars ignore STATUS:CANCELLED and keep showing the event as it was: the title
# itself must say it, in every feed and download (they all build their events here).
CANCELLED_PREFIX = "已取消 · "


def is_all_day(activity: Activity) -> bool:
    """Whole days in calendars: see timeutil.ALL_DAY_AT_LEAST (an evening across midnight keeps its times)."""
    return timeutil.is_all_day(activity.starts_at, activity.ends_at)


def activity_event(activity: Activity, uid_domain: str, url: str, *, summary: str | None = None,
                   stamp: datetime | None = None, alarm_minutes: int | None = None) -> Event:
    """The VEVENT for an activity; the UID depends only on its id, so it never changes.

    Every feed and the single-event download use this, so an app that has the event from
    one of them recognises it in another.
    """
    default_summary = f"{activity.title}（{activity.team.name}）"
    return Event(
        uid=activity_uid(activity.id, uid_domain),
        stamp=(stamp or activity.updated_at).replace(microsecond=0),
        start=local_wall(activity.starts_at),
        end=local_wall(activity.ends_at),
        summary=(CANCELLED_PREFIX if activity.is_cancelled else "") + (summary or default_summary),
        sequence=activity.sequence,
        cancelled=activity.is_cancelled,
        description=activity.description,
        location=activity.place,
        url=url,
        all_day=is_all_day(activity),
        alarm_minutes=alarm_minutes,
    )


def activity_uid(activity_id: int, uid_domain: str) -> str:
    return f"activity-{activity_id}@{uid_domain}"


def feed_activities(now: datetime, community_id: int | None = None, team_id: int | None = None) -> list[Activity]:
    """Activities for a public feed, in a stable order."""
    query = (
        select(Activity)
        .join(Activity.team)
        .options(contains_eager(Activity.team))
        .where(Window.of(now).condition())
        .order_by(Activity.starts_at, Activity.id)
    )
    if community_id is not None:
        query = query.where(Team.community_id == community_id)
    if team_id is not None:
        query = query.where(Activity.team_id == team_id)
    return list(db.session.scalars(query))


def render_feed(name: str, activities: list[Activity], uid_domain: str, url_for_activity) -> bytes:
    events = [activity_event(a, uid_domain, url_for_activity(a.id)) for a in activities]
    return build_calendar(name, events, PRODID)
