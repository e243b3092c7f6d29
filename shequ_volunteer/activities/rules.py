"""Pure sign-up decisions: no Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Longer undertakings are programmes, not activities. The bound also lets the
# list find "not over yet" activities with a range scan on starts_at.
MAX_DURATION = timedelta(days=31)
TOO_LONG = "活动最长31天，更长的请分成几次活动"

# Reasons a sign-up is refused, worded for the person reading them.
FULL = "已满"
CANCELLED = "活动已取消"
STARTED = "活动已开始，不能再报名"
DEADLINE_PASSED = "报名已截止"
MEMBERS_ONLY = "仅本队队员可以报名"
ALREADY = "您已报名"
ALREADY_WAITING = "您已在候补名单中"
NOT_SIGNED_UP = "您没有报名这个活动"
TOO_LATE_TO_WITHDRAW = "活动已开始，不能取消报名"
AFTER_WITHDRAW_DEADLINE = "已过取消截止时间，去不了的话请点“我去不了”告诉队长"


@dataclass(frozen=True)
class SignupContext:
    """What the rule needs to know about an activity."""

    status: str
    starts_at: datetime
    signup_deadline: datetime | None
    audience: str
    capacity: int | None
    seats_taken: int
    withdraw_deadline: datetime | None = None
    ends_at: datetime | None = None


def signup_refusal(activity: SignupContext, *, is_member: bool, now: datetime) -> str | None:
    """Why this person may not sign up now, or None if they may.

    The capacity answer here is only a hint for the page; the database decides.
    """
    if activity.status == "cancelled":
        return CANCELLED
    if now >= activity.starts_at:
        return STARTED
    if activity.signup_deadline is not None and now > activity.signup_deadline:
        return DEADLINE_PASSED
    if activity.audience == "members" and not is_member:
        return MEMBERS_ONLY
    if activity.capacity is not None and activity.seats_taken >= activity.capacity:
        return FULL
    return None


def withdrawal_refusal(activity: SignupContext, *, now: datetime) -> str | None:
    """Why a confirmed sign-up may not be withdrawn now, or None."""
    if activity.status == "cancelled":
        return CANCELLED
    if now >= activity.starts_at:
        return TOO_LATE_TO_WITHDRAW
    if activity.withdraw_deadline is not None and now > activity.withdraw_deadline:
        return AFTER_WITHDRAW_DEADLINE
    return None


def may_say_cant_come(activity: SignupContext, *, now: datetime) -> bool:
    """"我去不了" replaces withdrawing once the deadline has passed, until the activity ends."""
    if activity.status == "cancelled" or activity.withdraw_deadline is None:
        return False
    return activity.withdraw_deadline < now < (activity.ends_at or activity.starts_at)


def schedule_changed(old: dict, new: dict) -> bool:
    """Did anything a calendar app must re-show change (time, place or status)?"""
    keys = ("starts_at", "ends_at", "place", "status")
    return any(old.get(k) != new.get(k) for k in keys)


def seats_refusal(seats: int, max_seats: int, capacity: int | None) -> str | None:
    """Is this a sensible number of seats for one sign-up (the person plus companions)?"""
    if seats < 1:
        return "报名人数至少1人"
    if seats > max_seats:
        return f"这个活动每份报名最多{max_seats}人" if max_seats > 1 else "这个活动每人只能报名自己"
    if capacity is not None and seats > capacity:
        return f"这个活动一共只有{capacity}个名额"
    return None


def promotions(free_seats: int | None, queue: list[tuple[int, int]]) -> list[int]:
    """Which waiting sign-ups move up: first-fit in queue order, repeatedly.

    `queue` holds (signup id, seats) in the order people joined; a household is
    never split, so one that does not fit is passed over for a smaller one behind
    it. `free_seats` None means unlimited.
    """
    chosen = []
    for signup_id, seats in queue:
        if free_seats is None or seats <= free_seats:
            chosen.append(signup_id)
            if free_seats is not None:
                free_seats -= seats
    return chosen
