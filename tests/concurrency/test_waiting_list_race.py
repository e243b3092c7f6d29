"""Household seats and the waiting list under real concurrency (gunicorn, 4 processes × 4 threads).

N people (N in 2, 10, 50, 200) ask for 1–3 seats at the same instant, for capacity 1 and
10, twice each. Then the confirmed half withdraws at once while a sampler reads the rows
over and over. Everything is checked by counting rows, never by trusting the counter.
"""
from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, SIGNUP_WAITING, Activity, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.support.racing import at_once, close_all, log_in_all, post

pytestmark = pytest.mark.slow

SIZES = (2, 10, 50, 200)
CAPACITIES = (1, 10)
REPEATS = 2
MAX_SEATS = 3


def rows(activity_id: int) -> list[Signup]:
    db.session.rollback()  # a fresh snapshot: the server wrote in other processes
    return list(db.session.scalars(select(Signup).where(Signup.activity_id == activity_id)))


def check_invariants(activity_id: int, capacity: int) -> dict:
    """What must hold whenever the activity is quiet."""
    signups = rows(activity_id)
    confirmed = sum(s.seats for s in signups if s.status == SIGNUP_CONFIRMED)
    counter = db.session.get(Activity, activity_id).seats_taken
    assert confirmed == counter, (confirmed, counter)
    assert confirmed <= capacity
    assert len({s.user_id for s in signups}) == len(signups)  # one row per person
    free = capacity - confirmed
    fitting = [s for s in signups if s.status == SIGNUP_WAITING and s.seats <= free]
    assert not fitting, f"{len(fitting)} waiting sign-ups fit into {free} free seats"
    return {"confirmed_seats": confirmed, "waiting": sum(s.status == SIGNUP_WAITING for s in signups)}


class Sampler(threading.Thread):
    """Counts confirmed seats from the rows, as often as it can, on its own connection."""

    def __init__(self, activity_id: int):
        super().__init__(daemon=True)
        self.engine = db.engine  # read here: the thread has no app context
        self.activity_id, self.highest, self.samples = activity_id, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        query = select(func.coalesce(func.sum(Signup.seats), 0)).where(
            Signup.activity_id == self.activity_id, Signup.status == SIGNUP_CONFIRMED
        )
        with self.engine.connect() as connection:
            while not self.stop.is_set():
                self.highest = max(self.highest, connection.execute(query).scalar_one())
                connection.rollback()
                self.samples += 1


def test_seats_and_waiting_list_hold_under_races(app, live_server, db_kind):
    base = live_server.base_url
    home = f.community()
    team = f.team(home)
    people = log_in_all(base, [f.user(home, name=f"居民{i}").phone for i in range(max(SIZES))])
    # End the read the phones began: every login wrote its device row meanwhile, and on SQLite a
    # snapshot older than those writes is refused the write lock ("database is locked").
    db.session.rollback()
    rng = random.Random(20261122)
    report = []
    try:
        for capacity in CAPACITIES:
            for size in SIZES:
                for _ in range(REPEATS):
                    activity = f.activity(team, capacity=capacity, max_seats_per_signup=MAX_SEATS)
                    racers = rng.sample(people, size)
                    wanted = {p.phone: rng.randint(1, MAX_SEATS) for p in racers}
                    answers = at_once(racers, lambda p, a=activity.id, w=wanted: post(
                        base, p, f"/activities/{a}/signup", seats=str(w[p.phone])))
                    statuses = Counter(a.status_code for a in answers)
                    assert set(statuses) <= {303, 409}, statuses
                    # Only requests for more seats than the activity has at all are refused.
                    refused = sum(1 for p in racers if wanted[p.phone] > capacity)
                    assert statuses[409] == refused
                    before = check_invariants(activity.id, capacity)

                    # The confirmed ones withdraw at once; the waiting list refills the places.
                    confirmed_phones = {u.phone for u in db.session.scalars(
                        select(User).join(Signup, Signup.user_id == User.id).where(
                            Signup.activity_id == activity.id, Signup.status == SIGNUP_CONFIRMED))}
                    leaving = [p for p in racers if p.phone in confirmed_phones]
                    sampler = Sampler(activity.id)
                    sampler.start()
                    answers = at_once(leaving, lambda p, a=activity.id: post(
                        base, p, f"/activities/{a}/withdraw", confirmed="1")) if leaving else []
                    sampler.stop.set()
                    sampler.join()
                    assert all(a.status_code == 303 for a in answers)
                    assert sampler.highest <= capacity, sampler.highest
                    after = check_invariants(activity.id, capacity)
                    promoted = [s for s in rows(activity.id) if s.promoted_at is not None]
                    assert all(s.status == SIGNUP_CONFIRMED for s in promoted)
                    assert after["confirmed_seats"] == sum(s.seats for s in promoted)  # only the promoted remain
                    report.append((capacity, size, dict(statuses), before, after, len(promoted), sampler.samples))
    finally:
        close_all(people)
    for line in report:
        print(f"[{db_kind}] capacity {line[0]:>2} racers {line[1]:>3}: answers {line[2]}, "
              f"after sign-up {line[3]}, after withdrawals {line[4]}, promoted {line[5]}, samples {line[6]}")
