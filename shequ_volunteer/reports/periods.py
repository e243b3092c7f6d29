"""Report periods (pure): a month, a quarter, a year, from … to, or "as of" a date.

A period is a range of whole Shanghai dates, both ends included. The same period last year
is the same dates one year earlier (29 February becomes the 28th).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def last_year(self) -> Period:
        return Period(_year_earlier(self.start), _year_earlier(self.end), f"上年同期（{self.label}）")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the person."""


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(date(year, number, 1), date(year, number, last), f"{year}年{number}月")


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    last_month = first + 2
    return Period(date(year, first, 1), date(year, last_month, calendar.monthrange(year, last_month)[1]),
                  f"{year}年第{number}季度")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), f"{number}年")


def as_of(day: date) -> Period:
    """截止某日: from the start of that year to the day."""
    return Period(date(day.year, 1, 1), day, f"{day.year}年1月1日至{day.month}月{day.day}日")


def this_period_values(today: date) -> dict[str, str]:
    """What the period chooser shows before anything is typed: this month, quarter and year; from the
    first of this month to today; as of today."""
    return {"month": f"{today:%Y-%m}", "quarter": f"{today.year}-Q{(today.month - 1) // 3 + 1}",
            "year": str(today.year), "start": date(today.year, today.month, 1).isoformat(),
            "end": today.isoformat(), "asof": today.isoformat()}


def recent_quarters(today: date, years: int = 6) -> list[tuple[str, str]]:
    """('2026-Q4', '2026年第4季度') for this quarter back to the first quarter `years - 1` years ago."""
    current = (today.month - 1) // 3 + 1
    return [(f"{y}-Q{n}", quarter(y, n).label) for y in range(today.year, today.year - years, -1)
            for n in range(4, 0, -1) if (y, n) <= (today.year, current)]


def parse(kind: str, value: str, start: str = "", end: str = "") -> Period:
    """The period a form asked for. kind: month (2026-11), quarter (2026-Q4), year (2026),
    range (start/end dates), asof (a date)."""
    try:
        if kind == "month":
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
            if not match or not 1 <= int(match[2]) <= 12:
                raise PeriodError("月份请写成 2026-11")
            return _check(month(int(match[1]), int(match[2])))
        if kind == "quarter":
            match = re.fullmatch(r"(\d{4})-Q([1-4])", value.upper())
            if not match:
                raise PeriodError("季度请写成 2026-Q4")
            return _check(quarter(int(match[1]), int(match[2])))
        if kind == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise PeriodError("年份请写成 2026")
            return _check(year(int(value)))
        if kind == "asof":
            return _check(as_of(date.fromisoformat(value)))
        if kind == "range":
            first, last = date.fromisoformat(start), date.fromisoformat(end)
            if last < first:
                raise PeriodError("结束日期不能早于开始日期")
            if (last - first).days > 366 * 5:
                raise PeriodError("一次最多统计五年")
            return _check(Period(first, last, f"{first.isoformat()} 至 {last.isoformat()}"))
    except (ValueError, TypeError) as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError("请填写正确的日期，例如 2026-11-22") from error
    raise PeriodError("请选择统计的时间段")


def _check(period: Period) -> Period:
    if not 2000 <= period.start.year <= 2099 or not 2000 <= period.end.year <= 2099:
        raise PeriodError("请填写2000到2099年之间的日期")
    return period


def months_of(period: Period) -> list[Period]:
    """The calendar months a period touches, each cut to the period (for a monthly chart)."""
    result, cursor = [], date(period.start.year, period.start.month, 1)
    while cursor <= period.end:
        whole = month(cursor.year, cursor.month)
        result.append(Period(max(whole.start, period.start), min(whole.end, period.end), f"{cursor.month}月"))
        cursor = whole.end + timedelta(days=1)
    return result
