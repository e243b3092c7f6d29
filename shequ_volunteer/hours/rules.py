"""Pure hour rules: no Flask, no database."""
from __future__ import annotations

from datetime import date, datetime

ATTENDED = ("present", "late")


def attended_minutes(starts_at: datetime, ends_at: datetime, attendance: str | None, corrected: int | None) -> int:
    """Service minutes of one sign-up: the leader's correction, else the activity's length when
    the person was there (出席 or 迟到), else nothing."""
    if corrected is not None:
        return corrected
    if attendance in ATTENDED:
        return int((ends_at - starts_at).total_seconds() // 60)
    return 0


HOURS_WANTED = "请填写0到24之间的小时数，例如 1.5"  # what parse_hours takes, said wherever hours are typed


def parse_hours(text: str) -> int | None:
    """'1.5' or '2' hours → minutes, to the quarter hour; None if it is not a sensible number."""
    text = (text or "").strip().replace("，", ".").replace(",", ".")
    try:
        hours = float(text)
    except ValueError:
        return None
    if not 0 <= hours <= 24 or hours != hours:  # NaN
        return None
    return int(round(hours * 4)) * 15


def claim_refusal(served_on: date, today: date, minutes: int) -> str | None:
    if served_on > today:
        return "补录只能填已经做过的服务"
    if (today - served_on).days > 366:
        return "只能补录一年以内的服务"
    if minutes <= 0:
        return "时长要大于0"
    return None


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest}分钟" if rest else f"{hours}小时"
