"""Two `flask import` processes bringing the same file in at the same moment (a double start, or two staff at
once): each person, membership, household and pairing exists once, and both processes end well — the second
finds everything the first wrote. Both are held at the door of the write (SQLite's write lock, PostgreSQL's
import lock of the community) until both are there, then let go together."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper
from shequ_volunteer.teams.models import MEMBER_APPROVED, Membership
from tests import factories as f
from tests.support import messy_files as messy
from tests.support.commands import held_at_the_write, start_command

pytestmark = pytest.mark.slow

ROWS = 40


def start_import(database_url: str, kind: str, path, community_id: int):
    return start_command(database_url, "import", kind, str(path), "--community", str(community_id))


def held_at_the_write_of(community_id: int, database_url: str, db_kind: str):
    """Hold what an import's write needs — SQLite's write lock, or on PostgreSQL the community's import lock (an
    advisory lock, `database.lock_names`) — while the racers start, until both wait there."""
    return held_at_the_write(
        database_url, db_kind, f"SELECT pg_advisory_xact_lock(hashtextextended('import:{community_id}', 0))",
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        "both imports to wait for the community's import lock", settle=0.5)


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
    helpers = [f.user(home, "志愿者甲", phone="13600000001").phone, f.user(home, "志愿者乙", phone="13600000002").phone]
    path, home_id, team_id = files(tmp_path, team.name, helpers)[kind], home.id, team.id
    db.session.remove()
    with held_at_the_write_of(home_id, database_url, db_kind) as wait_until_both_wait:
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
