"""`flask import KIND FILE --community ID [--dry-run]` on real files (written by tests.support.messy_files): what it
prints, what it writes, its last line, and its exit status when the file itself is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.audit.models import LIST_IMPORTED, AuditEntry
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, HouseholdAccess, Pairing
from tests import factories as f
from tests.support import messy_files as messy


def run(runner, *args):
    result = runner.invoke(args=["import", *map(str, args)])
    db.session.rollback()  # see what the command committed
    return result


def residents_of(community) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.community_id == community.id))


def test_a_messy_roster_is_previewed_then_imported_once(app, runner, tmp_path):
    home = f.community("幸福社区")
    roster = messy.resident_roster(tmp_path / "花名册.xlsx", messy.people(30))
    preview = run(runner, "residents", roster, "--community", home.id, "--dry-run")
    assert preview.exit_code == 0, preview.output
    lines = preview.output.splitlines()
    assert lines[:4] == ["工作表：花名册，表头在第3行", "隐藏的工作表没有读：旧名单",
                         "对应的列：姓名 → 姓名；联系电话 → 手机号；网格 → 网格；小区 → 小区；楼栋 → 楼栋；室 → 室；"
                         "出生年份 → 出生年份",
                         "不导入的列：序号、备注"]
    assert lines[-1] == "created=30 updated=0 skipped=1 problems=0"
    assert residents_of(home) == 0
    assert run(runner, "residents", roster, "--community", home.id).output.splitlines()[-1] == (
        "created=30 updated=0 skipped=1 problems=0")
    person = db.session.scalar(select(User).where(User.phone == messy.people(1)[0].phone))
    expected = messy.people(1)[0]
    assert (person.name, person.grid, person.estate, person.building, person.room, person.birth_year) == (
        expected.name, expected.grid, expected.estate, "1", expected.room, expected.birth_year)
    assert run(runner, "residents", roster, "--community", home.id).output.splitlines()[-1] == (
        "created=0 updated=0 skipped=31 problems=0")
    assert residents_of(home) == 30
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == LIST_IMPORTED)).all()
    assert [(entry.actor_id, entry.summary) for entry in entries] == [
        (None, "居民/志愿者《花名册.xlsx》：新建30，更新0，跳过1行，问题0行"),
        (None, "居民/志愿者《花名册.xlsx》：新建0，更新0，跳过31行，问题0行")]


def test_a_gbk_csv_of_households_prints_its_problems_and_imports_the_rest(app, runner, tmp_path):
    home = f.community("幸福社区")
    helper = f.user(home, "志愿者甲")
    ledger = messy.write_csv(tmp_path / "帮扶对象台账.csv", [
        ["帮扶对象台账"],
        ["户主姓名", "小区", "楼栋", "室", "类别", "关注等级", "结对志愿者手机号"],
        ["李桂兰", "幸福小区", "3号楼", "202", "独居", "高风险户", helper.phone],
        ["孙秀兰", "幸福小区", "3号楼", "203", "低保", "看情况", ""],
        ["钱奶奶", "幸福小区", "4号楼", "101", "", "一般户", "13800009999"],
    ], encoding="gbk")
    result = run(runner, "households", ledger, "--community", home.id)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "第4行 关注等级：关注等级看不懂（请填高风险、重点或一般）" in lines
    assert "第5行 结对志愿者手机号：没有找到本社区手机号为13800009999的居民" in lines
    assert lines[-1] == "created=1 updated=0 skipped=0 problems=2"
    [household] = db.session.scalars(select(Household)).all()
    assert (household.head_name, household.tier, household.categories) == ("李桂兰", "high", "empty_nest")
    assert db.session.scalar(select(Pairing.created_by_id)) is None  # made on the command line
    assert db.session.execute(select(HouseholdAccess.user_id, HouseholdAccess.action)).all() == [(None, "import")]


@pytest.mark.parametrize("make, kind, message", [
    (lambda path: messy.picture(path / "名单.xlsx"), "residents", "不能导入："),  # the reader's refusal
    (lambda path: messy.resident_roster(path / "花名册.xlsx", messy.people(3)), "members",
     "不能导入：这个文件看起来是居民/志愿者名单，不是队伍成员名单"),
    (lambda path: messy.write_csv(path / "名单.csv", [["序号", "备注"], ["1", "无"]]), "residents",
     "不能导入：找不到姓名、手机号这一列"),
])
def test_a_refused_file_exits_non_zero_with_the_reason_and_writes_nothing(app, runner, tmp_path, make, kind, message):
    home = f.community("幸福社区")
    result = run(runner, kind, make(tmp_path), "--community", home.id)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert residents_of(home) == 0


def test_an_unknown_community_is_a_usage_error(app, runner, tmp_path):
    result = run(runner, "residents", messy.resident_roster(tmp_path / "花名册.xlsx", messy.people(2)),
                 "--community", "999")
    assert result.exit_code == 2 and "没有编号为999的社区" in result.output
