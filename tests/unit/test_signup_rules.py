"""Pure sign-up rules, table-driven."""
from datetime import datetime, timedelta

import pytest

from shequ_volunteer.activities import rules
from shequ_volunteer.activities.rules import (
    Person,
    SignupContext,
    schedule_changed,
    signup_decision,
    withdrawal_refusal,
)

NOW = datetime(2026, 11, 22, 2, 0)
START = NOW + timedelta(days=1)


def ctx(**overrides) -> SignupContext:
    values = dict(status="scheduled", starts_at=START, signup_deadline=None, audience="all",
                  capacity=10, seats_taken=0)
    values.update(overrides)
    return SignupContext(**values)


@pytest.mark.parametrize("context, is_member, expected", [
    (ctx(), False, None),
    (ctx(capacity=None, seats_taken=500), False, None),
    (ctx(status="cancelled"), False, rules.CANCELLED),
    (ctx(starts_at=NOW), False, rules.STARTED),
    (ctx(starts_at=NOW - timedelta(minutes=1)), True, rules.STARTED),
    (ctx(signup_deadline=NOW - timedelta(seconds=1)), False, rules.DEADLINE_PASSED),
    (ctx(signup_deadline=NOW), False, None),
    (ctx(audience="members"), False, rules.MEMBERS_ONLY),
    (ctx(audience="members"), True, None),
    (ctx(seats_taken=10), False, rules.FULL),
    (ctx(seats_taken=9), False, None),
])
def test_signup_refusal(context, is_member, expected):
    assert signup_decision(context, Person(is_member=is_member), now=NOW).refusal == expected


HOME = 1


@pytest.mark.parametrize("context, person, offer, refusal", [
    (ctx(community_id=HOME), Person(community_id=HOME), rules.SIGN_UP, None),
    (ctx(community_id=HOME, seats_taken=10, waitlist_enabled=True), Person(community_id=HOME),
     rules.JOIN_WAITLIST, None),
    (ctx(community_id=HOME, seats_taken=10), Person(community_id=HOME), None, rules.FULL),
    (ctx(community_id=HOME), Person(community_id=2), None, rules.OTHER_COMMUNITY),
    (ctx(community_id=HOME), Person(signed_in=False), None, rules.NOT_SIGNED_IN),
    # What is true for everyone is said to visitors too, not "sign in first".
    (ctx(community_id=HOME, signup_deadline=NOW - timedelta(hours=1)), Person(signed_in=False),
     None, rules.DEADLINE_PASSED),
    (ctx(community_id=HOME, seats_taken=10), Person(signed_in=False), None, rules.FULL),
    (ctx(community_id=HOME), Person(community_id=HOME, signup=rules.HOLDING), None, rules.ALREADY),
    (ctx(community_id=HOME), Person(community_id=HOME, signup=rules.PENDING), None, rules.ALREADY_PENDING),
    (ctx(community_id=HOME), Person(community_id=HOME, signup=rules.WAITING), None, rules.ALREADY_WAITING),
    (ctx(community_id=HOME), Person(community_id=HOME, signup=rules.DECLINED), None, rules.WAS_DECLINED),
    # Someone holding a place hears that they are in, not that it is full.
    (ctx(community_id=HOME, seats_taken=10), Person(community_id=HOME, signup=rules.HOLDING), None, rules.ALREADY),
])
def test_signup_decision_offers_or_says_why_not(context, person, offer, refusal):
    decision = signup_decision(context, person, now=NOW)
    assert (decision.offer, decision.refusal) == (offer, refusal)
    assert decision.needs_login == (refusal == rules.NOT_SIGNED_IN)


def test_restore_only_a_cancelled_activity_that_has_not_started():
    assert rules.restore_refusal(ctx(status="cancelled"), now=NOW) is None
    assert rules.restore_refusal(ctx(), now=NOW) == rules.NOT_CANCELLED
    assert rules.restore_refusal(ctx(status="cancelled", starts_at=NOW), now=NOW) == rules.TOO_LATE_TO_RESTORE


@pytest.mark.parametrize("context, expected", [
    (ctx(), None),
    (ctx(status="cancelled"), rules.CANCELLED),
    (ctx(starts_at=NOW), rules.TOO_LATE_TO_WITHDRAW),
])
def test_withdrawal_refusal(context, expected):
    assert withdrawal_refusal(context, now=NOW) == expected


def test_schedule_changed_only_for_time_place_status():
    base = {"starts_at": START, "ends_at": START, "place": "活动室", "status": "scheduled"}
    assert not schedule_changed(base, dict(base))
    for key, value in [("starts_at", NOW), ("ends_at", NOW), ("place", "广场"), ("status", "cancelled")]:
        assert schedule_changed(base, {**base, key: value})


@pytest.mark.parametrize("free, queue, expected", [
    (1, [(1, 2), (2, 1), (3, 1)], [2]),          # a household of 2 does not fit in 1: the next who fits
    (2, [(1, 2), (2, 1)], [1]),
    (3, [(1, 1), (2, 1), (3, 1), (4, 1)], [1, 2, 3]),
    (0, [(1, 1)], []),
    (None, [(1, 3), (2, 5)], [1, 2]),           # unlimited
    (4, [(1, 5), (2, 2), (3, 3), (4, 2)], [2, 4]),
])
def test_promotions_first_fit_in_queue_order(free, queue, expected):
    assert rules.promotions(free, queue) == expected


@pytest.mark.parametrize("seats, max_seats, capacity, ok", [
    (1, 1, 10, True), (2, 1, 10, False), (2, 2, 10, True), (0, 2, 10, False), (3, 4, 2, False), (4, 4, None, True),
])
def test_seats_refusal(seats, max_seats, capacity, ok):
    assert (rules.seats_refusal(seats, max_seats, capacity) is None) == ok


def test_withdraw_deadline_and_cant_come():
    deadline = NOW - timedelta(hours=1)
    context = ctx(withdraw_deadline=deadline, ends_at=START + timedelta(hours=2))
    assert withdrawal_refusal(context, now=NOW) == rules.AFTER_WITHDRAW_DEADLINE
    assert rules.may_say_cant_come(context, now=NOW)
    assert withdrawal_refusal(context, now=deadline) is None  # up to and including the deadline
    assert not rules.may_say_cant_come(context, now=deadline)
    assert not rules.may_say_cant_come(context, now=START + timedelta(hours=3))  # over
    assert not rules.may_say_cant_come(ctx(), now=NOW)  # no deadline: just withdraw
