"""The summable figures and 参与人数 of a period, read from the kept rows (reports.kept) and the records of today on.

A figure of a period is the kept rows of its days before today (Beijing, at `now`) plus figures.py over the
records of its days from today on: the kept rows count a day as if it were over, which is true of every day
before today and of no day after it (an activity later today is not held yet). So no job has to run at
midnight, and what is read from the records is only the period's days from today on.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select

from ..extensions import db
from ..timeutil import local_today
from ..timeutil_sql import shanghai_day
from . import figures
from .models import FigureDay, ParticipantDay, ParticipantYear
from .periods import Period

# figure key → the kept column that sums it
SUMMED = {"activities": FigureDay.activities, "person_times": FigureDay.person_times, "hours": FigureDay.minutes,
          "visits": FigureDay.visits, "follow_ups_opened": FigureDay.opened, "follow_ups_closed": FigureDay.closed}


def _split(period: Period, now: datetime) -> tuple[Period | None, Period | None]:
    """The period's days before today (read kept) and from today on (read from the records)."""
    today = local_today(now)
    kept_end = min(period.end, today - timedelta(days=1))
    kept = Period(period.start, kept_end, period.label) if period.start <= kept_end else None
    live_start = max(period.start, today)
    live = Period(live_start, period.end, period.label) if live_start <= period.end else None
    return kept, live


def _scope_filter(column, scope):
    return figures.in_communities(column, scope)


def summed(scope, period: Period, now: datetime, by: str = "team") -> dict[str, dict]:
    """{figure key: {team or community: value}} of the summable figures, `by` "team" or "community" (a team
    appears only where its value is not 0, as a team without records does not appear in figures.values)."""
    kept, live = _split(period, now)
    found: dict[str, dict] = {key: defaultdict(int) for key in SUMMED}
    if kept is not None:
        group = FigureDay.team_id if by == "team" else FigureDay.community_id
        rows = db.session.execute(
            select(group, *(func.sum(column) for column in SUMMED.values()))
            .where(_scope_filter(FigureDay.community_id, scope), FigureDay.day >= kept.start, FigureDay.day <= kept.end)
            .group_by(group))
        for group_id, *values in rows:
            for key, value in zip(SUMMED, values, strict=True):
                found[key][group_id] += value or 0
    if live is not None:
        values = figures.values(scope, figures.Window(live, now), keys=tuple(SUMMED), by_team=by == "team",
                                by_community=by == "community")
        for key in SUMMED:
            for group_id, value in values[key].items():
                found[key][group_id] += value
    return {key: {group_id: value for group_id, value in values.items() if value} for key, values in found.items()}


def activities_by_day(community_id: int, period: Period, now: datetime) -> dict[date, int]:
    """活动场次 per Beijing day of the period (days without any left out), for the monthly chart."""
    kept, live = _split(period, now)
    found: dict[date, int] = defaultdict(int)
    if kept is not None:
        for day, value in db.session.execute(
                select(FigureDay.day, func.sum(FigureDay.activities))
                .where(FigureDay.community_id == community_id, FigureDay.day >= kept.start,
                       FigureDay.day <= kept.end).group_by(FigureDay.day)):
            found[day] += value or 0
    if live is not None:
        rows = figures.activities_records(community_id, figures.Window(live, now)).subquery()
        day = shanghai_day(rows.c.starts_at)
        for day_value, value in db.session.execute(select(day, func.count()).group_by(day)):
            found[day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value)[:10])] += value
    return found


def participants(scope, period: Period, now: datetime, by: str = "team") -> tuple[int, dict]:
    """参与人数 of the period over the scope, and per team (or per community, `by`).

    A year, or a year up to a day (截止某日), is counted from participant_years: the people whose first day of
    that year (in the community, or in the team) came before today and by the period's end — one row each, so
    a count, not a count of distinct people over every sign-up — and then those of the records from today to
    the end who had no such row. Over several communities a person is counted once. Other periods are counted
    from the records (their cost is their length, not the history behind them)."""
    if period.start != date(period.start.year, 1, 1) or period.end.year != period.start.year:
        window = figures.Window(period, now)
        total = figures.values(scope, window, keys=("participants",))["participants"]
        if by == "team":
            return total, figures.values(scope, window, keys=("participants",), by_team=True)["participants"]
        return total, {one: figures.values(one, window, keys=("participants",))["participants"] for one in scope}
    rows = ParticipantYear
    cutoff = min(local_today(now), period.end + timedelta(days=1))
    counted = and_(_scope_filter(rows.community_id, scope), rows.year == period.start.year, rows.first_day < cutoff)
    several = isinstance(scope, (list, tuple))
    # One community's people, and each team's, are sums of participant_days (≤ 366 rows a team); only a person
    # who took part in several communities needs the people themselves to be counted once.
    days = ParticipantDay
    summed_days = and_(_scope_filter(days.community_id, scope), days.day >= period.start, days.day < cutoff)
    if several:
        total = db.session.scalar(select(func.count(rows.user_id.distinct())).where(counted, rows.team_id.is_(None)))
    else:
        total = db.session.scalar(select(func.sum(days.people)).where(summed_days, days.team_id.is_(None)))
    total = total or 0
    group = days.team_id if by == "team" else days.community_id
    per = {group_id: people or 0 for group_id, people in db.session.execute(
        select(group, func.sum(days.people)).where(
            summed_days, days.team_id.is_not(None) if by == "team" else days.team_id.is_(None)).group_by(group))}
    _kept, live = _split(period, now)
    if live is None:
        return total, per
    # Today on: the people of the records, each asked (one index probe of ix_participant_years_people apiece)
    # whether they were counted already in the scope, in their community, in their team.
    # OFFSET 0 keeps PostgreSQL from turning a probe into a hash of the whole year's rows, built before the first
    # person is asked (160,000 rows, ~50 ms each over 8 communities, where the probes take a few ms together).
    def counted_before(records, *where):
        return select(rows.user_id).where(rows.year == period.start.year, rows.user_id == records.c.user_id,
                                          rows.first_day < cutoff, *where).correlate(records).offset(0).exists()

    new_anywhere, new_in_community, new_in_team = set(), set(), set()
    records = figures.participation_records(scope, figures.Window(live, now)).subquery()
    # Each person once per team before the probes, which then read the community from the record (a subquery of
    # teams per probe was a third of the 街道 roll-up's cost on PostgreSQL).
    people = select(records.c.team_id, records.c.user_id, records.c.community_id).distinct().subquery()
    for team_id, user_id, community_id, in_scope, in_community, in_team in db.session.execute(select(
            people.c.team_id, people.c.user_id, people.c.community_id,
            counted_before(people, rows.team_id.is_(None), _scope_filter(rows.community_id, scope)),
            counted_before(people, rows.team_id.is_(None), rows.community_id == people.c.community_id),
            counted_before(people, rows.team_id == people.c.team_id, rows.community_id == people.c.community_id))):
        if not in_scope:
            new_anywhere.add(user_id)
        if not in_community:
            new_in_community.add((community_id, user_id))
        if not in_team:
            new_in_team.add((team_id, user_id))
    total += len(new_anywhere)
    for group_id, _user_id in (new_in_team if by == "team" else new_in_community):
        per[group_id] = per.get(group_id, 0) + 1
    return total, per
