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
WARM_UP = 2
CACHE_FORMAT = 4  # raise when build() records something new


@dataclass
class Page:
    name: str
    who: str  # resident, helper, staff, viewer, anonymous
    path: str
    expected: int = 200
    headers: dict | None = None
    # What marks one shown item in the answer: a page whose history adds to what it shows (a feed's window, the
    # open follow-ups) is judged by its cost per item, which must not grow.
    item: bytes = b"BEGIN:VEVENT"


# --------------------------------------------------------------------------- building (cached)

def cache_key(days: int, seed: int) -> str:
    """Same sizes, seed, migrations and Beijing day: the same community."""
    from shequ_volunteer.timeutil import local_today, utcnow

    migrations = sorted((bench.ROOT / "migrations" / "versions").glob("*.py"))
    digest = hashlib.sha256(json.dumps([CACHE_FORMAT, bench.sizes_for(days), seed, str(local_today(utcnow()))],
                                       default=str).encode())
    for path in migrations:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


FEED_EVENTS, FEED_HOUSEHOLDS = 20, 3
HISTORY_SIGNUPS_EVERY = 10  # days: the feed owner's sign-ups before the window, one per this many days of history


def add_feed_owner(community_id: int, days: int, rng: random.Random, now) -> int:
    """陈志愿, whose 我的日程 is measured: the same feed at every history length (20 activities of the last
    30 days and the next 180, 3 paired households) above a history that grows with it (a sign-up every 10
    days before the window; the households' visits grow with the community's)."""
    from sqlalchemy import insert, select, update

    from shequ_volunteer.accounts.models import User
    from shequ_volunteer.activities.models import STATUS_SCHEDULED, Activity, Signup
    from shequ_volunteer.calendar.feeds import Window
    from shequ_volunteer.extensions import db
    from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper, active_on
    from shequ_volunteer.teams.models import Team
    from shequ_volunteer.timeutil import local_midnight, local_today

    today = local_today(now)
    window = Window.of(now)
    owner = User(community_id=community_id, phone="13700000002", name="陈志愿", password_hash="")
    db.session.add(owner)
    db.session.flush()
    ours = (select(Activity.id).join(Team, Team.id == Activity.team_id)
            .where(Team.community_id == community_id, Activity.capacity.is_(None),
                   Activity.status == STATUS_SCHEDULED).order_by(Activity.id))
    shown = rng.sample(list(db.session.scalars(ours.where(
        Activity.starts_at >= local_midnight(today - timedelta(days=30)), Activity.starts_at < window.until))),
        FEED_EVENTS)
    before = list(db.session.scalars(ours.where(Activity.ends_at < window.since)))
    history = rng.sample(before, min(len(before), max(days - 90, 0) // HISTORY_SIGNUPS_EVERY))
    db.session.execute(insert(Signup), [{"activity_id": activity_id, "user_id": owner.id, "created_at": now,
                                         "updated_at": now} for activity_id in shown + history])
    db.session.execute(update(Activity).where(Activity.id.in_(shown + history))
                       .values(seats_taken=Activity.seats_taken + 1))
    pairings = list(db.session.scalars(
        select(Pairing.id).join(Household, Household.id == Pairing.household_id)
        .where(Household.community_id == community_id, active_on(Pairing, today)).order_by(Pairing.id)
        .offset(10).limit(FEED_HOUSEHOLDS)))
    db.session.execute(insert(PairingHelper), [{"pairing_id": pairing_id, "user_id": owner.id,
                                                "starts_on": today - timedelta(days=30)} for pairing_id in pairings])
    return owner.id


def build(db_url: str, days: int, seed: int) -> dict:
    """Migrate, seed the community with `days` of history, add a 街道 viewer, the feed owner and two feed
    links; return what the measurement needs (ids, phones, secrets)."""
    import flask_migrate
    from sqlalchemy import func, select, text

    from shequ_volunteer import create_app
    from shequ_volunteer.accounts.models import ROLE_VIEWER, User
    from shequ_volunteer.accounts.passwords import hash_password
    from shequ_volunteer.activities.models import Activity
    from shequ_volunteer.calendar import tokens
    from shequ_volunteer.calendar.models import KIND_PERSONAL, KIND_TEAM
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.demo.seed import DEMO_PASSWORD, SeedSizes, seed_community
    from shequ_volunteer.extensions import db
    from shequ_volunteer.pairing.models import Pairing, PairingHelper, active_on
    from shequ_volunteer.reports import kept
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
        # 我的结对 is asked by a volunteer helping 2–4 households, the most common kind.
        today = local_today(now)
        helper = db.session.scalar(
            select(User).join(PairingHelper, PairingHelper.user_id == User.id)
            .join(Pairing, Pairing.id == PairingHelper.pairing_id)
            .where(active_on(PairingHelper, today), active_on(Pairing, today))
            .group_by(User.id).having(func.count().between(2, 4)).order_by(User.id).limit(1))
        rng = random.Random(seed)
        owner_id = add_feed_owner(staff.community_id, days, rng, now)
        kept.rebuild(db.session, [staff.community_id])  # the feed owner's sign-ups went in past the ORM
        team_id = db.session.scalar(select(Team.id).where(Team.community_id == staff.community_id)
                                    .order_by(Team.id).limit(1))
        future = list(db.session.scalars(select(Activity.id).join(Team).where(
            Team.community_id == staff.community_id, Activity.starts_at > now + timedelta(days=2),
            Activity.seats_taken > 0).order_by(Activity.id)))
        secret = tokens.issue(owner_id, KIND_PERSONAL, now)
        leader = db.session.scalar(select(User).where(User.phone == logins.leader_phone))  # leads the first team
        team_live = tokens.issue(leader.id, KIND_TEAM, now, team_id=team_id)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                # A community two years old has been vacuumed many times over: its visibility map is set, so
                # index-only scans need not visit the table (a fresh bulk load has no such map).
                conn.execute(text("VACUUM ANALYZE"))
        counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("activities", "signups", "visits", "households", "users")}
        meta = {"days": days, "counts": counts, "build_seconds": round(time.perf_counter() - started, 1),
                "resident_phone": logins.resident_phone, "staff_phone": logins.staff_phone,
                "viewer_phone": viewer_phone, "helper_phone": helper.phone, "personal_secret": secret,
                "team_live_secret": team_live, "team_id": team_id, "activity_id": rng.choice(future),
                "community_id": staff.community_id}
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
        """Other builds of the same length (older migrations or days) made from this checkout are of no use any
        more. Only those this checkout's cache names: another worktree on the same PostgreSQL, with its own
        migrations, may be measuring on its own build of that length right now."""
        for path in CACHE_DIR.glob(f"growth-{self.kind}-{self.days}d-*.json"):
            key = path.stem.rsplit("-", 1)[1]
            path.unlink()
            if self.kind == "postgresql":
                for name in (f"shequ_growth_{self.days}d_{key}", f"shequ_growth_{self.days}d_{key}_run"):
                    pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self.kind == "sqlite":
            for path in CACHE_DIR.glob(f"growth-{self.days}d-*.db*"):
                path.unlink()

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
        Page("/board 逾期 list", "staff", "/board?show=overdue"),
        Page("/board 第1网格 本周应访", "staff", "/board?grid=%E7%AC%AC1%E7%BD%91%E6%A0%BC&show=due"),
        Page("/follow-ups 待跟进", "staff", "/follow-ups", item=b'class="panel follow-up"'),
        Page(f"/reports year {year}", "staff", f"/reports?kind=year&value={year}"),
        Page(f"/reports year {year - 1}", "staff", f"/reports?kind=year&value={year - 1}"),
        Page(f"街道 roll-up /reports/street {year}", "viewer", f"/reports/street?kind=year&value={year}"),
        Page("team feed", "anonymous", f"/calendar/teams/{meta['team_id']}.ics"),
        Page("team feed 304", "anonymous", f"/calendar/teams/{meta['team_id']}.ics", 304, {"If-None-Match": "?"}),
        Page("team live feed (leader)", "anonymous", f"/calendar/team-live/{meta['team_live_secret']}.ics"),
        Page("team live feed 304", "anonymous", f"/calendar/team-live/{meta['team_live_secret']}.ics", 304,
             {"If-None-Match": "?"}),
        Page("community feed", "anonymous", f"/calendar/community/{meta['community_id']}.ics"),
        Page("community feed 304", "anonymous", f"/calendar/community/{meta['community_id']}.ics", 304,
             {"If-None-Match": "?"}),
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


@dataclass
class Target:
    """One history length's community, ready to be asked: its app, signed-in clients and statement count."""

    days: int
    db_name: str
    meta: dict
    clients: dict
    statements: list
    engine: object


def open_target(days: int, url: str, db_name: str, meta: dict) -> Target:
    from sqlalchemy import event

    from shequ_volunteer import create_app
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench-growth"})
    # No app context held around the requests: each request must get its own (and its own `g`,
    # where Flask-WTF keeps the CSRF token of the session it served).
    clients = {"anonymous": app.test_client()}
    for who in ("resident", "helper", "staff", "viewer"):
        clients[who] = log_in(app, meta[f"{who}_phone"])
    with app.app_context():
        engine = db.engine
    statements: list = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(1))
    return Target(days, db_name, meta, clients, statements, engine)


