"""Times: stored as naive UTC, shown and entered in Asia/Shanghai.

This module is the only place that knows how an instant maps to a Beijing calendar day:
"today", local midnight, day ranges and the all-day rule. Everything else asks it, so a
day boundary (23:30 vs 00:30 Beijing, 07:59 vs 08:01 when the UTC date changes) is decided
once. Callers pass `now` in; nothing here reads the clock except `utcnow()`.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
# China has kept UTC+8 all year since 1991 (no summer time): a Beijing day is the UTC moment plus this, which is what
# lets SQL group rows by Beijing day (timeutil_sql). tests/unit/test_timeutil.py holds the zone database to it.
UTC_OFFSET = timedelta(hours=8)
WEEKDAYS_ZH = "一二三四五六日"

# An activity is shown as an all-day event when it lasts this long or longer. A shorter one
# that crosses midnight (an evening patrol 20:00–02:00, a 除夕 gathering 22:00–00:30) keeps its
# times: calendars would otherwise show it as two days with no hours.
ALL_DAY_AT_LEAST = timedelta(hours=24)


def utcnow() -> datetime:
    """Current time as naive UTC, the form every DateTime column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime | None) -> datetime | None:
    """Naive UTC → aware Asia/Shanghai."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def from_local(moment: datetime | None) -> datetime | None:
    """Naive Asia/Shanghai wall time (form input) → naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def local_wall(moment: datetime) -> datetime:
    """Naive UTC → naive Shanghai wall time (what a calendar event with TZID carries)."""
    return to_local(moment).replace(tzinfo=None)


def local_date(moment: datetime) -> date:
    """The Beijing calendar day an instant (naive UTC) falls on."""
    return to_local(moment).date()


def local_today(now: datetime) -> date:
    """Today in Beijing at the instant `now` (naive UTC)."""
    return local_date(now)


def at_local(day: date, clock: time = time()) -> datetime:
    """A Beijing wall-clock time on a Beijing day, as naive UTC."""
    return from_local(datetime.combine(day, clock))


def local_midnight(day: date) -> datetime:
    """The start of a Beijing day, as naive UTC (16:00 UTC the day before)."""
    return at_local(day)


def day_range(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """Naive UTC bounds [start, end) covering the Beijing days first..last inclusive."""
    return local_midnight(first), local_midnight((last or first) + timedelta(days=1))


def week_start(day: date) -> date:
    """The Monday of the week a day is in (weeks run Monday to Sunday in China)."""
    return day - timedelta(days=day.weekday())


def is_all_day(starts_at: datetime, ends_at: datetime) -> bool:
    """Whether an activity is shown as whole days rather than times (see ALL_DAY_AT_LEAST)."""
    return ends_at - starts_at >= ALL_DAY_AT_LEAST


def format_local(moment: datetime | None, with_weekday: bool = True, now: datetime | None = None) -> str:
    """'11月22日 周日 14:30' in Shanghai time; given `now`, with the year when it is another Beijing year
    (see format_day)."""
    local = to_local(moment)
    if local is None:
        return ""
    today = local_today(now) if now is not None else None
    return f"{format_day(local.date(), with_weekday, today=today)} {local:%H:%M}"


def format_day(day: date | None, with_weekday: bool = True, with_year: bool = False,
               today: date | None = None) -> str:
    """'12月5日 周六': a Beijing day as the site writes it everywhere ('2025年12月5日 周五' with the
    year, for history). Given `today`, the year is written when the day is in another year than today's:
    a date in a list of what is still open ('12月28日' seen on 1月2日) must not read as one to come."""
    if day is None:
        return ""
    with_year = with_year or (today is not None and day.year != today.year)
    text = f"{day.year}年" if with_year else ""
    text += f"{day.month}月{day.day}日"
    if with_weekday:
        text += f" 周{WEEKDAYS_ZH[day.weekday()]}"
    return text
