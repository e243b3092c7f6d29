"""Importing a community's lists (imports.services) on the real database: the preview writes nothing, the
confirmed import writes in batches, each rule of the three kinds, the same file twice, one audit row."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, func, select

from shequ_volunteer.accounts.actor import actor_for, command_line_actor
from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities.services import sign_up_on_behalf
from shequ_volunteer.audit.models import LEADER_APPOINTED, LIST_IMPORTED, AuditEntry
from shequ_volunteer.audit.queries import entries, scope_of
from shequ_volunteer.extensions import db
from shequ_volunteer.feed_versions.models import PERSONAL, FeedVersion
from shequ_volunteer.imports import services
from shequ_volunteer.pairing.models import Household, HouseholdAccess, Pairing, PairingHelper
from shequ_volunteer.pairing.queries import board_rows, community_scope
from shequ_volunteer.pairing.rules import VisitState
from shequ_volunteer.refusals import Refused
from shequ_volunteer.teams.models import MEMBER_APPROVED, MEMBER_PENDING, ROLE_LEADER, Membership
from shequ_volunteer.timeutil import local_today, utcnow
from tests import factories as f
from tests.support.import_tables import residents, table
from tests.web.helpers import db_state

RESIDENT_HEADERS = ["序号", "姓名", "手机号码", "楼号", "门牌号", "出生日期", "备注"]


@pytest.fixture
def w(app):
    home, elsewhere = f.community("幸福里社区"), f.community("光明社区")
    staff = f.staff(home, "王芳")
    known = f.user(home, "张老师", phone="13600000001")  # has her own login
    unopened = f.user(home, "孙阿姨", phone="13600000002")
    unopened.password_hash = ""  # registered on her behalf earlier
    stopped = f.user(home, "周停用", phone="13600000003")
    stopped.deactivated_at = utcnow()
    outsider = f.user(elsewhere, "外社区郑", phone="13600000004")
    db.session.commit()
    return SimpleNamespace(home=home, elsewhere=elsewhere, staff=staff, known=known, unopened=unopened,
                           stopped=stopped, outsider=outsider, actor=actor_for(staff),
                           team=f.team(home, "夕阳红志愿服务队"))


def preview(w, kind, a_table, mapping=None):
    return services.preview(w.home, kind, a_table, mapping, utcnow())


def confirm(w, kind, a_table, mapping=None, actor=None):
    summary = services.confirm(actor or w.actor, w.home, kind, a_table, mapping, utcnow(), "幸福里名单.xlsx")
    db.session.commit()
    return summary


def problems(found) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.message) for problem in found.problems]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def messy_residents():
    """A resident list as communities keep them: a title row above the header (so the header is row 2),
    phones as numbers, with dashes or +86, a blank line, duplicates, people already on the site, a footer."""
    return table(RESIDENT_HEADERS,
                 [1, "王秀英", 13800000001.0, "3号楼", "201室", "1950/3/5", ""],       # 3
                 [2, "李桂兰", "138-0000-0002", "3", "202", 18327, "行动不便"],         # 4
                 None,                                                                # 5: blank
                 [3, "赵大爷", "+86 138 0000 0003", "", "", "1948年", ""],             # 6
                 [4, "王秀英二", "13800000001", "4", "101", "", ""],                   # 7: same phone as row 3
                 [5, "钱多多", "1380000000", "", "", "", ""],                          # 8: 10 digits
                 [6, "", "13800000006", "", "", "", ""],                               # 9: no name
                 [7, "孙小红", "13800000007", "", "", "五十年代", ""],                  # 10: date not understood
                 [8, "张老师改名", "13600000001", "9", "901", "1960-01-01", ""],       # 11: known, own login
                 [9, "孙阿姨", "13600000002", "5", "", "", ""],                        # 12: known, adds building
                 [10, "周停用", "13600000003", "", "", "", ""],                        # 13: stopped
                 [11, "外社区郑", "13600000004", "", "", "", ""],                      # 14: other community
                 [12, None, None, None, None, None, None],                             # 15: a serial number only
                 ["合计", None, "12人", None, None, None, None],                      # 16: footer
                 ["制表人：王芳", None, None, None, None, None, None],                 # 17: footer
                 header_row=2)


def test_the_preview_says_what_would_happen_and_writes_nothing(w, statements):
    before = db_state()
    statements.clear()
    plan = preview(w, "residents", messy_residents())
    assert all(sql.lstrip().upper().startswith(("SELECT", "BEGIN")) for sql in statements), statements
    assert db_state() == before
    assert [(p.row, p.who) for p in plan.creates] == [(3, "王秀英"), (4, "李桂兰"), (6, "赵大爷")]
    assert [(c.field, c.new) for c in plan.creates[0].changes] == [
        ("姓名", "王秀英"), ("楼栋", "3"), ("室", "201"), ("出生年份", "1950")]
    assert [(u.row, [(c.field, c.old, c.new) for c in u.changes]) for u in plan.updates] == [
        (11, [("楼栋", "", "9"), ("室", "", "901"), ("出生年份", "", "1960")]),  # her own name stays hers
        (12, [("楼栋", "", "5")]),
    ]
    assert problems(plan) == [
        (7, "手机号码", "同一文件里重复（第3行已有）"),
        (8, "手机号码", "手机号不是11位"),
        (9, "姓名", "没有填姓名"),
        (10, "出生日期", "日期看不懂"),
        (13, "手机号码", "这个人的账号已停用，请先在居民页恢复再导入"),
        (14, "手机号码", "这个手机号已登记在其他社区"),
    ]
    assert plan.problems[1].values == (5, "钱多多", "1380000000", "", "", "", "")  # the row as the file has it
    assert plan.skipped == [15, 16, 17] and plan.unchanged == 0 and plan.problem_rows == 6
    assert plan.unmapped == ["序号", "备注"]


def test_confirming_writes_people_without_a_login_whom_staff_can_sign_up_at_once(w):
    summary = confirm(w, "residents", messy_residents())
    assert (summary.created, summary.updated, summary.skipped, summary.problem_rows) == (3, 2, 3, 6)
    wang = db.session.scalar(select(User).where(User.phone == "13800000001"))
    assert (wang.name, wang.community_id, wang.can_log_in, wang.home_address, wang.birth_year) == (
        "王秀英", w.home.id, False, "3号楼 201室", 1950)
    assert db.session.scalar(select(User.birth_year).where(User.phone == "13800000002")) == 1950  # Excel serial
    db.session.refresh(w.known)
    assert (w.known.name, w.known.building, w.known.birth_year) == ("张老师", "9", 1960)
    activity = f.activity(w.team)
    signup = sign_up_on_behalf(w.actor, activity, wang, utcnow())
    assert signup.user_id == wang.id


def test_the_same_file_twice_changes_nothing_and_a_corrected_one_adds_only_what_was_missing(w):
    confirm(w, "residents", messy_residents())
    before = {name: rows for name, rows in db_state().items() if name != "audit_entries"}
    again = confirm(w, "residents", messy_residents())
    assert (again.created, again.updated, again.skipped, again.problem_rows) == (0, 0, 8, 6)
    assert {name: rows for name, rows in db_state().items() if name != "audit_entries"} == before
    corrected = table(RESIDENT_HEADERS, [5, "钱多多", "13800000005", "", "", "", ""],
                      [6, "吴名", "13800000006", "", "", "", ""], [1, "王秀英", "13800000001", "3", "201", "", ""])
    summary = confirm(w, "residents", corrected)
    assert (summary.created, summary.updated, summary.skipped) == (2, 0, 1)
    assert count(User, User.community_id == w.home.id) == 4 + 3 + 2
    assert count(AuditEntry, AuditEntry.kind == LIST_IMPORTED) == 3


def test_one_audit_row_per_import_with_counts_and_no_names_and_the_command_line_named_as_such(w):
    confirm(w, "residents", messy_residents(), actor=command_line_actor(w.home.id))
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.actor_id, entry.kind, entry.community_id, entry.target_type) == (
        None, LIST_IMPORTED, w.home.id, "communities")
    assert entry.summary == "居民/志愿者《幸福里名单.xlsx》：新建3，更新2，跳过3行，问题6行"
    [(_, actor_name, _)] = entries(scope_of(w.actor), 1).rows
    assert actor_name == "服务器命令行"


@pytest.mark.parametrize("kind, headers, message", [
    ("residents", ["姓名", "住址"], "找不到手机号这一列：请确认表头，或指定哪一列是手机号"),
    ("residents", ["手机", "住址"], "找不到姓名这一列：请确认表头，或指定哪一列是姓名"),
    ("residents", ["户主姓名", "楼栋", "室", "关注等级", "联系电话"],
     "这个文件看起来是帮扶对象名单，不是居民/志愿者名单：请换成导入“帮扶对象”，或指定各列对应什么"),
    ("households", ["姓名", "手机号", "楼栋", "室"],
     "这个文件看起来是居民/志愿者名单，不是帮扶对象名单：请换成导入“居民/志愿者”，或指定各列对应什么"),
    ("members", ["姓名", "手机号"],
     "这个文件看起来是居民/志愿者名单，不是队伍成员名单：请换成导入“居民/志愿者”，或指定各列对应什么"),
])
def test_a_file_without_the_columns_the_kind_needs_is_refused(w, kind, headers, message):
    with pytest.raises(Refused) as refused:
        preview(w, kind, table(headers, ["x"] * len(headers)))
    assert refused.value.message == message
    with pytest.raises(Refused):
        confirm(w, kind, table(headers, ["x"] * len(headers)))
    db.session.rollback()
    assert count(AuditEntry) == 0


def test_an_unknown_header_is_mapped_by_staff_and_a_column_can_be_ignored(w):
    odd = table(["居民", "号码", "楼号"], ["王秀英", "13800000001", "3"])
    with pytest.raises(Refused):
        preview(w, "residents", odd)
    plan = preview(w, "residents", table(["居民", "号码", "楼号"], ["王秀英", "13800000001", "3"]),
                   {0: "name", 1: "phone", 2: ""})
    assert plan.mapping == {0: "name", 1: "phone"} and plan.unmapped == ["楼号"]
    assert [(c.field, c.new) for c in plan.creates[0].changes] == [("姓名", "王秀英")]
    for bad, message in (({0: "name", 1: "phone", 2: "phone"}, "“手机号”只能对应一列"),
                         ({0: "name", 1: "phone", 2: "religion"}, "请从列出的字段中选择")):
        with pytest.raises(Refused) as refused:
            preview(w, "residents", table(["居民", "号码", "楼号"]), bad)
        assert refused.value.message == message


def test_only_staff_of_the_community_confirm(w):
    for actor in (actor_for(w.known), actor_for(f.staff(w.elsewhere, "外社区社工"))):
        with pytest.raises(Refused):
            confirm(w, "residents", residents(2), actor=actor)
    db.session.rollback()
    assert count(User, User.phone.like("137%")) == 0


@pytest.mark.parametrize("kind", ["residents", "members", "households"])
def test_statements_do_not_grow_with_the_rows(w, statements, kind):
    """20 rows and 200 rows cost the same statements, preview and confirm (lookups by sets, batched writes)."""
    helpers = [f.user(w.home, f"志愿者{n}", phone=f"1350000000{n}").phone for n in range(2)]

    def rows(size, offset):
        first = 13700000000 + offset
        if kind == "residents":
            return residents(size, first)
        if kind == "members":
            return table(["队伍", "姓名", "手机号"],
                         *(["夕阳红志愿服务队", f"队员{n}", str(first + n)] for n in range(size)))
        return table(["户主姓名", "楼栋", "室", "关注等级", "类别", "结对志愿者手机号"],
                     *([f"户主{n}", str(offset + 1), str(n), "重点户", "独居", helpers[n % 2]] for n in range(size)))

    costs = []
    for size, offset in ((20, 0), (200, 1000)):
        made, again = rows(size, offset), rows(size, offset)
        db.session.rollback()  # each round starts its own transaction
        statements.clear()
        preview(w, kind, made)
        confirm(w, kind, again)
        costs.append(len(statements))
    assert costs[0] == costs[1], costs
    assert costs[1] < 40


# --- 队伍成员 ------------------------------------------------------------------------------------

MEMBER_HEADERS = ["所在队伍", "姓名", "手机号", "是否队长"]


def test_team_members_are_approved_members_and_leaders_where_the_list_says(w):
    other_team = f.team(w.home, "巾帼服务队", kind="women")
    f.member(w.team, w.unopened)
    db.session.add(Membership(team_id=w.team.id, user_id=w.known.id, status=MEMBER_PENDING))
    db.session.commit()
    def members():  # the file, opened again for each step
        return table(MEMBER_HEADERS,
                     ["夕阳红志愿服务队", "王秀英", "13800000001", "是"],       # 2: new person, leader
                     ["巾帼服务队", "", "13800000001", ""],                     # 3: same new person, second team
                     ["夕阳红 志愿服务队", "", "13600000002", "否"],            # 4: already a member
                     ["夕阳红志愿服务队", "", "13600000001", "√"],              # 5: pending → approved leader
                     ["舞蹈队", "李桂兰", "13800000002", ""],                   # 6: no such team
                     ["夕阳红志愿服务队", "", "13800000003", ""],               # 7: new phone, no name
                     ["夕阳红志愿服务队", "外社区郑", "13600000004", ""],        # 8: other community
                     ["夕阳红志愿服务队", "王秀英", "13800000001", "是"],       # 9: same team and phone again
                     ["巾帼服务队", "赵大爷", "13800000008", "也许"])           # 10: leader not understood
    plan = preview(w, "members", members())
    assert [(p.row, p.who, [(c.field, c.new) for c in p.changes]) for p in plan.creates] == [
        (2, "王秀英", [("队伍", "夕阳红志愿服务队"), ("身份", "队长")]),
        (3, "王秀英", [("队伍", "巾帼服务队"), ("身份", "队员")])]
    assert [(u.row, [(c.field, c.old, c.new) for c in u.changes]) for u in plan.updates] == [
        (5, [("状态", "待审核", "队员"), ("队长", "否", "是")])]
    assert plan.unchanged == 1
    assert problems(plan) == [
        (6, "所在队伍", "队伍不存在（本社区没有叫“舞蹈队”的队伍）"),
        (7, "姓名", "网站上还没有这个手机号，请填写姓名"),
        (8, "手机号", "这个手机号已登记在其他社区"),
        (9, "手机号", "同一文件里重复（第2行已有）"),
        (10, "是否队长", "请填“是”或“否”"),
    ]
    summary = confirm(w, "members", members())
    assert (summary.created, summary.updated, summary.skipped) == (2, 1, 1)
    wang = db.session.scalar(select(User).where(User.phone == "13800000001"))
    assert not wang.can_log_in
    rows = {(m.team_id, m.user_id): (m.status, m.role) for m in db.session.scalars(select(Membership))}
    assert rows[(w.team.id, wang.id)] == (MEMBER_APPROVED, ROLE_LEADER)
    assert rows[(other_team.id, wang.id)] == (MEMBER_APPROVED, "member")
    assert rows[(w.team.id, w.known.id)] == (MEMBER_APPROVED, ROLE_LEADER)
    assert count(AuditEntry, AuditEntry.kind == LEADER_APPOINTED) == 2
    assert confirm(w, "members", members()).created == 0
    assert count(Membership) == 4


# --- 帮扶对象 ------------------------------------------------------------------------------------

HOUSEHOLD_HEADERS = ["户主姓名", "小区", "楼栋", "室", "类别", "关注等级", "联系人", "联系电话", "结对志愿者手机号"]


def test_households_by_address_with_their_helpers_and_nothing_half_created(w):
    helper = f.user(w.home, "志愿者甲", phone="13900000001")
    second, third = f.user(w.home, "志愿者乙", phone="13900000002"), f.user(w.home, "志愿者丙", phone="13900000003")
    existing = f.household(w.home, head_name="孙秀兰", estate="幸福里小区", building="3", room="201", tier="key",
                           categories="empty_nest")
    paired = f.paired_household(w.home, w.staff, helpers=[helper], head_name="钱奶奶", building="5", room="101")
    def rows():  # the file, opened again for each step
        return table(HOUSEHOLD_HEADERS,
                     ["李桂兰", "幸福里小区", "3号楼", "202室", "独居、低保户", "高风险户", "李明", "13700000001",
                      "13900000001、139 0000 0002"],                                     # 2: new, paired
                     ["孙秀兰", "幸福里小区", "3", "201", "", "高风险", "", "", ""],     # 3: tier changes
                     ["钱奶奶", "幸福里小区", "5", "101", "", "高风险", "", "", "13900000001"],  # 4: same helper
                     ["赵爷爷", "幸福里小区", "6", "101", "", "一般户", "", "", "13800009999"],  # 5: unknown
                     ["周奶奶", "幸福里小区", "6", "102", "", "一般", "", "", "13600000004"],  # 6: elsewhere
                     ["吴奶奶", "幸福里小区", "6", "103", "", "一般", "", "", "13600000003"],  # 7: stopped
                     ["郑奶奶", "幸福里小区", "6", "104", "", "一般", "", "",
                      "13900000001,13900000002,13900000003"],                            # 8: three helpers
                     ["钱奶奶", "幸福里小区", "5", "101", "", "高风险", "", "", "13900000002"],  # 9: same address
                     ["冯奶奶", "幸福里小区", "6", "105", "", "看情况", "", "", ""],     # 10: tier?
                     ["陈奶奶", "幸福里小区", "", "", "", "一般", "", "", ""])           # 11: no building
    plan = preview(w, "households", rows())
    assert [(p.row, p.who) for p in plan.creates] == [(2, "李桂兰（幸福里小区 3号楼 202室）")]
    assert [(c.field, c.new) for c in plan.creates[0].changes] == [
        ("户主姓名", "李桂兰"), ("小区", "幸福里小区"), ("楼栋", "3"), ("室", "202"), ("类别", "低保户、空巢/独居老人"),
        ("关注等级", "高风险"), ("联系人", "李明"), ("联系人电话", "13700000001"), ("结对志愿者", "志愿者甲、志愿者乙")]
    assert [(u.row, u.who, [(c.field, c.old, c.new) for c in u.changes]) for u in plan.updates] == [
        (3, "孙秀兰（幸福里小区 3号楼 201室）", [("关注等级", "重点", "高风险")])]
    assert plan.unchanged == 1 and sorted(plan.households_shown) == sorted([existing.id, paired.id])
    assert problems(plan) == [
        (5, "结对志愿者手机号", "没有找到本社区手机号为13800009999的居民"),
        (6, "结对志愿者手机号", "没有找到本社区手机号为13600000004的居民"),
        (7, "结对志愿者手机号", "没有找到本社区手机号为13600000003的居民"),
        (8, "结对志愿者手机号", "最多2位结对志愿者；人更多时请结对整支队伍"),
        (9, "楼栋", "同一文件里重复（第4行已有）"),
        (10, "关注等级", "关注等级看不懂（请填高风险、重点或一般）"),
        (11, "楼栋", "请填写楼栋（外地的请勾选“外地”）"),  # the register's own rule
    ]
    services.log_preview(w.actor, plan, utcnow())  # the stored details the preview showed: read, so logged
    db.session.commit()
    previewed = db.session.execute(select(HouseholdAccess.household_id, HouseholdAccess.action)).all()
    assert sorted(previewed) == sorted([(existing.id, "import"), (paired.id, "import")])
    db.session.execute(delete(HouseholdAccess))
    summary = confirm(w, "households", rows())
    assert (summary.created, summary.updated, summary.skipped, summary.problem_rows) == (1, 1, 1, 7)
    assert count(Household) == 3  # none of the problem rows made a household
    new = db.session.scalar(select(Household).where(Household.head_name == "李桂兰"))
    assert (new.tier, new.categories, new.building, new.room, new.contact_phone) == (
        "high", "dibao,empty_nest", "3", "202", "13700000001")
    [pairing] = db.session.scalars(select(Pairing).where(Pairing.household_id == new.id)).all()
    assert pairing.ends_on is None and pairing.created_by_id == w.staff.id
    assert set(db.session.scalars(select(PairingHelper.user_id).where(PairingHelper.pairing_id == pairing.id))) == {
        helper.id, second.id}
    assert db.session.get(Household, existing.id).tier == "high"
    feeds = db.session.scalars(select(FeedVersion.scope_id).where(FeedVersion.scope == PERSONAL))
    assert set(feeds) == {helper.id, second.id}  # their 我的日程 now has the new household's visits
    logged = db.session.execute(select(HouseholdAccess.household_id, HouseholdAccess.user_id, HouseholdAccess.action))
    assert sorted(logged.all()) == sorted([(new.id, w.staff.id, "import"), (existing.id, w.staff.id, "import")])
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert entry.summary == "帮扶对象《幸福里名单.xlsx》：新建1，更新1，建立结对1个，跳过1行，问题7行"
    assert "李桂兰" not in entry.summary and third.name not in entry.summary
    again = confirm(w, "households", rows())
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
    assert (count(Household), count(Pairing), count(PairingHelper)) == (3, 2, 3)


def test_an_import_leaves_the_due_dates_the_board_keeps_as_the_rules_give_them(w):
    """The board reads what pairing.schedules keeps: a tier the import changes moves a paired household's due
    date, and a household it pairs is due a full interval from today."""
    helper = f.user(w.home, "志愿者甲", phone="13900000001")
    now = utcnow()
    f.paired_household(w.home, w.staff, helpers=[helper], head_name="孙秀兰", building="5", room="101",
                       tier="general", last_visit=now - timedelta(days=20))
    def board() -> dict:
        return {row.household.head_name: row.due for row in board_rows(community_scope(w.home.id), now)}
    assert board()["孙秀兰"].state == VisitState.FINE  # 一般: every 91 days
    confirm(w, "households", table(HOUSEHOLD_HEADERS, ["孙秀兰", "幸福里小区", "5", "101", "", "高风险", "", "", ""],
                                   ["李桂兰", "幸福里小区", "3", "202", "", "重点", "", "", helper.phone]))
    due = board()
    assert due["孙秀兰"].state == VisitState.OVERDUE  # 高风险: 7 days, visited 20 days ago
    assert due["李桂兰"].due_on == local_today(now) + timedelta(days=30)


def test_a_household_paired_with_other_helpers_is_a_problem_as_a_whole(w):
    helper, other = f.user(w.home, "志愿者甲", phone="13900000001"), f.user(w.home, "志愿者乙", phone="13900000002")
    household = f.paired_household(w.home, w.staff, helpers=[helper], building="5", room="101", tier="general")
    rows = table(HOUSEHOLD_HEADERS, ["孙秀兰", "幸福里小区", "5", "101", "", "高风险", "", "", other.phone])
    plan = preview(w, "households", rows)
    assert problems(plan) == [(2, "结对志愿者手机号", "这户已有正在进行的结对，请先结束它或更换志愿者")]
    assert confirm(w, "households", table(HOUSEHOLD_HEADERS, *[
        ["孙秀兰", "幸福里小区", "5", "101", "", "高风险", "", "", other.phone]])).updated == 0
    assert db.session.get(Household, household.id).tier == "general"  # the tier did not change either
