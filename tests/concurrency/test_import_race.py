"""Two `flask import` processes bringing the same file in at the same moment (a double start, or two staff at
once): each person, membership, household and pairing exists once, and both processes end well — the second
finds everything the first wrote. Both are held at the door of the write (SQLite's write lock, PostgreSQL's
import lock of the community) until both are there, then let go together."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper
from shequ_volunteer.teams.models import MEMBER_APPROVED, Membership
from tests import factories as f
from tests.cli.test_run_jobs import PROJECT, has_open, wait_until

messy = pytest.importorskip("tests.support.messy_files")  # lands with imports/reading.py

pytestmark = pytest.mark.slow

ROWS = 40


def start_import(database_url: str, kind: str, path, community_id: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://")}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "import", kind, str(path), "--community",
                             str(community_id)], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@contextmanager
def held_at_the_write(database_url: str, db_kind: str, community_id: int):
    """Hold what an import's write needs — SQLite's write lock, or on PostgreSQL the community's import lock —
    while the racers start; the yielded function waits until both are blocked there. Leaving lets them go."""
    if db_kind == "postgresql":
        engine = create_engine(database_url)
        key = text("SELECT hashtextextended(:name, 0)").bindparams(name=f"import:{community_id}")
        with engine.connect() as holder, engine.connect() as probe:
            lock_key = holder.execute(key).scalar()
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key})
            waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            yield lambda racers: wait_until(lambda: probe.execute(waiting).scalar() == len(racers),
                                            "both imports to wait for the community's import lock")
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key})
            holder.commit()
        engine.dispose()
        return
    path = str(make_url(database_url).database)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    def waiting(racers):
        wait_until(lambda: all(has_open(racer, path) for racer in racers), "both imports to open the database")
        time.sleep(0.5)  # then each waits at BEGIN IMMEDIATE (5 s at most)

    yield waiting
    holder.execute("COMMIT")
    holder.close()


def files(tmp_path, team_name: str, helpers: list[str]) -> dict:
    return {
        "residents": messy.resident_roster(tmp_path / "花名册.xlsx", messy.people(ROWS)),
        "members": messy.write_csv(tmp_path / "队员.csv", [["队伍", "姓名", "手机号", "是否队长"]] + [
            [team_name, person.name, person.phone, "是" if number == 0 else "否"]
            for number, person in enumerate(messy.people(ROWS))]),
        "households": messy.write_csv(tmp_path / "台账.csv", [
            ["户主姓名", "小区", "楼栋", "室", "关注等级", "结对志愿者手机号"]] + [
            [f"户主{number}", "幸福小区", str(number % 5 + 1), str(number), "重点户", helpers[number % 2]]
            for number in range(ROWS)], encoding="utf-8-sig"),
    }


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("kind", ["residents", "members", "households"])
def test_two_imports_of_one_file_at_once_write_everything_once(app, database_url, db_kind, tmp_path, kind):
    home = f.community("幸福社区")
    team = f.team(home, "夕阳红志愿服务队")
    helpers = [f.user(home, "志愿者甲", phone="13500000001").phone, f.user(home, "志愿者乙", phone="13500000002").phone]
    path, home_id, team_id = files(tmp_path, team.name, helpers)[kind], home.id, team.id
    db.session.remove()
    with held_at_the_write(database_url, db_kind, home_id) as wait_until_both_wait:
        racers = [start_import(database_url, kind, path, home_id) for _ in range(2)]
        wait_until_both_wait(racers)
    lasts = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        lasts.append(out.splitlines()[-1])
    assert sorted(last.split()[0] for last in lasts) == ["created=0", f"created={ROWS}"], lasts

    phones = [person.phone for person in messy.people(ROWS)]
    if kind in ("residents", "members"):
        assert count(User, User.phone.in_(phones)) == ROWS
    if kind == "members":
        assert count(Membership, Membership.team_id == team_id, Membership.status == MEMBER_APPROVED) == ROWS
    if kind == "households":
        assert (count(Household), count(Pairing), count(PairingHelper)) == (ROWS, ROWS, ROWS)
