"""Places are never exceeded: ≥ 50 people race for 10 places against a real
multi-process server, and we count the rows afterwards.

The same race run against a deliberately naive check-then-insert route must
overbook, which shows this test is able to fail.
"""
from __future__ import annotations

from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, Activity, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.support.racing import at_once, close_all, log_in_all, post
from tests.support.server import start_server

pytestmark = pytest.mark.slow

RACERS = 60
PLACES = 10


@pytest.fixture(scope="module")
def naive_server(_migrated):
    server = start_server(_migrated, app_module="tests.support.naive_app:app")
    yield server
    server.stop()


def race(base_url: str, path: str, phones: list[str]) -> list[requests.Response]:
    """Log everyone in, then fire all sign-ups at the same instant."""
    people = log_in_all(base_url, phones)
    try:
        return at_once(people, lambda person: post(base_url, person, path))
    finally:
        close_all(people)


def confirmed_rows(activity_id: int) -> int:
    # End the test's own read transaction: on SQLite (WAL) it would keep
    # showing the snapshot from before the race.
    db.session.rollback()
    return db.session.scalar(
        select(func.count()).select_from(Signup).where(
            Signup.activity_id == activity_id, Signup.status == SIGNUP_CONFIRMED
        )
    )


def _setup(places: int = PLACES, racers: int = RACERS) -> tuple[int, list[str]]:
    home = f.community()
    team = f.team(home)
    # No waiting list here: every loser must hear 已满 (the waiting-list races are elsewhere).
    activity = f.activity(team, capacity=places, waitlist_enabled=False)
    phones = [f.user(home, name=f"居民{i}").phone for i in range(racers)]
    return activity.id, phones


def test_real_signup_never_exceeds_places(app, live_server):
    activity_id, phones = _setup()
    answers = race(live_server.base_url, f"/activities/{activity_id}/signup", phones)

    statuses = Counter(a.status_code for a in answers)
    print(f"real route: {confirmed_rows(activity_id)} sign-ups for {PLACES} places; statuses {dict(statuses)}")
    assert statuses == {303: PLACES, 409: RACERS - PLACES}, statuses
    losers = [a for a in answers if a.status_code == 409]
    assert all("已满" in a.text for a in losers)
    assert confirmed_rows(activity_id) == PLACES
    assert db.session.get(Activity, activity_id).seats_taken == PLACES


def test_same_race_catches_naive_check_then_insert(app, naive_server):
    activity_id, phones = _setup()
    answers = race(naive_server.base_url, f"/naive/activities/{activity_id}/signup", phones)

    # The naive route overbooks: the row count is what exposes it. (Its status
    # codes prove nothing: every winner, too many of them, got a 303.)
    rows = confirmed_rows(activity_id)
    print(f"naive route: {rows} sign-ups for {PLACES} places; statuses "
          f"{dict(Counter(a.status_code for a in answers))}")
    assert rows > PLACES
