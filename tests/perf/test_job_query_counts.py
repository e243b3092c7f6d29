"""run-jobs reads a fixed number of statements however many households a helper has (the digest goes through the
board's two-statement query) and however many people hold places in an activity (one bulk insert per text)."""
from __future__ import annotations

from datetime import time, timedelta

from shequ_volunteer.extensions import db
from shequ_volunteer.jobs.services import run_jobs
from shequ_volunteer.timeutil import at_local, local_today
from tests import factories as f
from tests.conftest import wipe
from tests.support.job_worlds import activity_at, beijing, messages_of, pairing_world
from tests.support.module_app import one_commit
from tests.support.statements import counting_statements

NOW = beijing("2026-12-31 10:00")


def statements_of_a_run() -> int:
    db.session.remove()
    with counting_statements() as seen:
        run_jobs(NOW)
    return len(seen)


def test_the_digest_costs_the_same_for_3_households_as_for_60(app):
    counts = {}
    for households in (1, 58):  # besides the one due and the one fine
        wipe(app)
        with one_commit():
            pairing_world(NOW, households=households)
        counts[households] = statements_of_a_run()
        [digest] = messages_of("visits_due_digest")
        assert digest.title.startswith(f"探访提醒：{households + 1}户需要探访")
    assert counts[1] == counts[58], counts


def test_the_reminder_costs_the_same_for_3_people_as_for_60(app):
    counts = {}
    for people in (3, 60):
        wipe(app)
        with one_commit():
            home = f.community()
            activity = activity_at(f.team(home), at_local(local_today(NOW) + timedelta(days=1), time(9)), capacity=None)
            for number in range(people):
                f.signup(activity, f.user(home, f"居民{number}"))
        counts[people] = statements_of_a_run()
        assert len(messages_of("reminder_tomorrow")) == people
    assert counts[3] == counts[60], counts
