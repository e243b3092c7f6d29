"""The messages pairing sends, called from pairing.services in the transaction of the change. A message about
a household says its 楼栋 and a date, never its name, members or condition (DOMAIN.md, Privacy): the
inbox is read on shared phones and shown in notifications."""
from __future__ import annotations

from datetime import datetime

from ..messages import kinds
from ..messages.services import send, staff_of
from ..timeutil import format_day, local_date
from .models import FollowUp, Household


def follow_up_raised(household: Household, follow_up: FollowUp, skip: int | None, now: datetime) -> None:
    day = format_day(local_date(follow_up.opened_at), with_weekday=False)
    send([user_id for user_id in staff_of(household.community_id) if user_id != skip], kinds.FOLLOW_UP_RAISED,
         f"新的跟进事项：{household.place_label}", f"{household.place_label}的一户探访后需要跟进（{day}提出）",
         "/follow-ups", now)


def follow_up_assigned(follow_up: FollowUp, now: datetime) -> None:
    """A colleague made this staff member the owner of a follow-up."""
    place = follow_up.household.place_label
    day = format_day(local_date(follow_up.opened_at), with_weekday=False)
    send([follow_up.owner_id], kinds.FOLLOW_UP_ASSIGNED, f"跟进事项交给您：{place}",
         f"{place}的一户需要跟进（{day}提出），已交给您负责", "/follow-ups", now)
