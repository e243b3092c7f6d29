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
OTHER_COMMUNITY = "这是其他社区的活动，只有本社区居民可以报名"
NOT_SIGNED_IN = "登录后才能报名"
ALREADY = "您已报名"
ALREADY_PENDING = "您已报名，等待队长审核"
ALREADY_WAITING = "您已在候补名单中"
WAS_DECLINED = "队长没有通过您这次的报名"
NOT_SIGNED_UP = "您没有报名这个活动"
TOO_LATE_TO_WITHDRAW = "活动已开始，不能取消报名"
AFTER_WITHDRAW_DEADLINE = "已过取消截止时间，去不了的话请点“我去不了”告诉队长"
NOT_CANCELLED = "活动没有取消，不用恢复"
TOO_LATE_TO_RESTORE = "活动的时间已经到了，不能再恢复"

# What the person may ask for when nothing refuses them.
SIGN_UP = "signup"
JOIN_WAITLIST = "waitlist"

# The person's own sign-up, as far as the rule cares.
HOLDING = "holding"  # confirmed: holds seats
PENDING = "pending"  # 待审核: holds seats until the leader decides
WAITING = "waiting"  # 候补
DECLINED = "declined"  # the leader said no: that answer stands


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
    community_id: int | None = None
    waitlist_enabled: bool = False

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seats_taken >= self.capacity


@dataclass(frozen=True)
class Person:
    """What the rule needs to know about the person asking."""

    signed_in: bool = True
    community_id: int | None = None
    is_member: bool = False
    signup: str | None = None  # HOLDING, PENDING, WAITING, DECLINED or None (none, or withdrawn)


@dataclass(frozen=True)
class SignupDecision:
    """Either an offer (SIGN_UP or JOIN_WAITLIST) or the reason there is none."""

    offer: str | None
    refusal: str | None

    @property
    def closed_to_all(self) -> bool:
        """Nobody can sign up any more, so places left mean nothing to the reader."""
        return self.refusal in (STARTED, DEADLINE_PASSED)

    @property
    def needs_login(self) -> bool:
        """Nothing but signing in stands between this visitor and the offer."""
        return self.refusal == NOT_SIGNED_IN


def signup_decision(activity: SignupContext, person: Person, *, now: datetime) -> SignupDecision:
    """May this person sign up now, and how (a place or the waiting list)? Else why not.

    The page offers its sign-up button exactly when this offers, and the service
    refuses exactly what this refuses, so the two cannot disagree. The capacity
    answer is what the page knew; the database still decides under the lock.
    """
    refusal = _signup_refusal(activity, person, now)
    if refusal is not None:
        return SignupDecision(None, refusal)
    return SignupDecision(JOIN_WAITLIST if activity.is_full else SIGN_UP, None)


# The short words a card shows for an activity closed to everyone, instead of places left.
CLOSED_TAGS = {STARTED: "已开始", DEADLINE_PASSED: "报名已截止"}


def closed_refusal(activity: SignupContext, *, now: datetime) -> str | None:
    """Why nobody at all may sign up any more (cancelled, started, deadline passed), or None."""
    if activity.status == "cancelled":
        return CANCELLED
    if now >= activity.starts_at:
        return STARTED
    if activity.signup_deadline is not None and now > activity.signup_deadline:
        return DEADLINE_PASSED
    return None


def _signup_refusal(activity: SignupContext, person: Person, now: datetime) -> str | None:
    # Facts about the activity come first: they are true for everyone, signed in or not.
    closed = closed_refusal(activity, now=now)
    if closed is not None:
        return closed
    # A place already held answers before "full": the person is in, not turned away.
    existing = {HOLDING: ALREADY, PENDING: ALREADY_PENDING, WAITING: ALREADY_WAITING,
                DECLINED: WAS_DECLINED}.get(person.signup or "")
    if existing:
        return existing
    if activity.is_full and not activity.waitlist_enabled:
        return FULL
    if not person.signed_in:
        return NOT_SIGNED_IN
    if person.community_id != activity.community_id:
        return OTHER_COMMUNITY
    if activity.audience == "members" and not person.is_member:
        return MEMBERS_ONLY
    return None


def restore_refusal(activity: SignupContext, *, now: datetime) -> str | None:
    """Why a cancelled activity may not be restored (恢复活动) now, or None."""
    if activity.status != "cancelled":
        return NOT_CANCELLED
    if now >= activity.starts_at:
        return TOO_LATE_TO_RESTORE
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


def most_seats_per_signup(max_seats: int, capacity: int | None) -> int:
    """The most seats one sign-up can take: the per-sign-up maximum, never more than all the places
    (an activity saved before that was refused may still say more)."""
    return max_seats if capacity is None else min(max_seats, capacity)


def max_seats_refusal(max_seats: int, capacity: int | None) -> str | None:
    """Why an activity cannot offer this many seats per sign-up, or None: not more than all its places."""
    if capacity is not None and max_seats > capacity:
        return f"不能多于名额：这个活动一共只有{capacity}个名额"
    return None


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
