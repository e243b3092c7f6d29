"""Turn activities into calendar events and pick the ones each feed shows."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..activities.models import Activity
from ..activities.rules import MAX_DURATION
from ..extensions import db
from ..teams.models import Team
from ..timeutil import to_local
from .ical import Event, build_calendar

PRODID = "-//shequ-volunteer//社区志愿服务//ZH"
PAST_WINDOW = timedelta(days=90)


def activity_event(activity: Activity, uid_domain: str, url: str) -> Event:
    """The VEVENT for an activity; the UID depends only on its id, so it never changes."""
    return Event(
        uid=f"activity-{activity.id}@{uid_domain}",
        stamp=activity.updated_at.replace(microsecond=0),
        start=to_local(activity.starts_at).replace(tzinfo=None),
        end=to_local(activity.ends_at).replace(tzinfo=None),
        summary=f"{activity.title}（{activity.team.name}）",
        sequence=activity.sequence,
        cancelled=activity.is_cancelled,
        description=activity.description,
        location=activity.place,
        url=url,
    )


def feed_activities(now: datetime, community_id: int | None = None, team_id: int | None = None) -> list[Activity]:
    """Activities for a feed: from 90 days back onwards, in a stable order."""
    # Whole days, so renders within a day agree byte for byte.
    since = (now - PAST_WINDOW).replace(hour=0, minute=0, second=0, microsecond=0)
    query = (
        select(Activity)
        .join(Activity.team)
        .options(contains_eager(Activity.team))
        .where(Activity.ends_at >= since, Activity.starts_at >= since - MAX_DURATION)
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
