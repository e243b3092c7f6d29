"""Load benchmark of the site against a minimal Flask "hello" app, on a LARGE community.

    .venv/bin/python bench/run.py [--db sqlite|postgresql] [--quick] [--only board,me/pairings]

1. Creates a throwaway database (SQLite file in a temp dir, or a new PostgreSQL
   database shequ_bench_<random> that is dropped at the end), builds the schema
   with the Alembic migrations and seeds >= 20,000 residents, >= 5,000 activities,
   >= 100,000 sign-ups, >= 2,000 paired households and >= 50,000 visits with
   shequ_volunteer.demo.seed.seed_community.
2. Serves the site (wsgi:app) and bench/hello_app.py with the same gunicorn
   settings (2 workers, gthread, 4 threads each) on free loopback ports.
3. Drives each endpoint with a fixed number of client threads (8) for a fixed
   time, over keep-alive http.client connections, and prints requests, req/s,
   p50/p95/p99 latency, server CPU per request and how many times slower than
   hello each endpoint is (hello req/s / endpoint req/s, same run).
4. Writes everything to bench/results/<timestamp>-<db>.json.

The load generator runs on the same machine as the servers, so absolute numbers
include its CPU use; the ratios to hello are the figures to compare across runs.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from community import (  # noqa: F401  (BENCH_DIR … PG_DB_URL: bench/feed.py and race.py use them through run)
    BENCH_DIR,
    CSRF_RE,
    PG_ADMIN_URL,
    PG_DB_URL,
    RESULTS_DIR,
    ROOT,
    SIZES,
    sizes_for,
)

USER_AGENT = "shequ-bench/1.0"
# Activities each resident signs up for and withdraws from in turn (the writes endpoint). One: after each
# resident's first sign-up (an INSERT, mostly in the first warm-up) every write moves the same row, so runs
# one after the other (×1 then ×2 servers) send the same mix.
WRITE_TARGETS = 1
MIN_ROWS = {"users": 20_000, "activities": 5_000, "signups": 100_000, "households": 2_000, "visits": 50_000}
PAIRING_TABLES = ("households", "pairings", "pairing_helpers", "visits", "visit_aid", "follow_ups", "household_events")


# --------------------------------------------------------------------------- settings

@dataclass
class Settings:
    db: str
    quick: bool
    concurrency: int
    duration: float
    warmup: float
    workers: int
    threads: int
    residents_logged_in: int
    targets_per_resident: int
    seed: int
    keep_alive: bool
    helpers_logged_in: int
    only: tuple[str, ...]
    history_days: tuple[int, ...] = (30,)
    growth: bool = False
    fresh: bool = False
    samples: int = 8
    app_servers: tuple[int, ...] = (1,)  # each a number of app servers to measure with, in turn

    @classmethod
    def from_args(cls, argv=None) -> "Settings":
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
        parser.add_argument("--quick", action="store_true",
                            help="same data, 2 s per endpoint and fewer logged-in residents (~30 s)")
        parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
        parser.add_argument("--duration", type=float, help="seconds measured per endpoint (10, quick 2)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both apps")
        parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
        parser.add_argument("--keep-alive", action="store_true",
                            help="reuse client connections (uneven worker load, see Connection)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--only", default="",
                            help="comma-separated parts of endpoint names to measure, e.g. 'board,me/pairings' "
                                 "(hello and POST /login always run)")
        parser.add_argument("--history-days", default="",
                            help="days of history behind today (default 30; 730 = two years); with --growth a "
                                 "comma-separated list (default 30,730)")
        parser.add_argument("--growth", action="store_true",
                            help="print the growth table instead: CPU per request of each page, in-process, "
                                 "at each --history-days (bench/growth.py)")
        parser.add_argument("--fresh", action="store_true", help="--growth: build the communities again")
        parser.add_argument("--samples", type=int, default=8, help="--growth: measured requests per page (median)")
        parser.add_argument("--app-servers", default="1",
                            help="app servers (the same gunicorn command, each on its own port, one database), "
                                 "the clients spread evenly over them; a comma-separated list (e.g. 1,2) measures "
                                 "each endpoint with each number in turn and prints the ratio to the first")
        args = parser.parse_args(argv)
        history = tuple(int(d) for d in args.history_days.split(",") if d.strip()) or (
            (30, 730) if args.growth else (30,))
        if len(history) != 1 and not args.growth:
            parser.error("--history-days takes one number without --growth")
        app_servers = tuple(int(n) for n in args.app_servers.split(",") if n.strip())
        if not app_servers or min(app_servers) < 1:
            parser.error("--app-servers takes numbers ≥ 1, e.g. 2 or 1,2")
        return cls(
            db=args.db, quick=args.quick, concurrency=args.concurrency,
            duration=args.duration or (2.0 if args.quick else 10.0),
            warmup=0.5 if args.quick else 2.0,
            workers=args.workers, threads=args.threads,
            residents_logged_in=48 if args.quick else 160,
            targets_per_resident=60, seed=args.seed, keep_alive=args.keep_alive,
            helpers_logged_in=8 if args.quick else 16,
            only=tuple(part.strip() for part in args.only.split(",") if part.strip()),
            history_days=history, growth=args.growth, fresh=args.fresh, samples=args.samples,
            app_servers=app_servers,
        )


# --------------------------------------------------------------------------- database

class Database:
    """A throwaway database; `drop()` removes it again."""

    def __init__(self, kind: str, tmp: Path):
        self.kind = kind
        if kind == "sqlite":
            self.name = str(tmp / "bench.db")
            self.url = f"sqlite:///{self.name}"
        else:
            import psycopg

            self.name = f"shequ_bench_{secrets.token_hex(4)}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = PG_DB_URL.format(name=self.name)

    def backend_cpu(self) -> dict[int, float]:
        """PostgreSQL only: CPU seconds of each server process connected to this database."""
        if self.kind != "postgresql":
            return {}
        import psycopg

        if getattr(self, "_admin", None) is None:
            self._admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
        pids = [row[0] for row in self._admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.name,))]
        return {pid: process_cpu(pid) for pid in pids}

    @contextmanager
    def waits_sampled(self, every: float = 0.05):
        """PostgreSQL only: while the block runs, look at this database's active backends every `every` s and
        count how many of them wait for a heavyweight lock (a row or table lock another transaction holds).
        Yields a Counter filled at the end: `active` backend-samples, `lock` of them waiting on a Lock,
        `lock:<event>` by kind (tuple = a row lock, transactionid = a row another transaction changes), and
        `waits on: <statement>` by the first words of the statement that waits.
        Those waits are what serialises requests; CPU contention shows as none of them."""
        counts: Counter = Counter()
        if self.kind != "postgresql":
            yield counts
            return
        import psycopg

        done = threading.Event()

        def sample() -> None:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                while not done.wait(every):
                    for kind, event, query in conn.execute(
                            "SELECT wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity "
                            "WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()", (self.name,)):
                        counts["active"] += 1
                        if kind == "Lock":
                            counts["lock"] += 1
                            counts[f"lock:{event}"] += 1
                            counts[f"waits on: {' '.join(query.split()[:6])}"] += 1

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            yield counts
        finally:
            done.set()
            sampler.join()

    def drop(self) -> None:
        if getattr(self, "_admin", None) is not None:
            self._admin.close()
            self._admin = None
        if self.kind != "postgresql":
            return  # the file goes with the temp dir
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@contextmanager
def community_app(database: Database):
    """An app on the throwaway database (schema from the migrations, app context pushed) and one community in it."""
    import flask_migrate

    from shequ_volunteer import create_app
    from shequ_volunteer.communities.models import Community
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database.url), "TESTING": True,
                      "SERVER_NAME": "bench.test"})
    with app.app_context():
        flask_migrate.upgrade()
        community = Community(name="幸福里社区", hotline="")
        db.session.add(community)
        db.session.commit()
        try:
            yield community
        finally:
            db.session.remove()
            db.engine.dispose()


@dataclass
class Workload:
    """What the load generator needs to know about the seeded data."""

    counts: dict
    seed_seconds: float
    activity_ids: list[int]
    team_ids: list[int]
    residents: list[dict]  # phone + the activity ids this resident may still sign up for
    eligible_activities: int
    staff_phone: str = ""
    helpers: list[dict] = field(default_factory=list)  # phone + head names of the households they help
    board_queries: list[str] = field(default_factory=list)  # filtered /board query strings a staff user sends
    board_counts: dict = field(default_factory=dict)  # 本周应访 / 已访 / 逾期 as the board query computes them


def seed_and_plan(settings: Settings, db_url: str) -> Workload:
    """Migrate, seed the large community and choose what the clients will ask for."""
    import flask_migrate
    from sqlalchemy import func, select, text

    from shequ_volunteer import create_app
    from shequ_volunteer.accounts.models import ROLE_RESIDENT, User
    from shequ_volunteer.activities.models import STATUS_SCHEDULED, Activity, Signup
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.demo.seed import SeedSizes, seed_community
    from shequ_volunteer.extensions import db
    from shequ_volunteer.teams.models import Team
    from shequ_volunteer.timeutil import local_date, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(db_url), "SECRET_KEY": "bench-seed"})
    rng = random.Random(settings.seed)
    with app.app_context():
        started = time.perf_counter()
        flask_migrate.upgrade()
        migrated = time.perf_counter()
        logins = seed_community(SeedSizes(**sizes_for(settings.history_days[0])), seed=settings.seed)
        seeded = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would do shortly after a bulk load; keeps plans stable for the run.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        analysed = time.perf_counter()

        now = utcnow()
        counts = {
            table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("communities", "teams", "users", "memberships", "activities", "signups", *PAIRING_TABLES)
        }
        counts["future_activities"] = db.session.scalar(
            select(func.count()).select_from(Activity).where(Activity.starts_at > now))
        counts["confirmed_signups_future"] = db.session.scalar(
            select(func.count()).select_from(Signup).join(Activity).where(Activity.starts_at > now))

        activity_ids = list(db.session.scalars(select(Activity.id).order_by(Activity.id)))
        team_ids = list(db.session.scalars(select(Team.id).order_by(Team.id)))
        # Sign-up targets: unlimited places, scheduled, open well past the end of the run.
        margin = now + timedelta(hours=2)
        eligible = list(db.session.scalars(
            select(Activity.id).where(
                Activity.capacity.is_(None), Activity.status == STATUS_SCHEDULED,
                Activity.audience != "members", Activity.starts_at > margin,
                (Activity.signup_deadline.is_(None)) | (Activity.signup_deadline > margin),
            ).order_by(Activity.id)
        ))
        # Sign-up ⇄ withdraw targets: also withdrawable well past the run, and no approval (a plain 报名).
        withdrawable = set(db.session.scalars(
            select(Activity.id).where(
                Activity.id.in_(eligible), Activity.requires_approval.is_(False),
                (Activity.withdraw_deadline.is_(None)) | (Activity.withdraw_deadline > margin),
            )
        ))
        people = list(db.session.execute(
            select(User.id, User.phone).where(User.role == ROLE_RESIDENT).order_by(User.id)
        ))
        chosen = rng.sample(people, settings.residents_logged_in)
        taken: dict[int, set[int]] = {}
        for user_id, activity_id in db.session.execute(
            select(Signup.user_id, Signup.activity_id).where(Signup.user_id.in_([p.id for p in chosen]))
        ):
            taken.setdefault(user_id, set()).add(activity_id)
        # The one-day writes: every resident's activity on the one day with the most candidates (a festival
        # everyone signs up for), drawn from a generator of their own so the other draws stay as they were.
        day_of = {activity_id: local_date(starts_at) for activity_id, starts_at in db.session.execute(
            select(Activity.id, Activity.starts_at).where(Activity.id.in_(sorted(withdrawable))))}
        busiest = max(sorted(set(day_of.values())), key=list(day_of.values()).count)
        one_day_rng = random.Random(settings.seed + 15)
        residents = []
        for person in chosen:
            free = [a for a in eligible if a not in taken.get(person.id, ())]
            targets = rng.sample(free, min(settings.targets_per_resident, len(free)))
            others = sorted(a for a in free if a in withdrawable and a not in targets)
            writes = rng.sample(others, min(WRITE_TARGETS, len(others)))
            that_day = [a for a in others if day_of[a] == busiest and a not in writes]
            residents.append({"user_id": person.id, "phone": person.phone, "targets": targets,
                              "writes": writes, "writes_one_day": one_day_rng.sample(that_day, min(1, len(that_day)))})
        write_days = Counter(day_of[a] for r in residents for a in r["writes"])
        write_plan = (f"writes: {sum(write_days.values())} activities on {len(write_days)} Beijing days (at most "
                      f"{max(write_days.values(), default=0)} on one); one day: "
                      f"{len({a for r in residents for a in r['writes_one_day']})} activities on {busiest}")
        pairing = plan_pairing(settings, logins.staff_phone, now)
        db.session.remove()
        db.engine.dispose()

    missing = {t: n for t, n in MIN_ROWS.items() if counts[t] < n}
    if missing:
        raise SystemExit(f"seed too small: {missing} (need {MIN_ROWS})")
    timings = {"migrate": migrated - started, "seed": seeded - migrated, "analyze": analysed - seeded}
    print(f"schema (migrations) {timings['migrate']:.1f} s, seed_community {timings['seed']:.1f} s"
          + (f", ANALYZE {timings['analyze']:.1f} s" if settings.db == "postgresql" else ""))
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"sign-up targets: {len(eligible)} future activities with unlimited places; "
          f"{settings.residents_logged_in} residents × ≤{settings.targets_per_resident} each")
    print(write_plan)
    print(f"board: {pairing['board_rows']} active pairings, {pairing['board_counts']} "
          f"(board query in-process {pairing['board_ms']:.0f} ms); {len(pairing['helpers'])} helpers with "
          f"{pairing['helper_households']} households each")
    return Workload(counts, timings["seed"], activity_ids, team_ids, residents, len(eligible),
                    staff_phone=logins.staff_phone, helpers=pairing["helpers"],
                    board_queries=pairing["board_queries"], board_counts=pairing["board_counts"])


def plan_pairing(settings: Settings, staff_phone: str, now: datetime) -> dict:
    """Who asks for the pairing pages: the staff user, and volunteers who help a few households.

    Runs inside seed_and_plan's app context. The board is computed once here with the app's own
    query, so the page can be checked against it and its in-process cost shows next to the figures.
    """
    from sqlalchemy import func, select

    from shequ_volunteer.accounts.models import User
    from shequ_volunteer.extensions import db
    from shequ_volunteer.pairing import queries
    from shequ_volunteer.pairing.access import helpers_households
    from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper
    from shequ_volunteer.timeutil import to_local

    rng = random.Random(settings.seed + 2)  # its own stream: the residents chosen above stay the same
    today = to_local(now).date()
    community_id = db.session.scalar(select(User.community_id).where(User.phone == staff_phone))
    started = time.perf_counter()
    board = queries.board(queries.community_scope(community_id), now)
    board_ms = 1000 * (time.perf_counter() - started)

    few = (2, 4)  # "a volunteer who helps a few households"
    active = ((Pairing.starts_on <= today) & (Pairing.ends_on.is_(None) | (Pairing.ends_on >= today))
              & (PairingHelper.starts_on <= today)
              & (PairingHelper.ends_on.is_(None) | (PairingHelper.ends_on >= today)))
    candidates = list(db.session.execute(
        select(User.id, User.phone, User.name).join(PairingHelper, PairingHelper.user_id == User.id)
        .join(Pairing, Pairing.id == PairingHelper.pairing_id).join(Household, Household.id == Pairing.household_id)
        .where(Household.community_id == community_id, active)
        .group_by(User.id, User.phone, User.name).having(func.count().between(*few)).order_by(User.id)
    ))
    if len(candidates) < settings.helpers_logged_in:
        raise SystemExit(f"only {len(candidates)} volunteers help {few[0]}–{few[1]} households; "
                         f"need {settings.helpers_logged_in}")
    helpers = []
    for person in rng.sample(candidates, settings.helpers_logged_in):
        names = [household.head_name for household, _pairing in helpers_households(person.id, today)]
        helpers.append({"user_id": person.id, "phone": person.phone, "head_names": names})

    # What staff filter by on the board: a grid, a grid's overdue list, a tier, a building, one helper's name typed.
    queries_sent = []
    for _ in range(24):
        grid, tier = rng.choice(board.grids), rng.choice(["high", "key", "general"])
        helper_name = rng.choice(candidates).name
        queries_sent.append(rng.choice([
            {"grid": grid}, {"grid": grid, "show": "overdue"}, {"tier": tier, "show": "due"},
            {"grid": grid, "building": rng.choice(board.buildings)}, {"helper_name": helper_name},
        ]))
    return {"board_rows": board.total, "board_counts": board.counts, "board_ms": board_ms,
            "helpers": helpers, "helper_households": sorted({len(h["head_names"]) for h in helpers}),
            "board_queries": [urlencode(q) for q in queries_sent]}


def count_rows(db_url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    from shequ_volunteer.config import normalise_database_url

    engine = create_engine(normalise_database_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.scalar(text(f"SELECT count(*) FROM {table}"))
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> float:
    """CPU seconds the whole machine has spent not idle."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far."""
        return sum(process_cpu(pid) for pid in [self.process.pid, *self.worker_pids()])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(name: str, app_module: str, cwd: Path, settings: Settings, env: dict) -> Server:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(settings.workers), "--worker-class", "gthread",
        "--threads", str(settings.threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "--timeout", "60", "--keep-alive", "5", app_module,
    ]
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env})
    server = Server(name, port, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name}: gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                conn.close()
                # Every worker imports the app before serving; wait until all are up.
                if len(server.worker_pids()) >= settings.workers:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name}: gunicorn did not start within 30 s")


