"""Places are never exceeded: ≥ 50 people race for 10 places against a real
multi-process server, and we count the rows afterwards.

The same race run against a deliberately naive check-then-insert route must
overbook, which shows this test is able to fail.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, Activity, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.support.server import start_server

pytestmark = pytest.mark.slow

RACERS = 60
PLACES = 10
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def naive_server(_migrated):
    server = start_server(_migrated, app_module="tests.support.naive_app:app")
    yield server
    server.stop()


def _logged_in_session(base_url: str, phone: str, activity_id: int) -> tuple[requests.Session, str]:
    """A browser-like session: log in through the form, then read the page's CSRF token."""
    session = requests.Session()
    token = TOKEN.search(session.get(f"{base_url}/login", timeout=30).text).group(1)
    answer = session.post(
        f"{base_url}/login", data={"phone": phone, "password": f.PASSWORD, "csrf_token": token},
        allow_redirects=False, timeout=30,
    )
    assert answer.status_code == 303, answer.text[:300]
    page = session.get(f"{base_url}/activities/{activity_id}", timeout=30).text
    return session, TOKEN.search(page).group(1)


def race(base_url: str, path: str, activity_id: int, phones: list[str]) -> list[requests.Response]:
    """Log everyone in, then fire all sign-ups at the same instant."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        sessions = list(pool.map(lambda p: _logged_in_session(base_url, p, activity_id), phones))
    barrier = threading.Barrier(len(sessions))

    def sign_up(session_and_token):
        session, token = session_and_token
        barrier.wait()
        return session.post(f"{base_url}{path}", data={"csrf_token": token},
                            allow_redirects=False, timeout=60)

    try:
        with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
            return list(pool.map(sign_up, sessions))
    finally:
        for session, _token in sessions:
            session.close()


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
    answers = race(live_server.base_url, f"/activities/{activity_id}/signup", activity_id, phones)

    statuses = Counter(a.status_code for a in answers)
    print(f"real route: {confirmed_rows(activity_id)} sign-ups for {PLACES} places; statuses {dict(statuses)}")
    assert statuses == {303: PLACES, 409: RACERS - PLACES}, statuses
    losers = [a for a in answers if a.status_code == 409]
    assert all("已满" in a.text for a in losers)
    assert confirmed_rows(activity_id) == PLACES
    assert db.session.get(Activity, activity_id).seats_taken == PLACES


def test_same_race_catches_naive_check_then_insert(app, naive_server):
    activity_id, phones = _setup()
    answers = race(naive_server.base_url, f"/naive/activities/{activity_id}/signup", activity_id, phones)

    # The naive route overbooks: the row count is what exposes it. (Its status
    # codes prove nothing: every winner, too many of them, got a 303.)
    rows = confirmed_rows(activity_id)
    print(f"naive route: {rows} sign-ups for {PLACES} places; statuses "
          f"{dict(Counter(a.status_code for a in answers))}")
    assert rows > PLACES
