"""The seeded random walk the property tests of kept rows share (services/test_kept_figures.py: the report's kept
figures; services/test_board_schedules.py: the pairing board's kept schedules), and how their PostgreSQL tests see
a second writer wait for a lock."""
from __future__ import annotations

import random
import time as time_module
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text

from shequ_volunteer.extensions import db
from shequ_volunteer.refusals import Refused
from shequ_volunteer.timeutil import local_wall


def walk(world, rng: random.Random, now: datetime, weights: dict[Callable, int], count: int,
         check: Callable[[Callable, datetime, int], None], shown: int = 6) -> datetime:
    """Take `count` steps, each drawn by `weights`, and return the clock at the end.

    A step is `step(rng, world, now)`. What it writes is committed here; a refusal is rolled back (nothing
    written). A step that returns an instant (a tick) moves the clock there. After step number n `check(step, now, n)`
    compares what is kept with the records; its failure names the last `shown` steps, at Beijing time. At the end
    every kind of step must have been taken: a seed that never draws one tests less than the test says."""
    done: list[str] = []
    for number in range(count):
        step = rng.choices(list(weights), list(weights.values()))[0]
        try:
            moved = step(rng, world, now)
            db.session.commit()
        except Refused:
            db.session.rollback()
            moved = None
        now = now if moved is None else moved
        done.append(f"{number}:{step.__name__}@{local_wall(now):%m-%d %H:%M:%S}")
        try:
            check(step, now, number)
        except AssertionError as error:
            raise AssertionError(f"after {done[-shown:]}: {error}") from error
    assert {entry.split(":")[1].split("@")[0] for entry in done} == {step.__name__ for step in weights}
    return now


def wait_for_a_lock_wait(seconds: float = 10) -> bool:
    """PostgreSQL: whether another connection came to wait for a lock (polled on a connection of its own)."""
    deadline = time_module.monotonic() + seconds
    with db.engine.connect() as watcher:
        while time_module.monotonic() < deadline:
            if watcher.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND datname = current_database()")).scalar():
                return True
            watcher.rollback()
            time_module.sleep(0.05)
    return False
