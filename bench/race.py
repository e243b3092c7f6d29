"""Sign-up races as a measurement: how many sign-ups per second the site settles when
many people go for the same few places at once, on SQLite or PostgreSQL, with zero
overbooking checked by counting rows — beside a bare Flask page served the same way.

    .venv/bin/python bench/race.py [--db sqlite|postgresql] [--rounds 30] [--racers 40]

Each round opens one activity with 10 places (household seats 1–2, waiting list on
for every other round) and releases `racers` logged-in residents at it through a
barrier; the round's time is from the release to the last answer. The hello page
gets the same number of requests in bursts of the same size, for the ratio.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (the shared database and server helpers)

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PLACES = 10


def burst(sessions: list[requests.Session], send) -> tuple[float, list]:
    """Everyone at once; returns the seconds from release to the last answer, and the answers."""
    barrier = threading.Barrier(len(sessions) + 1)
    answers: list = [None] * len(sessions)

    def go(index: int, session: requests.Session) -> None:
        barrier.wait()
        answers[index] = send(session)

    threads = [threading.Thread(target=go, args=(i, s)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, answers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--racers", type=int, default=40)
    args = parser.parse_args(argv)
    settings = bench.Settings.from_args(["--db", args.db])
    tmp = Path(tempfile.mkdtemp(prefix="shequ-race-"))
    os.environ["SHEQU_INSTANCE_DIR"] = str(tmp / "instance")
    os.environ.pop("SHEQU_ENV", None)
    database, servers = bench.Database(args.db, tmp), []
    try:
        import flask_migrate
        from sqlalchemy import func, select

        from shequ_volunteer import create_app
        from shequ_volunteer.accounts.models import User
        from shequ_volunteer.activities.models import Activity, Signup
        from shequ_volunteer.config import normalise_database_url
        from shequ_volunteer.demo.seed import DEMO_PASSWORD, SeedSizes, seed_community
        from shequ_volunteer.extensions import db
        from shequ_volunteer.teams.models import Team
        from shequ_volunteer.timeutil import utcnow

        app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database.url), "SECRET_KEY": "race"})
        with app.app_context():
            flask_migrate.upgrade()
            seed_community(SeedSizes(residents=max(400, args.racers * 2), activities=50))
            team_id = db.session.scalar(select(Team.id).order_by(Team.id))
            start = utcnow() + timedelta(days=3)
            race_ids = []
            for n in range(args.rounds):
                activity = Activity(team_id=team_id, title=f"抢名额{n}", place="活动室", capacity=PLACES,
                                    starts_at=start, ends_at=start + timedelta(hours=1), updated_at=utcnow(),
                                    max_seats_per_signup=2, waitlist_enabled=n % 2 == 1)
                db.session.add(activity)
                db.session.flush()
                race_ids.append(activity.id)
            db.session.commit()
            phones = list(db.session.scalars(select(User.phone).where(User.role == "resident").limit(args.racers)))
        env = {"DATABASE_URL": database.url, "SECRET_KEY": secrets.token_hex(32),
               "SHEQU_INSTANCE_DIR": str(tmp / "instance")}
        servers.append(bench.start_server("hello", "hello_app:app", bench.BENCH_DIR, settings, {}))
        servers.append(bench.start_server("app", "wsgi:app", bench.ROOT, settings, env))
        hello, site = (f"http://127.0.0.1:{s.port}" for s in servers)

        people = []
        for phone in phones:
            session = requests.Session()
            token = TOKEN.search(session.get(f"{site}/login", timeout=30).text).group(1)
            session.post(f"{site}/login", data={"phone": phone, "password": DEMO_PASSWORD, "csrf_token": token},
                         allow_redirects=False, timeout=30)
            page = session.get(f"{site}/me/activities", timeout=30).text
            session.headers["X-CSRFToken"] = TOKEN.search(page).group(1)
            people.append(session)
        rng = random.Random(2026)

        hello_time = sum(burst(people, lambda s: s.get(f"{hello}/", timeout=60))[0] for _ in range(args.rounds))
        race_time, statuses = 0.0, Counter()
        for activity_id in race_ids:
            seats = {id(s): rng.randint(1, 2) for s in people}
            elapsed, answers = burst(people, lambda s, a=activity_id, w=seats: s.post(
                f"{site}/activities/{a}/signup", data={"seats": str(w[id(s)])}, allow_redirects=False,
                timeout=60))
            race_time += elapsed
            statuses.update(a.status_code for a in answers)

        with app.app_context():
            overbooked, full = [], 0
            for activity_id in race_ids:
                confirmed = db.session.scalar(select(func.coalesce(func.sum(Signup.seats), 0)).where(
                    Signup.activity_id == activity_id, Signup.status == "confirmed"))
                counter = db.session.get(Activity, activity_id).seats_taken
                full += confirmed >= PLACES - 1  # 10 places and 2-seat households may leave one empty
                if confirmed > PLACES or confirmed != counter:
                    overbooked.append((activity_id, confirmed, counter))
            db.session.remove()

        posts = args.rounds * len(people)
        site_rate, hello_rate = posts / race_time, posts / hello_time
        print(f"== sign-up race, {args.db}: {args.rounds} rounds × {len(people)} people at once for {PLACES} places "
              f"(1–2 seats each; waiting list on every other round); gunicorn {settings.workers}×{settings.threads}")
        print(f"answers: {dict(statuses)}")
        print(f"sign-up POSTs settled: {site_rate:.0f}/s; hello in the same bursts: {hello_rate:.0f}/s; "
              f"ratio hello ÷ sign-up = {hello_rate / site_rate:.1f}x")
        print(f"rounds at or within one seat of full: {full}/{args.rounds}; overbooked or counter ≠ rows: "
              f"{len(overbooked)} {overbooked or ''}")
        return 1 if overbooked or set(statuses) - {303, 409} else 0
    finally:
        for server in servers:
            server.stop()
        database.drop()


if __name__ == "__main__":
    sys.exit(main())
