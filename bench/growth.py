"""Growth table: what each page costs at 30 days and at two years of history (issue 15).

    .venv/bin/python bench/run.py --growth [--db sqlite|postgresql] [--history-days 30,730] [--fresh]

For each history length the large community of bench/run.py is built with that many days behind
today (sizes from run.sizes_for: 30 days = the run's usual 5,000 activities, 730 days = ~24,000
activities, ~555,000 sign-ups, ~221,000 visits), then every page is asked in-process through
Flask's test client, as the issue measured: 2 warm-up requests, then 8 measured ones. A row shows
the median CPU ms per request — this process (the app; with SQLite also the database) plus, on
PostgreSQL, the backends serving the benchmark database (/proc/<pid>/schedstat, nanoseconds) —
and the SQL statements the request sent.

A built database is kept for the rest of the Beijing day (same sizes, seed and migrations):
SQLite files under bench/cache/ (copied before each measurement, so a page that writes cannot
change the next run), PostgreSQL databases shequ_growth_<days>d_<key> (cloned with CREATE DATABASE
… TEMPLATE, the clone dropped afterwards). `--fresh` builds again; an older cache of the same
length is removed when a new one is built.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import community as bench

CACHE_DIR = bench.BENCH_DIR / "cache"
WARM_UP, SAMPLES = 2, 8


@dataclass
class Page:
    name: str
    who: str  # resident, helper, staff, viewer, anonymous
    path: str
    expected: int = 200
    headers: dict | None = None


# --------------------------------------------------------------------------- building (cached)

def cache_key(days: int, seed: int) -> str:
    """Same sizes, seed, migrations and Beijing day: the same community."""
    from shequ_volunteer.timeutil import local_today, utcnow

    migrations = sorted((bench.ROOT / "migrations" / "versions").glob("*.py"))
    digest = hashlib.sha256(json.dumps([bench.sizes_for(days), seed, str(local_today(utcnow()))],
                                       default=str).encode())
    for path in migrations:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def build(db_url: str, days: int, seed: int) -> dict:
    """Migrate, seed the community with `days` of history, add a 街道 viewer and two feed links;
    return what the measurement needs (ids, phones, secrets)."""
    import flask_migrate
    from sqlalchemy import func, select, text

    from shequ_volunteer import create_app
    from shequ_volunteer.accounts.models import ROLE_VIEWER, User
    from shequ_volunteer.accounts.passwords import hash_password
    from shequ_volunteer.activities.models import HOLDING_SEATS, Activity, Signup
    from shequ_volunteer.calendar import tokens
    from shequ_volunteer.calendar.feeds import Window
    from shequ_volunteer.calendar.models import KIND_PERSONAL
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.demo.seed import DEMO_PASSWORD, SeedSizes, seed_community
    from shequ_volunteer.extensions import db
    from shequ_volunteer.pairing.models import Pairing, PairingHelper, active_on
    from shequ_volunteer.teams.models import Team
    from shequ_volunteer.timeutil import local_today, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(db_url), "SECRET_KEY": "bench-seed"})
    with app.app_context():
        started = time.perf_counter()
        flask_migrate.upgrade()
        logins = seed_community(SeedSizes(**bench.sizes_for(days)), seed=seed)
        now = utcnow()
        staff = db.session.scalar(select(User).where(User.phone == logins.staff_phone))
        viewer_phone = "13700000001"
        db.session.add(User(community_id=staff.community_id, phone=viewer_phone, name="刘科长", role=ROLE_VIEWER,
                            password_hash=hash_password(DEMO_PASSWORD)))
        # The feed's owner: a volunteer helping 2–4 households (visit events) with the most sign-ups in the
        # window among them, so the personal feed carries both kinds of event.
        today = local_today(now)
        helps = (select(PairingHelper.user_id).join(Pairing, Pairing.id == PairingHelper.pairing_id)
                 .where(active_on(PairingHelper, today), active_on(Pairing, today))
                 .group_by(PairingHelper.user_id).having(func.count().between(2, 4)))
        owner_id = db.session.scalar(
            select(Signup.user_id).join(Activity, Activity.id == Signup.activity_id)
            .where(Signup.user_id.in_(helps), Signup.status.in_(HOLDING_SEATS), Window.of(now).condition())
            .group_by(Signup.user_id).order_by(func.count().desc(), Signup.user_id).limit(1))
        owner = db.session.get(User, owner_id)
        team_id = db.session.scalar(select(Team.id).where(Team.community_id == staff.community_id)
                                    .order_by(Team.id).limit(1))
        rng = random.Random(seed)
        future = list(db.session.scalars(select(Activity.id).join(Team).where(
            Team.community_id == staff.community_id, Activity.starts_at > now + timedelta(days=2),
            Activity.seats_taken > 0).order_by(Activity.id)))
        secret = tokens.issue(owner.id, KIND_PERSONAL, now)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("activities", "signups", "visits", "households", "users")}
        meta = {"days": days, "counts": counts, "build_seconds": round(time.perf_counter() - started, 1),
                "resident_phone": logins.resident_phone, "staff_phone": logins.staff_phone,
                "viewer_phone": viewer_phone, "helper_phone": owner.phone, "personal_secret": secret,
                "team_id": team_id, "activity_id": rng.choice(future), "community_id": staff.community_id}
        db.session.remove()
        db.engine.dispose()
    return meta


class Cached:
    """A built community of `days` of history, kept between runs (see the module docstring)."""

    def __init__(self, kind: str, days: int, seed: int, tmp: Path):
        self.kind, self.days, self.tmp = kind, days, tmp
        self.key = cache_key(days, seed)
        CACHE_DIR.mkdir(exist_ok=True)
        self.meta_path = CACHE_DIR / f"growth-{kind}-{days}d-{self.key}.json"
        self.sqlite_path = CACHE_DIR / f"growth-{days}d-{self.key}.db"
        self.pg_name = f"shequ_growth_{days}d_{self.key}"
        self.seed = seed

    def ready(self) -> bool:
        if not self.meta_path.exists():
            return False
        if self.kind == "sqlite":
            return self.sqlite_path.exists()
        return self.pg_name in pg_databases()

    def make(self, fresh: bool) -> dict:
        if fresh or not self.ready():
            self.forget_older()
            started = time.perf_counter()
            if self.kind == "sqlite":
                self.sqlite_path.unlink(missing_ok=True)
                meta = build(f"sqlite:///{self.sqlite_path}", self.days, self.seed)
                checkpoint(self.sqlite_path)
            else:
                pg_execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
                pg_execute(f'CREATE DATABASE "{self.pg_name}"')
                meta = build(bench.PG_DB_URL.format(name=self.pg_name), self.days, self.seed)
            meta["built_in_seconds"] = round(time.perf_counter() - started, 1)
            self.meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2))
            print(f"  built {self.days} days of history in {meta['built_in_seconds']:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in meta["counts"].items()), flush=True)
        else:
            meta = json.loads(self.meta_path.read_text())
            print(f"  {self.days} days of history from the cache ({self.key}): "
                  + ", ".join(f"{k} {v:,}" for k, v in meta["counts"].items()), flush=True)
        return meta

    def forget_older(self) -> None:
        """Other builds of the same length (older migrations or days) are of no use any more."""
        for path in CACHE_DIR.glob(f"growth-{self.kind}-{self.days}d-*.json"):
            path.unlink()
        if self.kind == "sqlite":
            for path in CACHE_DIR.glob(f"growth-{self.days}d-*.db*"):
                path.unlink()
        else:
            for name in pg_databases():
                if name.startswith(f"shequ_growth_{self.days}d_"):
                    pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def working_copy(self) -> tuple[str, str]:
        """(url, name) of a copy to measure on: pages may write (sign-in devices), the cache must not change."""
        if self.kind == "sqlite":
            target = self.tmp / f"growth-{self.days}d.db"
            shutil.copyfile(self.sqlite_path, target)
            return f"sqlite:///{target}", str(target)
        name = f"{self.pg_name}_run"
        pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg_name}"')
        return bench.PG_DB_URL.format(name=name), name


def checkpoint(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def pg_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(bench.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def pg_databases() -> set[str]:
    import psycopg

    with psycopg.connect(bench.PG_ADMIN_URL, autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


# --------------------------------------------------------------------------- measuring

_admin = []


def backend_nanoseconds(db_name: str) -> int:
    """CPU time (ns) the PostgreSQL backends connected to `db_name` have used so far (asked over one
    connection to the postgres database, kept open: its own backend is not among them)."""
    import psycopg

    if not _admin:
        _admin.append(psycopg.connect(bench.PG_ADMIN_URL, autocommit=True))
    pids = [row[0] for row in _admin[0].execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (db_name,))]
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except OSError:
            pass
    return total


def pages(meta: dict, year: int) -> list[Page]:
    return [
        Page("home /", "resident", "/"),
        Page("activity page", "resident", f"/activities/{meta['activity_id']}"),
        Page("我的结对 /me/pairings", "helper", "/me/pairings"),
        Page("/board", "staff", "/board"),
        Page(f"/reports year {year}", "staff", f"/reports?kind=year&value={year}"),
        Page(f"/reports year {year - 1}", "staff", f"/reports?kind=year&value={year - 1}"),
        Page(f"街道 roll-up /reports/street {year}", "viewer", f"/reports/street?kind=year&value={year}"),
        Page("team feed", "anonymous", f"/calendar/teams/{meta['team_id']}.ics"),
        Page("team feed 304", "anonymous", f"/calendar/teams/{meta['team_id']}.ics", 304, {"If-None-Match": "?"}),
        Page("personal feed", "anonymous", f"/calendar/me/{meta['personal_secret']}.ics"),
        Page("personal feed 304", "anonymous", f"/calendar/me/{meta['personal_secret']}.ics", 304,
             {"If-None-Match": "?"}),
    ]


def log_in(app, phone: str):
    from shequ_volunteer.demo.seed import DEMO_PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = bench.CSRF_RE.search(page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "phone": phone, "password": DEMO_PASSWORD})
    if answer.status_code != 303:
        raise SystemExit(f"log-in of {phone} answered {answer.status_code}")
    return client


def measure(url: str, db_name: str, kind: str, meta: dict) -> dict[str, dict]:
    from sqlalchemy import event

    from shequ_volunteer import create_app
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.extensions import db
    from shequ_volunteer.timeutil import local_today, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench-growth"})
    results = {}
    # No app context held around the requests: each request must get its own (and its own `g`,
    # where Flask-WTF keeps the CSRF token of the session it served).
    clients = {"anonymous": app.test_client()}
    for who in ("resident", "helper", "staff", "viewer"):
        clients[who] = log_in(app, meta[f"{who}_phone"])
    with app.app_context():
        engine = db.engine
        year = local_today(utcnow()).year
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    for page in pages(meta, year):
        client, headers = clients[page.who], dict(page.headers or {})
        if headers.get("If-None-Match") == "?":
            headers["If-None-Match"] = client.get(page.path).headers["ETag"]
        cpu, sent = [], []
        for number in range(WARM_UP + SAMPLES):
            db_before = backend_nanoseconds(db_name) if kind == "postgresql" else 0
            statements.clear()
            app_before = time.process_time_ns()
            response = client.get(page.path, headers=headers)
            app_ns = time.process_time_ns() - app_before
            db_ns = backend_nanoseconds(db_name) - db_before if kind == "postgresql" else 0
            if response.status_code != page.expected:
                raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}, not {page.expected}")
            if number >= WARM_UP:
                cpu.append((app_ns / 1e6, db_ns / 1e6))
                sent.append(len(statements))
        totals = [app_ms + db_ms for app_ms, db_ms in cpu]
        results[page.name] = {
            "cpu_ms": statistics.median(totals), "app_ms": statistics.median(a for a, _ in cpu),
            "db_ms": statistics.median(d for _, d in cpu), "statements": statistics.median(sent),
            "bytes": len(response.data), "events": response.data.count(b"BEGIN:VEVENT"),
        }
        print(f"    {page.name:<34} {results[page.name]['cpu_ms']:>9.1f} ms  "
              f"{int(results[page.name]['statements']):>3} statements", flush=True)
    engine.dispose()
    return results


def print_growth(kind: str, by_days: dict[int, dict], metas: dict[int, dict]) -> None:
    lengths = sorted(by_days)
    print(f"\nGrowth table ({kind}): CPU ms per request, median of {SAMPLES} (in-process test client; "
          f"{'app + PostgreSQL backend' if kind == 'postgresql' else 'app incl. SQLite'}), statements per request")
    for days in lengths:
        counts = metas[days]["counts"]
        print(f"  {days} days: {counts['activities']:,} activities, {counts['signups']:,} sign-ups, "
              f"{counts['visits']:,} visits")
    header = "| page | " + " | ".join(f"{d} days" for d in lengths) + " | growth | statements | events |"
    print(header)
    print("|---|" + "---:|" * len(lengths) + "---:|---|---|")
    for name in by_days[lengths[0]]:
        values = [by_days[d][name]["cpu_ms"] for d in lengths]
        counts = "→".join(str(int(by_days[d][name]["statements"])) for d in lengths)
        growth = f"{values[-1] / values[0] - 1:+.0%}" if values[0] else "n/a"
        # A feed's window holds more events once the history is longer than its 90 days back: say how many.
        events = "→".join(str(by_days[d][name]["events"]) for d in lengths) if by_days[lengths[0]][name]["events"] \
            else ""
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values) + f" | {growth} | {counts} | {events} |")


def main(settings, lengths: list[int], fresh: bool) -> int:
    os.environ.pop("SHEQU_ENV", None)
    tmp = Path(tempfile.mkdtemp(prefix="shequ-growth-"))
    os.environ["SHEQU_INSTANCE_DIR"] = str(tmp / "instance")
    by_days, metas, copies = {}, {}, []
    try:
        print(f"== growth table: {settings.db}, history {', '.join(f'{d} days' for d in lengths)}, "
              f"{os.cpu_count()} CPUs", flush=True)
        for days in lengths:
            cached = Cached(settings.db, days, settings.seed, tmp)
            metas[days] = cached.make(fresh)
            url, name = cached.working_copy()
            copies.append(name)
            by_days[days] = measure(url, name, settings.db, metas[days])
        print_growth(settings.db, by_days, metas)
        bench.RESULTS_DIR.mkdir(exist_ok=True)
        out = bench.RESULTS_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-growth-{settings.db}.json"
        out.write_text(json.dumps({"db": settings.db, "rows": metas, "pages": by_days}, ensure_ascii=False,
                                  indent=2))
        print(f"\nresults written to {out.relative_to(bench.ROOT)}")
        return 0
    finally:
        for conn in _admin:
            conn.close()
        if settings.db == "postgresql":
            for name in copies:
                pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)