def ask(target: Target, page: Page, kind: str, headers: dict) -> tuple[float, float, int, object]:
    """One request: (app CPU ms, database backend CPU ms, statements, response)."""
    db_before = backend_nanoseconds(target.db_name) if kind == "postgresql" else 0
    target.statements.clear()
    app_before = time.process_time_ns()
    response = target.clients[page.who].get(page.path, headers=headers)
    app_ns = time.process_time_ns() - app_before
    db_ns = backend_nanoseconds(target.db_name) - db_before if kind == "postgresql" else 0
    if response.status_code != page.expected:
        raise SystemExit(f"{page.name} ({target.days} days): {page.path} answered {response.status_code}, "
                         f"not {page.expected}")
    return app_ns / 1e6, db_ns / 1e6, len(target.statements), response


def measure(targets: list[Target], kind: str, samples: int, only: tuple[str, ...]) -> dict[int, dict]:
    """Every page on every community, the lengths taken in turn request by request: whatever else the
    machine does meanwhile falls on all of them alike."""
    from shequ_volunteer.timeutil import local_today, utcnow

    year = local_today(utcnow()).year
    results: dict[int, dict] = {target.days: {} for target in targets}
    names = [page.name for page in pages(targets[0].meta, year)]
    for index, name in enumerate(names):
        if only and not any(part in name for part in only):
            continue
        asked = {}
        for target in targets:
            page = pages(target.meta, year)[index]
            headers = dict(page.headers or {})
            if headers.get("If-None-Match") == "?":
                headers["If-None-Match"] = target.clients[page.who].get(page.path).headers["ETag"]
            asked[target.days] = (page, headers, [])
        for number in range(WARM_UP + samples):
            for target in targets:
                page, headers, seen = asked[target.days]
                *figures, _response = ask(target, page, kind, headers)
                if number >= WARM_UP:
                    seen.append(figures)
        for target in targets:
            _page, _headers, seen = asked[target.days]
            results[target.days][name] = {
                "cpu_ms": statistics.median(app + db for app, db, _n in seen),
                "app_ms": statistics.median(app for app, _db, _n in seen),
                "db_ms": statistics.median(db for _app, db, _n in seen),
                "statements": statistics.median(n for _app, _db, n in seen),
            }
        print(f"    {name:<34} " + "  ".join(f"{results[t.days][name]['cpu_ms']:>8.1f} ms" for t in targets),
              flush=True)
        for target in targets:  # the items the page showed, from one more answer of each
            page, headers, _seen = asked[target.days]
            body = target.clients[page.who].get(page.path, headers=headers).data
            results[target.days][name].update(bytes=len(body), events=body.count(page.item))
    for target in targets:
        target.engine.dispose()
    return results


