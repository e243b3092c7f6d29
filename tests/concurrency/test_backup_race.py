"""A backup taken while people race for places restores exactly the state it counted.

People sign up for three activities (1–3 seats each, a waiting list behind) and withdraw, over and over,
against gunicorn (4 processes × 4 threads) on the test database, while `backups.services.take_backup` copies
it. What "the same transaction" means here, on each database:

- SQLite: the backup counts every table's rows in a read transaction and, on that same connection, copies
  the database with the online backup API in one step; SQLite copies exactly that connection's snapshot
  (WAL), while the server keeps committing.
- PostgreSQL: one repeatable-read transaction exports its snapshot, counts the rows in it and stays open
  while `pg_dump --snapshot` dumps that same snapshot.

The backup is restored into an empty database with `flask restore`. Its row counts must equal the counts
read in the snapshot, and the seats must add up: `seats_taken` is the sum of the held seats of every
activity, never above its capacity. A copy that tore a sign-up from its seat count, or lost or doubled
rows, fails one of the two.
"""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from shequ_volunteer.backups.services import take_backup
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.backups import restore, rows_of, seat_ledger
from tests.support.racing import close_all, log_in_all, post

pytestmark = pytest.mark.slow

RACERS = 24
CAPACITIES = (4, 10, 16)


class Churn:
    """Everyone signs up for each activity and withdraws from one, round after round, until stopped."""

    def __init__(self, base_url: str, people, activity_ids: list[int]):
        self.base_url, self.people, self.activity_ids = base_url, people, activity_ids
        self.answers: list[tuple[float, int]] = []  # (when it came back, status)
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=len(people))
        self.barrier = threading.Barrier(len(people))
        self.futures = [self.pool.submit(self._run, person, random.Random(i)) for i, person in enumerate(people)]

    def _send(self, person, path: str, **fields) -> None:
        answer = post(self.base_url, person, path, **fields)
        self.answers.append((time.monotonic(), answer.status_code))

    def _run(self, person, chance: random.Random) -> None:
        self.barrier.wait()
        while not self.stop.is_set():
            for activity_id in self.activity_ids:
                self._send(person, f"/activities/{activity_id}/signup", seats=str(chance.randint(1, 3)))
            self._send(person, f"/activities/{chance.choice(self.activity_ids)}/withdraw", confirmed="1")

    def wait_for(self, answers: int, after: float = 0.0) -> None:
        deadline = time.monotonic() + 60
        while sum(when > after for when, _ in self.answers) < answers:
            assert time.monotonic() < deadline, "the race stalled"
            time.sleep(0.01)

    def finish(self) -> Counter:
        self.stop.set()
        for future in self.futures:
            future.result()
        self.pool.shutdown()
        return Counter(status for _, status in self.answers)


def test_a_backup_taken_during_a_race_restores_what_it_counted(app, live_server, empty_database, tmp_path):
    home = f.community()
    team = f.team(home)
    activity_ids = [f.activity(team, title=f"活动{capacity}", capacity=capacity, max_seats_per_signup=3,
                               waitlist_enabled=True).id for capacity in CAPACITIES]
    phones = [f.user(home, name=f"居民{i}").phone for i in range(RACERS)]
    people = log_in_all(live_server.base_url, phones)
    churn = Churn(live_server.base_url, people, activity_ids)
    try:
        churn.wait_for(RACERS)  # the race is on
        started = time.monotonic()
        written = take_backup(db.engine, tmp_path / "backups", utcnow(), keep=1)
        ended = time.monotonic()
        churn.wait_for(RACERS, after=ended)  # and still on after the copy
    finally:
        statuses = churn.finish()
        close_all(people)

    print(f"backup in {ended - started:.2f} s during {sum(statuses.values())} answers {dict(statuses)}; "
          f"snapshot: {written.rows['signups']} sign-ups")
    assert set(statuses) <= {303, 409}, statuses  # every request answered, none failed
    assert any(when < started for when, _ in churn.answers) and any(when > ended for when, _ in churn.answers)
    assert 0 < written.rows["signups"], "the snapshot caught no sign-up: the backup ran before the race"

    result = restore(empty_database, written.path)
    assert result.exit_code == 0, result.output
    assert "与程序一致" in result.output  # alembic_version came with it, at the migrations' head
    assert rows_of(empty_database) == written.rows  # every table, alembic_version included
    ledger = seat_ledger(empty_database)
    assert [activity for activity, *_ in ledger] == activity_ids
    for activity, capacity, taken, held in ledger:
        assert taken == held, f"activity {activity}: seats_taken {taken} but sign-ups hold {held}"
        assert taken <= capacity, f"activity {activity}: {taken} seats for {capacity}"
