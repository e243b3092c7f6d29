"""Sign-up services against the real database."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import rules, services
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, Signup
from shequ_volunteer.activities.queries import confirmed_seat_count, my_signups
from shequ_volunteer.extensions import db
from shequ_volunteer.refusals import Refused
from shequ_volunteer.timeutil import utcnow
from tests import factories as f


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home)
    people = [f.user(home, name=f"居民{i}") for i in range(4)]
    return home, team, people


def test_sign_up_until_full_then_refuse(world):
    _home, team, people = world
    activity = f.activity(team, capacity=2, waitlist_enabled=False)
    now = utcnow()
    for person in people[:2]:
        services.sign_up(actor_for(person), activity, now)
        db.session.commit()
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(people[2]), activity, now)
    db.session.rollback()
    assert refused.value.message == rules.FULL
    assert confirmed_seat_count(activity.id) == 2 == db.session.get(type(activity), activity.id).seats_taken


def test_twice_is_refused_and_withdraw_frees_the_place(world):
    _home, team, people = world
    activity = f.activity(team, capacity=1)
    now = utcnow()
    services.sign_up(actor_for(people[0]), activity, now)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(people[0]), activity, now)
    db.session.rollback()
    assert refused.value.message == rules.ALREADY

    services.withdraw(actor_for(people[0]), activity, now)
    db.session.commit()
    assert activity.seats_taken == 0
    services.sign_up(actor_for(people[1]), activity, now)
    db.session.commit()
    # The withdrawn row is kept as history; one row per person per activity.
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 2
    assert confirmed_seat_count(activity.id) == 1


def test_withdraw_twice_frees_once(world):
    _home, team, people = world
    activity = f.activity(team, capacity=3)
    now = utcnow()
    for person in people[:2]:
        services.sign_up(actor_for(person), activity, now)
    db.session.commit()
    services.withdraw(actor_for(people[0]), activity, now)
    db.session.commit()
    with pytest.raises(Refused):
        services.withdraw(actor_for(people[0]), activity, now)
    db.session.rollback()
    assert db.session.get(type(activity), activity.id).seats_taken == 1


def test_members_only_and_started(world):
    _home, team, people = world
    members_only = f.activity(team, audience="members")
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(people[0]), members_only, utcnow())
    assert refused.value.message == rules.MEMBERS_ONLY
    db.session.rollback()
    f.member(team, people[0])
    services.sign_up(actor_for(people[0]), members_only, utcnow())
    db.session.commit()

    started = f.activity(team, starts_in=timedelta(hours=-1))
    with pytest.raises(Refused) as refused:
        services.sign_up(actor_for(people[1]), started, utcnow())
    assert refused.value.message == rules.STARTED


def test_cancel_keeps_signups_and_my_activities_shows_it(world, client):
    _home, team, people = world
    leader = people[3]
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="便民义剪")
    services.sign_up(actor_for(people[0]), activity, utcnow())
    db.session.commit()
    services.cancel_activity(actor_for(leader), activity, utcnow())
    db.session.commit()
    assert [s.activity_id for s in my_signups(people[0].id)] == [activity.id]
    assert db.session.scalar(select(func.count()).select_from(Signup).where(Signup.status == SIGNUP_CONFIRMED)) == 1
    f.login(client, people[0])
    page = client.get("/me/activities").get_data(as_text=True)
    assert "便民义剪" in page and "已取消" in page