def print_growth(kind: str, by_days: dict[int, dict], metas: dict[int, dict], samples: int) -> None:
    lengths = sorted(by_days)
    print(f"\nGrowth table ({kind}): CPU ms per request, median of {samples} (in-process test client; "
          f"{'app + PostgreSQL backend' if kind == 'postgresql' else 'app incl. SQLite'}), statements per request")
    for days in lengths:
        counts = metas[days]["counts"]
        print(f"  {days} days: {counts['activities']:,} activities, {counts['signups']:,} sign-ups, "
              f"{counts['visits']:,} visits")
    header = ("| page | " + " | ".join(f"{d} days" for d in lengths)
              + " | growth | statements | items shown | growth per item |")
    print(header)
    print("|---|" + "---:|" * len(lengths) + "---:|---|---|---:|")
    for name in by_days[lengths[0]]:
        values = [by_days[d][name]["cpu_ms"] for d in lengths]
        counts = "→".join(str(int(by_days[d][name]["statements"])) for d in lengths)
        growth = f"{values[-1] / values[0] - 1:+.0%}" if values[0] else "n/a"
        # A feed's window holds more events once the history is longer than its 90 days back, and a longer history
        # leaves more follow-ups open in the bench's community: say how many, and the cost per item.
        shown = [by_days[d][name]["events"] for d in lengths]
        events = "→".join(map(str, shown)) if all(shown) else ""
        per_event = f"{(values[-1] / shown[-1]) / (values[0] / shown[0]) - 1:+.0%}" if all(shown) else ""
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values)
              + f" | {growth} | {counts} | {events} | {per_event} |")


def main(settings, lengths: list[int], fresh: bool) -> int:
    os.environ.pop("SHEQU_ENV", None)
    tmp = Path(tempfile.mkdtemp(prefix="shequ-growth-"))
    os.environ["SHEQU_INSTANCE_DIR"] = str(tmp / "instance")
    by_days, metas, copies = {}, {}, []
    try:
        print(f"== growth table: {settings.db}, history {', '.join(f'{d} days' for d in lengths)}, "
              f"{os.cpu_count()} CPUs", flush=True)
        targets = []
        for days in lengths:
            cached = Cached(settings.db, days, settings.seed, tmp)
            metas[days] = cached.make(fresh)
            url, name = cached.working_copy()
            copies.append(name)
            targets.append(open_target(days, url, name, metas[days]))
        print(f"    {'page':<34} " + "  ".join(f"{f'{days} days':>11}" for days in lengths), flush=True)
        by_days = measure(targets, settings.db, settings.samples, settings.only)
        print_growth(settings.db, by_days, metas, settings.samples)
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

