"""Times: stored as naive UTC, shown and entered in Asia/Shanghai."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
WEEKDAYS_ZH = "一二三四五六日"


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


def format_local(moment: datetime | None, with_weekday: bool = True) -> str:
    """'11月22日 周日 14:30' in Shanghai time."""
    local = to_local(moment)
    if local is None:
        return ""
    text = f"{local.month}月{local.day}日"
    if with_weekday:
        text += f" 周{WEEKDAYS_ZH[local.weekday()]}"
    return f"{text} {local:%H:%M}"