# --------------------------------------------------------------------------- HTTP client

class Connection:
    """The client side of one simulated browser tab.

    By default every request opens a new TCP connection and asks the server to close it
    (Connection: close), like nginx's default proxy_pass (HTTP/1.0 to the upstream).
    With keep-alive, each of the 8 client connections stays on whichever gunicorn worker
    accepted it, and an uneven split (say 6 + 2) leaves one worker's core idle: results then
    swing by 2x between runs. --keep-alive turns persistent connections back on.
    The latency measured includes the connect (loopback, tens of microseconds).
    """

    keep_alive = False

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if not self.keep_alive:
            headers["Connection"] = "close"
        for attempt in (1, 2):
            started = time.perf_counter()
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
            except (http.client.RemoteDisconnected, http.client.CannotSendRequest,
                    BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2 or not self.keep_alive:
                    raise  # a fresh connection failing is a real error, not an idle keep-alive
                self.reconnects += 1
                continue
            if response.will_close:
                self.close()
            return response, data, elapsed
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Resident:
    """A logged-in browser: cookies, a CSRF token, and activities still to sign up for.

    Staff and helpers (kind "staff" / "helper") are logged in the same way; they only read pages.
    """

    phone: str
    targets: list[int]
    cookies: dict = field(default_factory=dict)
    csrf: str = ""
    kind: str = "resident"
    head_names: list[str] = field(default_factory=list)  # helper: the households "我的结对" must list
    writes: list[int] = field(default_factory=list)  # activities to sign up for and withdraw from in turn
    write_turn: int = 0  # even: sign up for writes[turn // 2 % len], odd: withdraw from it
    writes_one_day: list[int] = field(default_factory=list)  # the same on the one busiest day
    one_day_turn: int = 0

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def remember(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


ANONYMOUS_HEADERS = {"User-Agent": USER_AGENT}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# --------------------------------------------------------------------------- load phases

@dataclass
class Sample:
    seconds: float
    status: int | str
    size: int


@dataclass
class Endpoint:
    """One measured endpoint: `make(thread, n, conn)` sends a request and returns a Sample
    (or None when the thread has nothing left to send)."""

    name: str
    server: str
    expected: int
    make: callable
    duration_bound: bool = True  # False: each thread runs until make() returns None
    new_rows: list[int] = field(default_factory=list)  # sign-up rows its requests created, per client thread


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = (len(sorted_values) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def run_phase(endpoint: Endpoint, servers: list[Server], database: "Database", settings: Settings,
              duration: float) -> dict:
    """Run `endpoint` with settings.concurrency threads spread evenly over `servers` (client thread t asks
    servers[t % len]); return its statistics, CPU summed over the servers."""
    samples: list[list[Sample]] = [[] for _ in range(settings.concurrency)]
    errors: list[list[str]] = [[] for _ in range(settings.concurrency)]
    reconnects = [0] * settings.concurrency
    barrier = threading.Barrier(settings.concurrency + 1)
    stop_at = [0.0]
    finished_at = [0.0] * settings.concurrency

    def worker(thread: int) -> None:
        conn = Connection(servers[thread % len(servers)].port)
        barrier.wait()
        n = 0
        while not endpoint.duration_bound or time.perf_counter() < stop_at[0]:
            try:
                sample = endpoint.make(thread, n, conn)
            except Exception as error:  # noqa: BLE001 - counted and reported
                sample = Sample(0.0, f"ERR {type(error).__name__}", 0)
                errors[thread].append(repr(error))
                conn.close()
            if sample is None:
                break
            samples[thread].append(sample)
            n += 1
        finished_at[thread] = time.perf_counter()
        reconnects[thread] = conn.reconnects
        conn.close()

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(settings.concurrency)]
    for thread in threads:
        thread.start()
    server_cpu_before = sum(server.cpu_seconds() for server in servers)
    client_cpu_before = time.process_time()
    db_cpu_before = database.backend_cpu()
    machine_before = machine_busy()
    with database.waits_sampled() as waits:
        started = time.perf_counter()
        stop_at[0] = started + duration
        barrier.wait()
        for thread in threads:
            thread.join()
    wall = max(finished_at) - started
    machine = machine_busy() - machine_before
    server_cpu = sum(server.cpu_seconds() for server in servers) - server_cpu_before
    client_cpu = time.process_time() - client_cpu_before
    db_cpu_after = database.backend_cpu()
    # Backends that appeared during the phase started from zero.
    db_cpu = sum(cpu - db_cpu_before.get(pid, 0.0) for pid, cpu in db_cpu_after.items())
    other_cpu = max(machine - server_cpu - client_cpu - db_cpu, 0.0)

    flat = [s for per_thread in samples for s in per_thread]
    ok = [s for s in flat if s.status == endpoint.expected]
    latencies = sorted(s.seconds * 1000 for s in flat if isinstance(s.status, int))
    statuses = Counter(str(s.status) for s in flat)
    return {
        "endpoint": endpoint.name,
        "servers": len(servers),
        "expected_status": endpoint.expected,
        "requests": len(flat),
        "ok": len(ok),
        "statuses": dict(sorted(statuses.items())),
        "wall_seconds": round(wall, 3),
        "rps": len(flat) / wall if wall > 0 else 0.0,
        "ok_rps": len(ok) / wall if wall > 0 else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1] if latencies else float("nan"),
        "mean_bytes": sum(s.size for s in flat) / len(flat) if flat else 0,
        "server_cpu_ms_per_req": 1000 * server_cpu / len(flat) if flat else float("nan"),
        "server_cpu_cores": server_cpu / wall if wall > 0 else 0.0,
        "db_cpu_ms_per_req": 1000 * db_cpu / len(flat) if flat and database.kind == "postgresql" else None,
        "db_cpu_cores": db_cpu / wall if wall > 0 else 0.0,
        "client_cpu_cores": client_cpu / wall if wall > 0 else 0.0,
        # Everything else the machine did meanwhile (other programs, kernel, idle servers):
        # if this is high the run was disturbed and its numbers are not comparable.
        "other_cpu_cores": other_cpu / wall if wall > 0 else 0.0,
        "reconnects": sum(reconnects),
        # PostgreSQL: share of the active backends seen waiting for a lock held by another transaction.
        "db_lock_wait_share": waits["lock"] / waits["active"] if waits["active"] else None,
        "db_lock_waits": {k: v for k, v in waits.items() if k.startswith("lock:")},
        "db_waiting_statements": dict(Counter({k[10:]: v for k, v in waits.items()
                                               if k.startswith("waits on: ")}).most_common(3)),
        "errors_sample": [e for per_thread in errors for e in per_thread][:5],
    }


def build_endpoints(work: Workload, people: list[Resident], settings: Settings) -> list[Endpoint]:
    """The measured endpoints, in the order they run (all of them unless --only names some)."""
    rng_lock = threading.Lock()
    rng = random.Random(settings.seed + 1)
    residents = [p for p in people if p.kind == "resident"]
    mine = [residents[t::settings.concurrency] for t in range(settings.concurrency)]
    # One staff session per client thread (same account): threads never share a cookie jar.
    staff = [p for p in people if p.kind == "staff"]
    helpers = [p for p in people if p.kind == "helper"]
    my_helpers = [helpers[t::settings.concurrency] or helpers for t in range(settings.concurrency)]

    def pick(values):
        with rng_lock:
            return rng.choice(values)

    def get(path: str, headers: dict, conn: Connection, resident: Resident | None = None) -> Sample:
        response, data, elapsed = conn.request("GET", path, headers=headers)
        if resident is not None:
            resident.remember(response)
        return Sample(elapsed, response.status, len(data))

    def hello(thread, n, conn):
        return get("/", ANONYMOUS_HEADERS, conn)

    def list_anonymous(thread, n, conn):
        return get("/", ANONYMOUS_HEADERS, conn)

    def list_resident(thread, n, conn):
        resident = mine[thread][n % len(mine[thread])]
        return get("/", resident.headers(), conn, resident)

    def detail_anonymous(thread, n, conn):
        return get(f"/activities/{pick(work.activity_ids)}", ANONYMOUS_HEADERS, conn)

    def detail_resident(thread, n, conn):
        resident = mine[thread][n % len(mine[thread])]
        return get(f"/activities/{pick(work.activity_ids)}", resident.headers(), conn, resident)

    def signup(thread, n, conn):
        own = mine[thread]
        for offset in range(len(own)):
            resident = own[(n + offset) % len(own)]
            if resident.targets:
                break
        else:
            return None  # every resident of this thread has signed up for all their targets
        activity_id = resident.targets.pop()
        body = urlencode({"csrf_token": resident.csrf}).encode()
        response, data, elapsed = conn.request(
            "POST", f"/activities/{activity_id}/signup", body=body, headers=resident.headers(FORM))
        # The 303 only adds the "报名成功" flash to the session cookie; a browser would show it on
        # the next page. Not keeping it stops the cookie from growing with every sign-up.
        return Sample(elapsed, response.status, len(data))

    def sign_up_or_withdraw(writes: str, turn: str):
        """The writes endpoint over the residents' activities named `writes`, their turns counted in `turn`; and
        the sign-up rows it creates, per client thread."""
        created = [0] * settings.concurrency

        def send(thread, n, conn):
            # The thread's residents take turns (each a different person, so no two clients share a row); each
            # signs up for one of its activities, then withdraws from it (confirmed, as after the 确定取消报名
            # button), then the next one. The first round inserts rows, later ones move them back from
            # withdrawn: both paths a resident takes.
            resident = mine[thread][n % len(mine[thread])]
            activities, done = getattr(resident, writes), getattr(resident, turn)
            if not activities:
                return None
            activity_id = activities[done // 2 % len(activities)]
            withdrawing = done % 2 == 1
            fields = {"csrf_token": resident.csrf, **({"confirmed": "1"} if withdrawing else {})}
            response, data, elapsed = conn.request(
                "POST", f"/activities/{activity_id}/{'withdraw' if withdrawing else 'signup'}",
                body=urlencode(fields).encode(), headers=resident.headers(FORM))
            if response.status == 303:  # a refused write is counted as such and asked again next turn
                if not withdrawing and done < 2 * len(activities):
                    created[thread] += 1
                setattr(resident, turn, done + 1)
            return Sample(elapsed, response.status, len(data))

        return send, created

    own_days, own_day_rows = sign_up_or_withdraw("writes", "write_turn")
    one_day, one_day_rows = sign_up_or_withdraw("writes_one_day", "one_day_turn")

    def team_feed(thread, n, conn):
        return get(f"/calendar/teams/{pick(work.team_ids)}.ics", ANONYMOUS_HEADERS, conn)

    def board(thread, n, conn):
        return get("/board", staff[thread].headers(), conn, staff[thread])

    def board_filtered(thread, n, conn):
        return get(f"/board?{pick(work.board_queries)}", staff[thread].headers(), conn, staff[thread])

    def my_pairings(thread, n, conn):
        helper = my_helpers[thread][n % len(my_helpers[thread])]
        return get("/me/pairings", helper.headers(), conn, helper)

    this_year = datetime.now().year

    def statistics_year(thread, n, conn):
        # A whole year of the large community, with last year beside it: every figure, per team, charts.
        return get(f"/reports?kind=year&value={this_year}", staff[thread].headers(), conn, staff[thread])

    endpoints = [
        Endpoint("hello (baseline)", "hello", 200, hello),
        Endpoint("GET / anonymous", "app", 200, list_anonymous),
        Endpoint("GET / resident", "app", 200, list_resident),
        Endpoint("GET /activities/<id> anon", "app", 200, detail_anonymous),
        Endpoint("GET /activities/<id> resident", "app", 200, detail_resident),
        Endpoint("POST /activities/<id>/signup", "app", 303, signup),
        Endpoint("POST sign-up ⇄ withdraw (writes)", "app", 303, own_days, new_rows=own_day_rows),
        Endpoint("POST sign-up ⇄ withdraw, one day (writes)", "app", 303, one_day, new_rows=one_day_rows),
        Endpoint("GET /calendar/teams/<id>.ics", "app", 200, team_feed),
        Endpoint("GET /board staff", "app", 200, board),
        Endpoint("GET /board?<filter> staff", "app", 200, board_filtered),
        Endpoint("GET /me/pairings helper", "app", 200, my_pairings),
        Endpoint("GET /reports?kind=year staff", "app", 200, statistics_year),
        Endpoint("hello (again, drift check)", "hello", 200, hello),
    ]
    if settings.only:
        endpoints = [e for e in endpoints if e.server == "hello" or any(part in e.name for part in settings.only)]
    return endpoints


def check_pairing_pages(work: Workload, people: list[Resident], server: Server) -> None:
    """Ask each pairing page once before measuring: anything but 200 stops the run.

    A 404 (route not there yet), a redirect to /login or a 500 would otherwise be measured and
    printed as a figure. Page content is checked against the seeded data only as a warning: the
    markup is not the bench's business, but a board without its counts is not the board.
    """
    staff = next(p for p in people if p.kind == "staff")
    helpers = [p for p in people if p.kind == "helper"]
    conn = Connection(server.port)
    problems, warnings = [], []
    checks = [("/board", staff, None), (f"/board?{work.board_queries[0]}", staff, None)]
    checks += [("/me/pairings", helper, helper.head_names) for helper in helpers]
    for path, person, names in checks:
        response, data, _ = conn.request("GET", path, headers=person.headers())
        person.remember(response)
        if response.status != 200:
            location = response.getheader("Location")
            problems.append(f"GET {path} as {person.kind} {person.phone} answered {response.status}"
                            + (f" → {location}" if location else ""))
            continue
        html = data.decode("utf-8", "replace")
        if path == "/board":
            missing = [f"{key} {count}" for key, count in work.board_counts.items() if str(count) not in html]
            if missing:
                warnings.append(f"GET /board: counts not found in the page: {', '.join(missing)}")
        if names:
            absent = [name for name in names if name not in html]
            if absent:
                warnings.append(f"GET /me/pairings as {person.phone}: households not listed: {'、'.join(absent)}")
    conn.close()
    for warning in warnings[:5]:
        print(f"WARNING: {warning}")
    if problems:
        raise SystemExit("pairing pages are not ready, nothing measured:\n  " + "\n  ".join(problems[:5]))


def log_in_everyone(work: Workload, servers: list[Server], database: Database,
                    settings: Settings) -> tuple[list[Resident], dict]:
    """Log residents in through the real /login form, concurrently; the POSTs are measured too.

    Each resident: GET /login (CSRF token), POST /login, then GET an activity page and keep
    the csrf_token of its sign-up form for the sign-up POSTs. The staff user (once per client
    thread) and the helpers only log in. The clients spread over `servers` (they share SECRET_KEY and
    the database, so a log-in on one is good on all).
    """
    from shequ_volunteer.demo.seed import DEMO_PASSWORD

    residents = [Resident(r["phone"], list(r["targets"]), writes=list(r["writes"]),
                          writes_one_day=list(r["writes_one_day"])) for r in work.residents]
    residents += [Resident(work.staff_phone, [], kind="staff") for _ in range(settings.concurrency)]
    residents += [Resident(h["phone"], [], kind="helper", head_names=h["head_names"]) for h in work.helpers]
    queues = [residents[t::settings.concurrency] for t in range(settings.concurrency)]

    def login(thread, n, conn):
        if n >= len(queues[thread]):
            return None
        resident = queues[thread][n]
        response, data, _ = conn.request("GET", "/login", headers=resident.headers())
        resident.remember(response)
        token = CSRF_RE.search(data.decode()).group(1)
        body = urlencode({"csrf_token": token, "phone": resident.phone, "password": DEMO_PASSWORD,
                          "remember": "y"}).encode()
        response, data, elapsed = conn.request("POST", "/login", body=body, headers=resident.headers(FORM))
        resident.remember(response)
        if response.status == 303 and resident.kind == "resident":
            target = resident.targets[-1] if resident.targets else work.activity_ids[0]
            page, html, _ = conn.request("GET", f"/activities/{target}", headers=resident.headers())
            resident.remember(page)
            match = CSRF_RE.search(html.decode())
            resident.csrf = match.group(1) if match else ""
        return Sample(elapsed, response.status, len(data))

    # Timed: the POST only. Its "app CPU" also covers the two GETs around it (login form, activity page).
    endpoint = Endpoint("POST /login (argon2)", "app", 303, login, duration_bound=False)
    result = run_phase(endpoint, servers, database, settings, 0)
    ready = [r for r in residents if (r.csrf or r.kind != "resident") and "remember_token" in r.cookies]
    if len(ready) != len(residents):
        raise SystemExit(f"only {len(ready)} of {len(residents)} people logged in: {result['statuses']}")
    return residents, result


# --------------------------------------------------------------------------- report

def fmt_ms(value, width: int = 8) -> str:
    if value is None or value != value:
        return f"{'n/a':>{width}}"
    return f"{value:{width}.1f}"


def print_table(results: list[dict], hello_rps: float, db_kind: str) -> None:
    print()
    print("x slower than hello = hello req/s ÷ endpoint req/s, both measured in this run (1.0 = as fast as hello).")
    print("app CPU = CPU ms per request of the gunicorn processes (with SQLite this includes the database);")
    print("db CPU = CPU ms per request of the PostgreSQL backends serving the benchmark database.")
    print("CPU x hello = (app + db CPU per request) ÷ hello's; unlike req/s it hardly moves when other")
    print("programs share the machine.")
    header = (f"{'endpoint':<36} {'requests':>8} {'ok':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'app CPU':>8} {'db CPU':>7} {'KB':>6}  {'x slower than hello':>19}"
              f" {'CPU x hello':>11}")
    print(header)
    print("-" * len(header))
    hello_cost = results[0]["server_cpu_ms_per_req"]
    for r in results:
        slower = hello_rps / r["rps"] if r["rps"] else float("inf")
        cost = r["server_cpu_ms_per_req"] + (r["db_cpu_ms_per_req"] or 0.0)
        r["cpu_x_hello"] = cost / hello_cost if hello_cost else None
        print(f"{r['endpoint']:<36} {r['requests']:>8} {r['ok']:>7} {r['rps']:>8.1f} {fmt_ms(r['p50_ms'])} "
              f"{fmt_ms(r['p95_ms'])} {fmt_ms(r['p99_ms'])} {fmt_ms(r['server_cpu_ms_per_req'])} "
              f"{fmt_ms(r['db_cpu_ms_per_req'], 7)} {r['mean_bytes'] / 1024:>6.1f}  {slower:>18.1f}x"
              f" {r['cpu_x_hello'] or 0:>10.1f}x")
    print()
    disturbed = []
    for r in results:
        extra = f"  reconnects {r['reconnects']}" if r["reconnects"] else ""
        if "new_rows" in r:
            extra += f"  new sign-up rows {r['new_rows']} (the other 303s moved existing rows)"
        if r.get("db_lock_wait_share") is not None:
            extra += f"  backends waiting on a lock {r['db_lock_wait_share']:.0%} {r['db_lock_waits'] or ''}"
            for statement, seen in r["db_waiting_statements"].items():
                extra += f"\n      waiting ×{seen}: {statement}"
        print(f"  {r['endpoint']:<36} status {r['statuses']} (success = {r['expected_status']});"
              f" CPU cores: app {r['server_cpu_cores']:.2f}, db {r['db_cpu_cores']:.2f},"
              f" client {r['client_cpu_cores']:.2f}, other {r['other_cpu_cores']:.2f}{extra}")
        for error in r["errors_sample"]:
            print(f"      e.g. {error}")
        if r["other_cpu_cores"] > 0.25:
            disturbed.append(r["endpoint"])
    if disturbed:
        print(f"\nWARNING: other programs used > 0.25 of a core during: {', '.join(disturbed)}. "
              "Those rows are not comparable; rerun on a quiet machine.")


def print_scale_out(results: list[dict], settings: Settings) -> None:
    """With several --app-servers: each endpoint with N servers against the first number (1 in `1,2`)."""
    if len(settings.app_servers) < 2:
        return
    base = settings.app_servers[0]
    rows = {(r["endpoint"].rsplit(" ×", 1)[0], r.get("servers")): r for r in results if " ×" in r["endpoint"]}
    print(f"\nScale-out: the same endpoint with N app servers on one database against {base}; the clients "
          f"({settings.concurrency}) spread evenly. On {os.cpu_count()} cores more servers add no CPU: what to see is "
          "that nothing serialises (req/s does not drop).")
    for (name, count), row in rows.items():
        if count == base:
            continue
        one = rows.get((name, base))
        if one is None or not one["rps"]:
            continue
        print(f"  {name:<36} {count} server{'s' if count > 1 else ''} vs {base}: "
              f"req/s {one['rps']:.1f} → {row['rps']:.1f} "
              f"(×{row['rps'] / one['rps']:.2f}), p95 {one['p95_ms']:.0f} → {row['p95_ms']:.0f} ms, "
              f"p99 {one['p99_ms']:.0f} → {row['p99_ms']:.0f} ms, app + db CPU per request "
              f"{one['server_cpu_ms_per_req'] + (one['db_cpu_ms_per_req'] or 0):.1f} → "
              f"{row['server_cpu_ms_per_req'] + (row['db_cpu_ms_per_req'] or 0):.1f} ms"
              + (f", backends waiting on a lock {one['db_lock_wait_share']:.0%} → {row['db_lock_wait_share']:.0%}"
                 if one.get("db_lock_wait_share") is not None and row.get("db_lock_wait_share") is not None
                 else ""))


def main(argv=None) -> int:
    settings = Settings.from_args(argv)
    if settings.growth:
        import growth

        return growth.main(settings, list(settings.history_days), settings.fresh)
    Connection.keep_alive = settings.keep_alive
    os.environ.pop("SHEQU_ENV", None)  # development config: plain-http cookies on 127.0.0.1
    load_at_start = os.getloadavg()
    busy_before = machine_busy()
    time.sleep(2)
    busy_at_start = (machine_busy() - busy_before) / 2
    total_started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="shequ-bench-"))
    # config.py reads SHEQU_INSTANCE_DIR at import time: set it before importing the app.
    os.environ["SHEQU_INSTANCE_DIR"] = str(tmp / "instance")
    servers: list[Server] = []
    database = None
    try:
        print(f"== shequ_volunteer benchmark: {settings.db}{' (quick)' if settings.quick else ''}, "
              f"{os.cpu_count()} CPUs, concurrency {settings.concurrency}, {settings.duration:g} s per endpoint "
              f"(+{settings.warmup:g} s warm-up), gunicorn {settings.workers} workers × gthread "
              f"{settings.threads} threads for both apps, "
              f"{'keep-alive' if settings.keep_alive else 'one connection per request'}")
        print(f"CPU busy before the start: {busy_at_start:.2f} cores"
              + ("  WARNING: something else is running, numbers will be noisy" if busy_at_start > 0.25 else ""))
        if settings.db == "sqlite" and max(settings.app_servers) > 1:
            print("WARNING: several app servers on one SQLite file are only more processes on this machine's "
                  "one file (the write lock is the file's): a figure of scale-out needs --db postgresql.")
        if settings.concurrency % max(settings.app_servers):
            print(f"WARNING: {settings.concurrency} clients do not spread evenly over {max(settings.app_servers)} "
                  "app servers.")
        database = Database(settings.db, tmp)
        print(f"database: {database.url if settings.db == 'postgresql' else database.name}")
        work = seed_and_plan(settings, database.url)

        # Every app server is the same gunicorn command with the same environment (one database, one
        # SECRET_KEY, so a session cookie from one is good on all), each on its own port.
        # The staff user logs in once per client thread, all at the same moment: each attempt counts
        # against the phone's limit until its password check ends (accounts.services.reserve), so more
        # than the limit at once would be refused with 429. The limit is not what is measured here.
        env = {"DATABASE_URL": database.url, "SECRET_KEY": secrets.token_hex(32),
               "SHEQU_INSTANCE_DIR": str(tmp / "instance"),
               "LOGIN_MAX_FAILURES_PER_PHONE": str(max(5, settings.concurrency))}
        hello_server = start_server("hello", "hello_app:app", BENCH_DIR, settings, {})
        servers.append(hello_server)
        apps = [start_server(f"app{i + 1}", "wsgi:app", ROOT, settings, env) for i in range(max(settings.app_servers))]
        servers.extend(apps)
        print(f"servers: hello on :{hello_server.port}, site on " + ", ".join(f":{s.port}" for s in apps))

        people, login_result = log_in_everyone(work, apps, database, settings)
        kinds = Counter(p.kind for p in people)
        print(f"logged in {kinds['resident']} residents, the staff user ×{kinds['staff']} and {kinds['helper']} "
              f"helpers through /login ({login_result['rps']:.1f} logins/s, p50 {login_result['p50_ms']:.0f} ms)")
        endpoints = build_endpoints(work, people, settings)
        if any("board" in e.name or "pairings" in e.name for e in endpoints):
            for app_server in apps:
                check_pairing_pages(work, people, app_server)

        results = []
        signups_posted = 0
        labelled = settings.app_servers != (1,)
        for endpoint in endpoints:
            # Each number of app servers in turn, endpoint by endpoint: whatever else the machine does
            # falls on both alike. The servers not in a turn stay up, idle (no client asks them).
            for count in ((1,) if endpoint.server == "hello" else settings.app_servers):
                chosen = [hello_server] if endpoint.server == "hello" else apps[:count]
                warmup = run_phase(endpoint, chosen, database, settings, settings.warmup)  # discarded
                inserted = sum(endpoint.new_rows)
                result = run_phase(endpoint, chosen, database, settings, settings.duration)
                if endpoint.new_rows:
                    result["new_rows"] = sum(endpoint.new_rows) - inserted
                if labelled and endpoint.server != "hello":
                    result["endpoint"] = f"{endpoint.name} ×{count}"
                if "signup" in endpoint.name:
                    signups_posted += warmup["ok"] + result["ok"]
                results.append(result)
                print(f"  {result['endpoint']:<36} {result['requests']:>7} requests {result['rps']:>8.1f} req/s  "
                      f"p50 {result['p50_ms']:.1f} ms  statuses {result['statuses']}", flush=True)
        results.append(login_result)

        signups_now = count_rows(database.url, "signups")
        write_rows = sum(sum(e.new_rows) for e in endpoints)
        print(f"sign-up rows: {work.counts['signups']:,} → {signups_now:,} "
              f"(+{signups_now - work.counts['signups']:,}; sign-up POSTs answered 303 incl. warm-up: "
              f"{signups_posted:,}" + (f", first sign-ups of the writes: {write_rows:,}" if write_rows else "") + ")")
        if signups_now - work.counts["signups"] != signups_posted + write_rows:
            print("WARNING: the new sign-up rows are not the sign-ups answered 303.")
        hello_rps = results[0]["rps"]
        print_table(results, hello_rps, settings.db)
        print_scale_out(results, settings)
        # A row with other answers than the expected one is not a figure of that page: say so and fail.
        failed = [r for r in results if r["ok"] != r["requests"]]
        for r in failed:
            print(f"ERROR: {r['endpoint']}: {r['requests'] - r['ok']} of {r['requests']} answers were not "
                  f"{r['expected_status']}: {r['statuses']}")
        drift = results[-2]["rps"] / hello_rps - 1 if hello_rps else 0.0
        if abs(drift) > 0.15:
            print(f"WARNING: hello changed by {drift:+.0%} between the start and the end of the run.")
        for r in results:
            r["x_slower_than_hello"] = hello_rps / r["rps"] if r["rps"] else None

        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        out = RESULTS_DIR / f"{stamp}-{settings.db}.json"
        out.write_text(json.dumps({
            "when": datetime.now().isoformat(timespec="seconds"),
            "db": settings.db,
            "settings": settings.__dict__,
            "seed_sizes": sizes_for(settings.history_days[0]),
            "rows": work.counts,
            "seed_seconds": round(work.seed_seconds, 2),
            "signup_target_activities": work.eligible_activities,
            "signup_rows_after": signups_now,
            "signup_posts_303_incl_warmup": signups_posted,
            "board_counts": work.board_counts,
            "helpers_households": [len(h["head_names"]) for h in work.helpers],
            "failed_endpoints": [r["endpoint"] for r in failed],
            "ratio_definition": "x_slower_than_hello = hello req/s / endpoint req/s (same run)",
            "results": results,
            "hello_drift": round(drift, 3),
            "loadavg_start": load_at_start,
            "cpu_busy_cores_before_start": round(busy_at_start, 2),
            "loadavg_end": os.getloadavg(),
            "python": sys.version.split()[0],
            "total_seconds": round(time.perf_counter() - total_started, 1),
        }, ensure_ascii=False, indent=2, default=str))
        print(f"\nresults written to {out.relative_to(ROOT)}; whole run {time.perf_counter() - total_started:.0f} s")
        return 1 if failed else 0
    finally:
        for server in servers:
            server.stop()
        if database is not None:
            try:
                database.drop()
            except Exception as error:  # noqa: BLE001 - report, keep cleaning up
                print(f"could not drop {database.name}: {error}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
