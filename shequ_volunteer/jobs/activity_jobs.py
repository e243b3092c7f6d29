"""The day before an activity: a reminder to everyone holding a place, and a word to its leaders when it is still
under half full. "Tomorrow" is the next Beijing day; both read a fixed number of statements however many
activities and sign-ups there are."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from ..activities.models import HOLDING_SEATS, SIGNUP_PENDING, STATUS_SCHEDULED, Activity, Signup
from ..extensions import db
from ..messages.kinds import LEADER_UNDER_HALF, REMINDER_TOMORROW
from ..teams.queries import leader_ids_by_team
from ..timeutil import day_range
from . import texts
from .claims import Delivery, Outgoing, reachable, site_path


def tomorrows_activities(today: date) -> list[Activity]:
    """Activities starting on the Beijing day after `today`, not cancelled."""
    start, end = day_range(today + timedelta(days=1))
    return list(db.session.scalars(select(Activity).where(Activity.starts_at >= start, Activity.starts_at < end,
                                                          Activity.status == STATUS_SCHEDULED)
                                   .order_by(Activity.starts_at, Activity.id)))


def facts(activity: Activity) -> texts.ActivityFacts:
    return texts.ActivityFacts(activity.title, activity.starts_at, activity.ends_at, activity.place,
                               activity.description, activity.seats_taken, activity.capacity)


def activity_key(activity: Activity) -> str:
    return f"activity:{activity.id}"


def reminders(activities: list[Activity], today: date) -> list[Delivery]:
    """reminder_tomorrow, one per activity: to each person whose sign-up holds seats (confirmed, and 待审核 with a
    line saying it still waits for the leader), except those who have already said 我去不了. 候补 (waiting) hold
    no place: they are told if they are promoted, not reminded of an activity they may not attend."""
    holders = db.session.execute(
        select(Signup.activity_id, Signup.user_id, Signup.status, Signup.seats)
        .where(Signup.activity_id.in_([activity.id for activity in activities]), Signup.status.in_(HOLDING_SEATS),
               Signup.cant_come_at.is_(None))).all()
    reached = reachable(row.user_id for row in holders)
    groups: dict[int, dict[tuple[bool, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in holders:
        if row.user_id in reached:
            groups[row.activity_id][(row.status == SIGNUP_PENDING, row.seats)].append(row.user_id)
    deliveries = []
    for activity in activities:
        if activity.id not in groups:
            continue
        link = site_path("activities.detail", activity_id=activity.id)
        outgoing = tuple(Outgoing(tuple(user_ids), *texts.reminder(facts(activity), pending=pending, seats=seats), link)
                         for (pending, seats), user_ids in sorted(groups[activity.id].items()))
        deliveries.append(Delivery(REMINDER_TOMORROW, activity_key(activity), today, outgoing))
    return deliveries


def is_under_half(activity: Activity) -> bool:
    """Fewer than half of its places taken (seats held by confirmed and 待审核 sign-ups); an activity without a
    limit is never 'under half'."""
    return activity.capacity is not None and activity.seats_taken * 2 < activity.capacity


def under_half_alerts(activities: list[Activity], today: date) -> list[Delivery]:
    """leader_under_half, one per activity under half full: to the current leaders of its team."""
    thin = [activity for activity in activities if is_under_half(activity)]
    leaders = leader_ids_by_team(activity.team_id for activity in thin)
    return [Delivery(LEADER_UNDER_HALF, activity_key(activity), today,
                     (Outgoing(tuple(leaders[activity.team_id]), *texts.under_half(facts(activity)),
                               site_path("activities.detail", activity_id=activity.id)),))
            for activity in thin if leaders.get(activity.team_id)]


def plan(today: date) -> list[Delivery]:
    """Both jobs of the day before, for the activities of tomorrow."""
    activities = tomorrows_activities(today)
    if not activities:
        return []
    return reminders(activities, today) + under_half_alerts(activities, today)
