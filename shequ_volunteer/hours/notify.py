"""The messages hours send, called from hours.services in the transaction of the change."""
from __future__ import annotations

from datetime import datetime

from ..messages import kinds
from ..messages.services import send, staff_of
from ..timeutil import format_day
from .models import HoursEntry


def claim_awaits(entry: HoursEntry, person_name: str, now: datetime) -> None:
    day = format_day(entry.served_on, with_weekday=False)
    send(staff_of(entry.team.community_id), kinds.HOURS_CLAIM_AWAITS, f"补录待审批：{person_name}",
         f"{person_name}补录{day}服务{entry.minutes}分钟（{entry.team.name}），请审批",
         "/hours/claims", now)
