"""Recurring activities: pure date rules, no Flask, no database.

RRULE cannot express lunar festivals, so every rule here yields plain dates, and
each occurrence is stored as its own activity (its own sign-ups, attendance and
calendar UID), linked by a series.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lunardate import LunarDate

MAX_OCCURRENCES = 104  # two years of a weekly activity
MAX_SPAN = timedelta(days=2 * 366)
LAST_LUNAR_YEAR = 2099  # the lunar tables (lunardate) end there

FESTIVALS = {  # lunar month and day
    "spring": ("春节", 1, 1),
    "lantern": ("元宵", 1, 15),
    "dragon_boat": ("端午", 5, 5),
    "qixi": ("七夕", 7, 7),
    "mid_autumn": ("中秋", 8, 15),
    "double_ninth": ("重阳", 9, 9),
}
ONCE = "none"  # the kind of an activity that does not repeat: no series at all
KINDS = {
    ONCE: "不重复",
    "weekly": "每周",
    "monthly_day": "每月几号",
    "monthly_nth": "每月第几个星期几",
    "lunar": "每年农历节日",
}
NTH_LABELS = {1: "第1个", 2: "第2个", 3: "第3个", 4: "第4个", -1: "最后一个"}


@dataclass(frozen=True)
class Rule:
    kind: str
    weekdays: tuple[int, ...] = ()  # weekly: 0 = Monday
    month_day: int | None = None  # monthly_day: 1–31, clamped to the month's last day
    nth: int | None = None  # monthly_nth: 1–4, or -1 for the last
    weekday: int | None = None  # monthly_nth
    festival: str | None = None  # lunar: a key of FESTIVALS
    until: date | None = None
    count: int | None = None


def festival_date(festival: str, year: int) -> date:
    """The Gregorian date of a lunar festival in a given year."""
    _name, month, day = FESTIVALS[festival]
    return LunarDate(year, month, day).to_solar_date()


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date | None:
    """The nth (or last, -1) given weekday of a month; None when the month has no 5th."""
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() == weekday]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if nth <= len(days) else None


def _months(first: date):
    year, month = first.year, first.month
    while True:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _candidates(rule: Rule, first: date):
    """Dates the rule produces from `first` on, in order (unbounded)."""
    if rule.kind == "weekly":
        day = first
        while True:
            if day.weekday() in rule.weekdays:
                yield day
            day += timedelta(days=1)
    elif rule.kind == "monthly_day":
        for year, month in _months(first):
            yield date(year, month, min(rule.month_day, calendar.monthrange(year, month)[1]))
    elif rule.kind == "monthly_nth":
        for year, month in _months(first):
            found = nth_weekday(year, month, rule.nth, rule.weekday)
            if found is not None:
                yield found
    elif rule.kind == "lunar":
        for year in range(first.year, LAST_LUNAR_YEAR + 1):
            yield festival_date(rule.festival, year)
    else:
        yield first


def occurrence_dates(rule: Rule, first: date) -> list[date]:
    """Every date of the series on or after `first`, bounded by until, count and the caps."""
    if rule.kind == ONCE:
        return [first]
    last = min(rule.until or first + MAX_SPAN, first + MAX_SPAN)
    limit = min(rule.count or MAX_OCCURRENCES, MAX_OCCURRENCES)
    dates: list[date] = []
    for day in _candidates(rule, first):
        if day > last or len(dates) >= limit:
            break
        if day >= first:
            dates.append(day)
    return dates


def later_occurrences(occurrences: list[tuple[int, datetime]], pivot_start: datetime, now: datetime) -> list[int]:
    """For "this and all later ones": the ids from the pivot on that have not started.

    Past occurrences, and their attendance, are never touched.
    """
    return [oid for oid, starts_at in occurrences if starts_at >= pivot_start and starts_at > now]


WEEKDAY_NAMES = "一二三四五六日"


def describe(rule: Rule, occurrences: int) -> str:
    """The rule in plain words for the series, e.g. 每周二、六，共8次."""
    if rule.kind == "weekly":
        text = "每周" + "、".join(WEEKDAY_NAMES[d] for d in sorted(rule.weekdays))
    elif rule.kind == "monthly_day":
        text = f"每月{rule.month_day}号"
    elif rule.kind == "monthly_nth":
        text = f"每月{NTH_LABELS[rule.nth]}星期{WEEKDAY_NAMES[rule.weekday]}"
    elif rule.kind == "lunar":
        text = f"每年{FESTIVALS[rule.festival][0]}"
    else:
        text = "一次"
    return f"{text}，共{occurrences}次"
