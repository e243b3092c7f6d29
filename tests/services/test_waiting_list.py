"""Household seats and the waiting list (候补), against the real database."""
import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import rules, services
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, SIGNUP_WAITING, Activity, Signup
from shequ_volunteer.activities.queries import confirmed_seat_count, waiting_position
from shequ_volunteer.extensions import db
from shequ_volunteer.refusals import Refused
from shequ_volunteer.timeutil import utcnow
from tests import factories as f


@pytest.fixture
def people(app):
    home = f.community()
    return f.team(home), [f.user(home, name=f"居民{i}") for i in range(6)]


def sign(person, activity, seats=1):
    signup = services.sign_up(actor_for(person), activity, utcnow(), seats)
    db.session.commit()
    return signup


def statuses(activity) -> dict[int, str]:
    db.session.expire_all()
    return {s.user_id: (s.status, s.seats) for s in db.session.scalars(
        select(Signup).where(Signup.activity_id == activity.id))}


def test_household_seats_count_against_places_and_are_never_split(people):
    team, folks = people
    activity = f.activity(team, capacity=3, max_seats_per_signup=2)
    sign(folks[0], activity, seats=2)
    second = sign(folks[1], activity, seats=2)  # only 1 place left: waits, not split
    assert second.status == SIGNUP_WAITING
    third = sign(folks[2], activity, seats=1)  # fits
    assert third.status == SIGNUP_CONFIRMED
    assert confirmed_seat_count(activity.id) == 3 == db.session.get(Activity, activity.id).seats_taken


def test_too_many_seats_is_refused(people):
    team, folks = people
    activity = f.activity(team, capacity=10, max_seats_per_signup=2)
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(folks[0]), activity, utcnow(), 3)
    assert "最多2人" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 0


def test_withdrawal_promotes_first_who_fits_in_queue_order(people):
    team, folks = people
    activity = f.activity(team, capacity=2, max_seats_per_signup=2)
    sign(folks[0], activity, seats=1)
    sign(folks[1], activity, seats=1)
    big = sign(folks[2], activity, seats=2)   # waiting 1st
    small = sign(folks[3], activity, seats=1)  # waiting 2nd
    later = sign(folks[4], activity, seats=1)  # waiting 3rd
    assert [waiting_position(s) for s in (big, small, later)] == [1, 2, 3]

    services.withdraw(actor_for(folks[0]), activity, utcnow())  # frees 1 seat
    db.session.commit()
    now = statuses(activity)
    assert now[folks[2].id] == (SIGNUP_WAITING, 2)  # 2 seats do not fit in 1
    assert now[folks[3].id] == (SIGNUP_CONFIRMED, 1)  # first who fits
    assert now[folks[4].id] == (SIGNUP_WAITING, 1)
    assert db.session.get(Signup, small.id).promoted_at is not None
    assert waiting_position(db.session.get(Signup, later.id)) == 2

    services.withdraw(actor_for(folks[1]), activity, utcnow())  # 1 free: the 1-seat sign-up behind fits
    db.session.commit()
    now = statuses(activity)
    assert now[folks[2].id] == (SIGNUP_WAITING, 2)
    assert now[folks[4].id] == (SIGNUP_CONFIRMED, 1)

    services.withdraw(actor_for(folks[3]), activity, utcnow())
    services.withdraw(actor_for(folks[4]), activity, utcnow())  # 2 free: the household moves up whole
    db.session.commit()
    now = statuses(activity)
    assert now[folks[2].id] == (SIGNUP_CONFIRMED, 2)
    assert confirmed_seat_count(activity.id) == 2 == db.session.get(Activity, activity.id).seats_taken


def test_leaving_the_waiting_list_and_signing_up_twice(people):
    team, folks = people
    activity = f.activity(team, capacity=1)
    sign(folks[0], activity)
    sign(folks[1], activity)
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(folks[1]), activity, utcnow())
    assert refused.value.message == rules.ALREADY_WAITING
    db.session.rollback()
    services.withdraw(actor_for(folks[1]), activity, utcnow())
    db.session.commit()
    assert statuses(activity)[folks[1].id][0] == "withdrawn"
    assert db.session.get(Activity, activity.id).seats_taken == 1


def test_more_places_promote_people_waiting(people):
    team, folks = people
    leader = folks[5]
    f.member(team, leader, leader=True)
    activity = f.activity(team, capacity=1)
    sign(folks[0], activity)
    sign(folks[1], activity)
    data = services.ActivityInput(activity.title, "", activity.starts_at, activity.ends_at, activity.place,
                                  3, None, "all")
    services.update_activity(actor_for(leader), activity, data, utcnow())
    db.session.commit()
    assert statuses(activity)[folks[1].id] == (SIGNUP_CONFIRMED, 1)


def test_waitlist_off_means_full(people):
    team, folks = people
    activity = f.activity(team, capacity=1, waitlist_enabled=False)
    sign(folks[0], activity)
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(folks[1]), activity, utcnow())
    assert refused.value.message == rules.FULL


def test_household_larger_than_the_activity_is_refused_even_when_full(people):
    team, folks = people
    activity = f.activity(team, capacity=1, max_seats_per_signup=3)
    sign(folks[0], activity)
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(folks[1]), activity, utcnow(), 2)
    assert "一共只有1个名额" in refused.value.message
