"""When a paired household must be visited: pure rules in Asia/Shanghai dates.

No Flask, no database: the board, the helper's "我的结对" and the calendar all ask
these functions, so a household is due or overdue in exactly one sense everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from ..phones import ascii_digits
from ..timeutil import format_day, local_date, local_today, to_local, week_start

TIER_INTERVAL_DAYS = {"high": 7, "key": 30, "general": 91}  # 高风险 weekly, 重点 monthly, 一般 quarterly
TIER_LABELS = {"high": "高风险", "key": "重点", "general": "一般"}
MAJOR_CHANGE_WITHIN = timedelta(hours=24)  # hospital, bereavement: a visit within a day


class VisitState(str, Enum):
    FINE = "fine"
    DUE = "due"  # 本周应访: due by the end of this week (Monday–Sunday, Shanghai)
    OVERDUE = "overdue"  # 逾期


@dataclass(frozen=True)
class Schedule:
    """What the rule needs about one pairing. Times are naive UTC, as stored."""

    tier: str
    paired_since: datetime
    last_visit_at: datetime | None = None
    interval_days: int | None = None  # staff's own interval for this household
    major_change_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    state: VisitState
    due_on: date  # the Shanghai date the next visit is due
    urgent_by: datetime | None = None  # set when a major change demands a visit within 24 hours


def address_refusal(outside_area: bool, address_note: str, building: str) -> tuple[str, str] | None:
    """Why a household's address cannot be registered, and the field to fix, or None: a household in the
    community needs its 楼栋 (visits and calendars name it); one outside (外地) needs its address."""
    if outside_area and not address_note:
        return "住在外地的，请填写外地地址", "address_note"
    if not outside_area and not building:
        return "请填写楼栋（外地的请勾选“外地”）", "building"
    return None


def week_end(day: date) -> date:
    """Sunday of the week containing `day`."""
    return week_start(day) + timedelta(days=6)


def interval(schedule: Schedule) -> int:
    return schedule.interval_days or TIER_INTERVAL_DAYS[schedule.tier]


def next_due(schedule: Schedule, now: datetime) -> Due:
    """Due, overdue or fine now, and by when: the definition every screen's state must equal."""
    due_on, urgent_by = due_date(schedule)
    return Due(visit_state(due_on, urgent_by, now), due_on, urgent_by)


def due_date(schedule: Schedule) -> tuple[date, datetime | None]:
    """By when the next visit is due: the Shanghai date, and the moment when a major change demands it.

    The clock starts at the last visit, or at the pairing's start for a household not
    yet visited (a pairing that starts mid-period gets a full interval, not a partial
    one). A major change after the last visit makes a visit due within 24 hours, whatever
    the tier. Neither depends on `now`, so both can be kept with the pairing
    (pairing.schedules) and stay right across midnight without any job.
    """
    since = schedule.last_visit_at or schedule.paired_since
    due_on = local_date(since) + timedelta(days=interval(schedule))
    change = schedule.major_change_at
    if change is not None and (schedule.last_visit_at is None or change > schedule.last_visit_at):
        urgent_by = change + MAJOR_CHANGE_WITHIN
        return min(due_on, local_date(urgent_by)), urgent_by
    return due_on, None


def visit_state(due_on: date, urgent_by: datetime | None, now: datetime) -> VisitState:
    """The state at `now` of a visit due on `due_on` (or by `urgent_by`). A visit on the due date itself is on
    time. pairing.queries.visit_state_sql says the same in SQL for the board's counts and lists."""
    if urgent_by is not None:
        return VisitState.OVERDUE if now > urgent_by else VisitState.DUE
    today = local_today(now)
    if today > due_on:
        return VisitState.OVERDUE
    if due_on <= week_end(today):
        return VisitState.DUE
    return VisitState.FINE


# A visit log is written soon after the visit; older ones are 补记 that staff enter.
VISIT_LOG_MAX_AGE_DAYS = 31
MAX_AID_YUAN = 100_000


def visit_date_refusal(visited_on: date, today: date) -> str | None:
    """Why a visit date cannot be logged, or None. `today` is the Shanghai date."""
    if visited_on > today:
        return "探访日期不能晚于今天"
    earliest = today - timedelta(days=VISIT_LOG_MAX_AGE_DAYS)
    if visited_on < earliest:
        # The first day allowed, written out: a date years off (a typo) must see what it should have been.
        return (f"只能记录{VISIT_LOG_MAX_AGE_DAYS}天内的探访（{format_day(earliest, with_weekday=False)}起），"
                "更早的请找社区工作人员补记")
    return None


def corrected_date_refusal(visited_on: date, logged_on: date) -> str | None:
    """Why a visit logged on `logged_on` (Shanghai) cannot be corrected to this date, or None: the date must be
    one it could have been logged with that day, whenever the correction is made."""
    if visited_on > logged_on:
        return "探访日期不能晚于记录探访的那一天"
    return visit_date_refusal(visited_on, logged_on)


# The visitor may correct or delete their own visit log for this many Beijing days after logging it; staff of
# the community at any time.
OWN_FIX_DAYS = 7
# Not the visitor and not staff: they may never fix it, so its pages answer 404 (visit_fix_views).
NOT_YOUR_VISIT = "只有记录人或社区工作人员可以更正这条探访记录"


def visit_fix_refusal(is_staff: bool, is_visitor: bool, logged_on: date, today: date) -> str | None:
    """Why this person may not correct or delete a visit log, or None. `logged_on`: the Shanghai date it was
    logged; the visitor may still fix it OWN_FIX_DAYS days later (logged on a Monday: until the next Monday)."""
    if is_staff:
        return None
    if not is_visitor:
        return NOT_YOUR_VISIT
    if today > logged_on + timedelta(days=OWN_FIX_DAYS):
        return f"记录已超过{OWN_FIX_DAYS}天，请找社区工作人员更正"
    return None


def visit_moment(visited_on: date, now: datetime) -> datetime:
    """The naive-UTC moment a visit counts from: now for a visit today, else noon of that day.

    Noon, not midnight, so a visit logged for yesterday still counts after a major
    change reported early yesterday morning (the helper went because of it).
    """
    local_now = to_local(now)
    if visited_on == local_now.date():
        return now
    noon = datetime(visited_on.year, visited_on.month, visited_on.day, 12, tzinfo=local_now.tzinfo)
    return noon.astimezone(UTC).replace(tzinfo=None)


_YUAN = re.compile(r"^(0|[1-9][0-9]{0,5})(\.[0-9]{1,2})?$")


def parse_yuan(text: str) -> int | None:
    """'12', '12.5', '0.05' 元 → fen; None for negative, malformed or absurd amounts."""
    text = ascii_digits((text or "").strip())
    if not _YUAN.match(text):
        return None
    whole, _dot, fraction = text.partition(".")
    fen = int(whole) * 100 + int((fraction + "00")[:2])
    return fen if fen <= MAX_AID_YUAN * 100 else None
