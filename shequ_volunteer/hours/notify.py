"""The messages hours send, called from hours.services in the transaction of the change."""
from __future__ import annotations

from datetime import datetime

from ..messages import kinds
from ..messages.services import send, staff_of
from ..timeutil import format_day
from .models import HoursEntry


def claim_awaits(entry: HoursEntry, now: datetime) -> None:
    """Who claimed shows in the queue the link leads to: a message never names another person."""
    day = format_day(entry.served_on, with_weekday=False)
    send(staff_of(entry.team.community_id), kinds.HOURS_CLAIM_AWAITS, f"补录待审批：{entry.team.name}",
         f"{entry.team.name}的一位队员补录了{day}服务{entry.minutes}分钟，请审批",
         "/hours/claims", now)
