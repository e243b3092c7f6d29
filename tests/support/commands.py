"""The app's `flask` commands run as a server runs them (a process of their own on the test database), and two of
them held at the door of their first write until both are there, then let go at once (the command races)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROJECT = Path(__file__).resolve().parents[2]


def start_command(database_url: str, *args: str) -> subprocess.Popen:
    """`flask --app wsgi ARGS…` in a process of its own on the database, its output kept."""
    env = {**os.environ, "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://")}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def has_open(process: subprocess.Popen, path: str) -> bool:
    fds = Path(f"/proc/{process.pid}/fd")
    try:
        return any(os.readlink(fd) == path for fd in fds.iterdir())
    except FileNotFoundError:  # the process ended, or closed a file while we looked
        return process.poll() is not None


@contextmanager
def held_at_the_write(database_url: str, db_kind: str, hold: str, waiting: str, what: str, settle: float = 1):
    """Hold what the racers' first write needs while they start: SQLite's write lock, or on PostgreSQL what the
    statement `hold` takes in a transaction (a table lock, an advisory transaction lock). The yielded function waits
    until every racer is blocked there (PostgreSQL: `waiting` counts them; SQLite: each has opened the file, then
    `settle` seconds for what they read first, never blocked under WAL). Leaving lets them go at once."""
    if db_kind == "postgresql":
        engine = create_engine(database_url)
        with engine.connect() as holder, engine.connect() as probe:
            holder.execute(text(hold))
            yield lambda racers: wait_until(lambda: probe.execute(text(waiting)).scalar() == len(racers), what)
            holder.commit()
        engine.dispose()
        return
    path = str(make_url(database_url).database)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    def blocked(racers):
        wait_until(lambda: all(has_open(racer, path) for racer in racers), "the processes to open the database")
        time.sleep(settle)  # then each waits at BEGIN IMMEDIATE (5 s at most)

    yield blocked
    holder.execute("COMMIT")
    holder.close()
