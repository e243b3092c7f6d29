"""What a certificate may speak of and how it words it (pure: no Flask, no database)."""
from __future__ import annotations

from datetime import date

from ..hours.rules import format_minutes
from . import periods

MAX_YEARS = 5


def period_label(start: date, end: date) -> str:
    """2026年, 2026年11月, 2026年1月1日至12月2日, or with both years when they differ."""
    for whole in (periods.year(start.year), periods.month(start.year, start.month)):
        if (whole.start, whole.end) == (start, end):
            return whole.label
    until = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{until}"


def refusal(period: periods.Period, today: date) -> str | None:
    """Why no certificate can be issued for this period, or None."""
    if period.start > today:
        return "这段时间还没到，只能开具已经过去的服务"
    if (period.end - period.start).days > 366 * MAX_YEARS:
        return "一份证明最多五年"
    return None


def certified_period(period: periods.Period, today: date) -> periods.Period:
    """The period cut at today: a certificate never speaks of days that have not yet passed."""
    end = min(period.end, today)
    return periods.Period(period.start, end, period_label(period.start, end))


def masked_name(name: str) -> str:
    """张*英, 李*: enough to match the paper in hand, not a full name for anyone holding a link."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def hours_number(minutes: int) -> str:
    """Minutes as hours, to two decimals without trailing zeros: 270 → 4.5, 45 → 0.75."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def shown_hours(minutes: int) -> str:
    """4.5小时（4小时30分钟）, or just 3小时 for whole hours."""
    hours, exact = f"{hours_number(minutes)}小时", format_minutes(minutes)
    return hours if hours == exact else f"{hours}（{exact}）"
