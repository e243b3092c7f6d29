"""Recurring activities: create a series of occurrences, and edit "this and all later ones"."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from ..accounts.actor import Actor
from ..extensions import db
from ..timeutil import from_local, to_local
from . import recurrence
from .models import Activity, ActivitySeries
from .services import ActivityInput, capacity_problem, create_activity, tell_work_group, update_activity


def _moved(data: ActivityInput, starts_at: datetime) -> ActivityInput:
    """The same activity at another start; duration and deadline offsets are kept."""
    shift = starts_at - data.starts_at

    def along(moment: datetime | None) -> datetime | None:
        return moment + shift if moment else None

    return replace(data, starts_at=starts_at, ends_at=data.ends_at + shift,
                   signup_deadline=along(data.signup_deadline), withdraw_deadline=along(data.withdraw_deadline))


def planned_starts(data: ActivityInput, rule: recurrence.Rule) -> list[datetime]:
    """UTC starts of every occurrence: the rule's dates at the first one's Shanghai wall time."""
    first = to_local(data.starts_at).replace(tzinfo=None)
    return [from_local(datetime.combine(day, first.time())) for day in recurrence.occurrence_dates(rule, first.date())]


def create_series(actor: Actor, team_id: int, data: ActivityInput, rule: recurrence.Rule,
                  now: datetime) -> list[Activity]:
    """One activity per date of the rule, each with its own places, sign-ups and UID; an activity that does not
    repeat is one activity of no series (its page and edit form then say nothing of repeating)."""
    if rule.kind == recurrence.ONCE:
        activity = create_activity(actor, team_id, data, now)
        tell_work_group(activity, "新活动", now)
        return [activity]
    starts = planned_starts(data, rule)
    series = ActivitySeries(team_id=team_id, rule_text=recurrence.describe(rule, len(starts)),
                            created_by_id=actor.user_id, created_at=now)
    db.session.add(series)
    db.session.flush()
    created = []
    for starts_at in starts:
        activity = create_activity(actor, team_id, _moved(data, starts_at), now)
        activity.series_id = series.id
        created.append(activity)
    db.session.flush()
    # One work-group post for the whole series (not one per date): the first date, and how it repeats.
    tell_work_group(created[0], "新活动" if len(created) == 1 else f"新活动（{series.rule_text}）", now)
    return created


def later_in_series(pivot: Activity, now: datetime) -> list[Activity]:
    rows = db.session.execute(
        select(Activity.id, Activity.starts_at).where(Activity.series_id == pivot.series_id)
    ).all()
    ids = recurrence.later_occurrences([(r.id, r.starts_at) for r in rows], pivot.starts_at, now)
    return list(db.session.scalars(select(Activity).where(Activity.id.in_(ids)).order_by(Activity.starts_at)))


def series_problem(pivot: Activity, data: ActivityInput, now: datetime) -> str | None:
    """A later occurrence that cannot take the new number of places, if any."""
    for activity in later_in_series(pivot, now):
        problem = capacity_problem(activity, data.capacity)
        if problem:
            return f"{to_local(activity.starts_at):%m月%d日}那次：{problem}"
    return None


def update_from(actor: Actor, pivot: Activity, data: ActivityInput, now: datetime) -> list[Activity]:
    """Apply an edit to this occurrence and every later one that has not started.

    Each keeps its own date; a change of the pivot's time moves them all by the same amount.
    """
    shift = data.starts_at - pivot.starts_at
    changed = []
    for activity in later_in_series(pivot, now):
        moved = _moved(data, activity.starts_at + shift) if activity.id != pivot.id else data
        changed.append(update_activity(actor, activity, moved, now))
    return changed



