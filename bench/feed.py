"""A 500-event personal calendar feed: full renders and 304s as ratios to a bare Flask page.

    .venv/bin/python bench/feed.py [--db sqlite|postgresql] [--events 500] [--duration 10]

Calendar apps poll feeds all day; nearly every poll finds nothing new. The 304 path decides
from the feed's version row, read in the one statement that finds the secret link
(calendar/tokens.py, calendar/validators.py, feed_versions), without rendering, and should be
at least 20 times the full render rate. The person also helps a few paired households, so the
feed's visit events are part of the full render.

Same servers and load generator as bench/run.py (gunicorn 2 workers × gthread 4 for both
apps, 8 client threads, a new connection per request), on a small community with one person
signed up for `--events` activities within the feed window.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (database, servers, load phases)


def seed(db_url: str, events: int) -> dict:
    """A community, one person with `events` sign-ups across the window, and their feed link."""
    import flask_migrate

    from shequ_volunteer import create_app
    from shequ_volunteer.activities.models import Activity, Signup
    from shequ_volunteer.calendar import tokens
    from shequ_volunteer.calendar.models import KIND_PERSONAL
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.demo.seed import SeedSizes, seed_community
    from shequ_volunteer.extensions import db
    from shequ_volunteer.pairing import schedules
    from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper, Visit
    from shequ_volunteer.teams.models import Membership, Team
    from shequ_volunteer.timeutil import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(db_url), "SECRET_KEY": "bench-seed"})
    rng = random.Random(2026)
    with app.app_context():
        flask_migrate.upgrade()
        logins = seed_community(SeedSizes(residents=300, activities=200), seed=2026)
        from shequ_volunteer.accounts.models import User

        person = db.session.scalar(db.select(User).where(User.phone == logins.resident_phone))
        teams = list(db.session.scalars(db.select(Team).where(Team.community_id == person.community_id)))
        now = utcnow().replace(microsecond=0)
        for number in range(events):
            starts = now + timedelta(days=rng.randint(-85, 175), hours=rng.randint(0, 12))
            activity = Activity(team_id=rng.choice(teams).id, title=f"活动{number}，第{number % 9 + 1}期",
                                description="请带好身份证；欢迎家属\n集合地点见通知", place="社区活动室",
                                starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=None,
                                updated_at=now, created_at=now)
            db.session.add(activity)
            db.session.flush()
            db.session.add(Signup(activity_id=activity.id, user_id=person.id, created_at=now, updated_at=now))
        # The person also helps three paired households: visit events in the feed.
        db.session.add(Membership(team_id=teams[0].id, user_id=person.id, status="approved"))
        helped = []
        for number in range(3):
            household = Household(community_id=person.community_id, head_name=f"老人{number}",
                                  building=str(number + 1), tier="key", updated_at=now, created_at=now)
            db.session.add(household)
            db.session.flush()
            helped.append(household.id)
            pairing = Pairing(household_id=household.id, reason="独居", starts_on=date(2026, 1, 1),
                              created_by_id=person.id)
            db.session.add(pairing)
            db.session.flush()
            db.session.add(PairingHelper(pairing_id=pairing.id, user_id=person.id, starts_on=date(2026, 1, 1)))
            visited = now - timedelta(days=10 * number + 3)
            db.session.add(Visit(household_id=household.id, pairing_id=pairing.id, visitor_id=person.id,
                                 way="home", visited_on=visited.date(), visited_at=visited, duration_minutes=30))
        db.session.flush()
        schedules.refresh(helped)  # the due dates the feed reads, as the pairing services keep them
        person.reminder_minutes = 60
        secret = tokens.issue(person.id, KIND_PERSONAL, now)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"path": f"/calendar/me/{secret}.ics"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    settings = bench.Settings.from_args(["--db", args.db, "--duration", str(args.duration)])
    os.environ.pop("SHEQU_ENV", None)
    tmp = Path(tempfile.mkdtemp(prefix="shequ-feed-bench-"))
    os.environ["SHEQU_INSTANCE_DIR"] = str(tmp / "instance")
    servers, database = [], None
    try:
        database = bench.Database(args.db, tmp)
        feed = seed(database.url, args.events)
        env = {"DATABASE_URL": database.url, "SECRET_KEY": secrets.token_hex(32),
               "SHEQU_INSTANCE_DIR": str(tmp / "instance")}
        hello = bench.start_server("hello", "hello_app:app", bench.BENCH_DIR, settings, {})
        site = bench.start_server("app", "wsgi:app", bench.ROOT, settings, env)
        servers = [hello, site]

        probe = bench.Connection(site.port)
        response, body, _ = probe.request("GET", feed["path"])
        etag = response.getheader("ETag")
        events = body.count(b"BEGIN:VEVENT")
        if response.status != 200 or not etag or events < args.events:
            raise SystemExit(f"feed probe failed: {response.status}, ETag {etag}, {events} events")
        response, _, _ = probe.request("GET", feed["path"], headers={"If-None-Match": etag})
        if response.status != 304:
            raise SystemExit(f"conditional probe answered {response.status}, not 304")
        probe.close()
        print(f"feed: {events} events, {len(body) / 1024:.0f} KB, ETag {etag}")

        def get(path, headers=None):
            def make(thread, n, conn):
                response, data, seconds = conn.request("GET", path, headers=headers)
                return bench.Sample(seconds, response.status, len(data))
            return make

        endpoints = [
            (bench.Endpoint("hello", "hello", 200, get("/")), hello),
            (bench.Endpoint(f"GET personal feed ({events} events)", "app", 200, get(feed["path"])), site),
            (bench.Endpoint("GET personal feed If-None-Match → 304", "app", 304,
                            get(feed["path"], {"If-None-Match": etag})), site),
            (bench.Endpoint("hello (again)", "hello", 200, get("/")), hello),
        ]
        results = []
        for endpoint, server in endpoints:
            bench.run_phase(endpoint, [server], database, settings, settings.warmup)
            result = bench.run_phase(endpoint, [server], database, settings, settings.duration)
            results.append(result)
            print(f"  {endpoint.name:<40} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:.1f} ms  "
                  f"statuses {result['statuses']}", flush=True)
        hello_rps = (results[0]["rps"] + results[3]["rps"]) / 2
        full, not_modified = results[1], results[2]
        print(f"\n{'endpoint':<42} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'app CPU':>8} {'db CPU':>7} "
              f"{'x slower':>9} {'other':>6}")
        for result in results[:3]:
            print(f"{result['endpoint']:<42} {result['rps']:>8.1f} {result['p50_ms']:>7.1f} {result['p99_ms']:>7.1f} "
                  f"{result['server_cpu_ms_per_req']:>8.2f} {result['db_cpu_ms_per_req'] or 0:>7.2f} "
                  f"{hello_rps / result['rps']:>8.1f}x {result['other_cpu_cores']:>6.2f}")
        print(f"304 rate ÷ full render rate: {not_modified['rps'] / full['rps']:.1f}x (target ≥ 20x); "
              f"hello drift {results[3]['rps'] / results[0]['rps'] - 1:+.0%}")
        # CPU per request (app + database) hardly moves when other programs share the machine; req/s does.
        cost = {key: r["server_cpu_ms_per_req"] + (r["db_cpu_ms_per_req"] or 0.0) for key, r in
                (("full", full), ("304", not_modified))}
        print(f"full render CPU ÷ 304 CPU (app + db): {cost['full'] / cost['304']:.1f}x; other programs used "
              f"{max(r['other_cpu_cores'] for r in results):.2f} cores at most (> 0.25: rerun on a quiet machine)")
        failed = [r for r in results if r["ok"] != r["requests"]]
        for r in failed:
            print(f"ERROR: {r['endpoint']}: statuses {r['statuses']}")
        return 1 if failed else 0
    finally:
        for server in servers:
            server.stop()
        if database is not None:
            database.drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"whole run {time.perf_counter() - started:.0f} s")
    sys.exit(code)
