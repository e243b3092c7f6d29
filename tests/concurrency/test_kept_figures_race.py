"""The kept report figures under racing writers: 24 residents of one community act at the same instant against the
real server (gunicorn, 4 processes × 4 threads), twice; after each round every kept row (figure_days,
participant_years, participant_days) is what the records give.

Round 1: twelve sign up for three activities of one day (they meet on that day's figures and its count of people
by first day); the other twelve withdraw each from an activity on a day of their own, so each one's first day of
the year moves on to one later day they share (they meet only on that day's count of people: reports.kept's
class-3 lock). Round 2: the first twelve withdraw, the others sign up for one earlier activity (their first
days move back).

On PostgreSQL the writers meet on the kept rows' advisory locks (reports.kept). Planted fault seen to fail here:
no kept-figure lock at all (`kept.take_locks` returning at once: 500s, a duplicate figure_days row refused). Leaving out
only the lock of the days' counts of people (class 3) is not caught here reliably: the last writer of a day
usually recounts after the others have committed and so writes the right count over a lost one. That fault is
caught every time by tests/services/test_kept_figures.py::test_two_newcomers_on_one_first_day_are_both_counted,
which holds one writer open while the other comes.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services as activities
from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from shequ_volunteer.reports.models import ParticipantDay
from shequ_volunteer.timeutil import at_local, local_date, local_today, utcnow
from tests import factories as f
from tests.services.test_kept_figures import kept_rows_are_a_recount
from tests.support.racing import at_once, close_all, log_in_all, post

pytestmark = pytest.mark.slow

GROUP = 12  # racers in each group
SPAN = 3 + GROUP  # the days from the first activity to the last


def test_racing_writers_of_shared_and_own_days_keep_every_figure(app, live_server):
    home = f.community()
    home_id = home.id
    teams = [f.team(home, name) for name in ("党员先锋队", "青年志愿服务队", "巾帼志愿服务队")]

    now = utcnow()
    first = local_today(now) + timedelta(days=3)
    if first.year != (first + timedelta(days=SPAN)).year:  # every day of the race in one year
        first = date(first.year + 1, 1, 2)

    def activity(days: int, number: int = 0) -> int:
        starts_at = at_local(first + timedelta(days=days), time(9 + number))
        return f.activity(teams[number % 3], capacity=None, starts_in=starts_at - now, now=now).id

    earlier, one_day, later = activity(0), [activity(2, number) for number in range(3)], activity(SPAN)
    own = [activity(3 + number, number) for number in range(GROUP)]
    users = [f.user(home, f"居民{number}") for number in range(2 * GROUP)]
    for user, own_day in zip(users[GROUP:], own, strict=True):  # first on a day of their own, then `later`
        for activity_id in (own_day, later):
            activities.sign_up(actor_for(user), db.session.get(Activity, activity_id), now)
            db.session.commit()
    phones = [user.phone for user in users]
    base = live_server.base_url
    people = log_in_all(base, phones)
    number_of = {person.phone: number for number, person in enumerate(people)}

    def race(send) -> None:
        answers = at_once(people, lambda person: send(number_of[person.phone]))
        assert Counter(answer.status_code for answer in answers) == {303: len(people)}
        db.session.rollback()  # a fresh snapshot (SQLite WAL keeps the one from before the race)
        kept_rows_are_a_recount([home_id])

    def act(number: int, activity_id: int, action: str):
        return post(base, people[number], f"/activities/{activity_id}/{action}",
                    **({"confirmed": "1"} if action == "withdraw" else {}))

    try:
        race(lambda number: act(number, one_day[number % 3], "signup") if number < GROUP
             else act(number, own[number - GROUP], "withdraw"))
        later_day = local_date(db.session.get(Activity, later).starts_at)
        assert db.session.scalar(db.select(ParticipantDay.people).filter_by(
            community_id=home_id, team_id=None, day=later_day)) == GROUP  # all their first days moved there
        race(lambda number: act(number, one_day[number % 3], "withdraw") if number < GROUP
             else act(number, earlier, "signup"))
    finally:
        close_all(people)
