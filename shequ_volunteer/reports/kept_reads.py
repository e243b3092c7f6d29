"""The summable figures and 参与人数 of a period, read from the kept rows (reports.kept) and the records of today on.

A figure of a period is the kept rows of its days before today (Beijing, at `now`) plus figures.py over the
records of its days from today on: the kept rows count a day as if it were over, which is true of every day
before today and of no day after it (an activity later today is not held yet). So no job has to run at
midnight, and what is read from the records is only the period's days from today on.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, func, literal, select, union_all

from ..extensions import db
from ..timeutil import local_today
from . import figures
from .models import FigureDay, ParticipantYear
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
        window = figures.Window(live, now)
        scopes = [scope] if by == "team" else list(scope if isinstance(scope, (list, tuple)) else [scope])
        for one in scopes:
            values = figures.values(one, window, keys=tuple(SUMMED), by_team=True)
            for key in SUMMED:
                for team_id, value in values[key].items():
                    found[key][team_id if by == "team" else one] += value
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
        day = figures.shanghai_day(rows.c.starts_at)
        for day_value, value in db.session.execute(select(day, func.count()).group_by(day)):
            found[day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value)[:10])] += value
    return found


def participants(scope, period: Period, now: datetime, by: str = "team") -> tuple[int, dict]:
    """参与人数 of the period over the scope, and per team (or per community, `by`).

    A year, or a year up to a day (截止某日), is counted from participant_years: the people whose first day of
    that year in the scope came before today and by the period's end, together with those of the records from
    today to the end — each person once. Other periods are counted from the records (their cost is their
    length, not the history behind them)."""
    if period.start != date(period.start.year, 1, 1) or period.end.year != period.start.year:
        window = figures.Window(period, now)
        total = figures.values(scope, window, keys=("participants",))["participants"]
        if by == "team":
            return total, figures.values(scope, window, keys=("participants",), by_team=True)["participants"]
        return total, {one: figures.values(one, window, keys=("participants",))["participants"] for one in scope}
    today = local_today(now)
    cutoff = min(today, period.end + timedelta(days=1))
    group = ParticipantYear.team_id if by == "team" else ParticipantYear.community_id
    parts = [select(group.label("group_id"), ParticipantYear.user_id)
             .where(_scope_filter(ParticipantYear.community_id, scope), ParticipantYear.year == period.start.year,
                    ParticipantYear.first_day < cutoff)]
    _kept, live = _split(period, now)
    if live is not None:
        scopes = [scope] if by == "team" else list(scope)
        for one in scopes:
            rows = figures.participation_records(one, figures.Window(live, now)).subquery()
            group_id = rows.c.team_id if by == "team" else literal(one, Integer)
            parts.append(select(group_id.label("group_id"), rows.c.user_id))
    people = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    total = db.session.scalar(select(func.count(people.c.user_id.distinct())))
    per = dict(db.session.execute(select(people.c.group_id, func.count(people.c.user_id.distinct()))
                                  .group_by(people.c.group_id)).all())
    return total or 0, per
