"""台账: the Excel ledgers, one fixed layout for every community (downloaded from reports/views.py).

One workbook with the same three sheets, columns and headers for every community and period
(版面统一): 活动台账, 志愿服务时长台账, 结对帮扶台账. Row 1 names the community, the ledger and the
period, row 2 the dates and who exported it, row 3 holds the headers. Every row comes from a
figure's own records (figures.py) and every 合计 is the figure's own value, so the ledger, the
统计 page and its charts cannot disagree. Times are Asia/Shanghai. Household categories appear on
the pairing sheet only; writing it exports household records, so each household in it gets a row
in the access log (导出).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.actor import Actor
from ..accounts.models import User
from ..activities.models import Activity, Signup
from ..communities.models import Community
from ..database import begin_write_transaction
from ..downloads import attachment
from ..extensions import db
from ..pairing.access import log_accesses
from ..pairing.models import FOLLOW_UP_STATUSES, FollowUp, Household, Pairing, PairingHelper, Visit, active_on
from ..teams.models import Team
from ..timeutil import local_date, to_local
from . import figures
from .periods import Period
from .statistics import shown
from .workbook import Block, Column, Sheet, Total, write_workbook

ACTIVITY_COLUMNS = (Column("序号", 6), Column("日期", 12, "date"), Column("时间", 16), Column("队伍", 20),
                    Column("活动名称", 28), Column("地点", 16), Column("参与人次", 10), Column("参与人数", 10))
HOURS_COLUMNS = (Column("序号", 6), Column("日期", 12, "date"), Column("姓名", 12), Column("队伍", 20),
                 Column("活动/补录说明", 28), Column("来源", 8), Column("时长（小时）", 12, "hours"),
                 Column("时长（分钟）", 12))
HOUSEHOLD_COLUMNS = (Column("序号", 6), Column("户主姓名", 12), Column("网格", 10), Column("住址", 24),
                     Column("帮扶等级", 10), Column("帮扶类别", 22), Column("结对志愿者/队伍", 24),
                     Column("结对开始", 12, "date"), Column("本期探访次数", 12), Column("最近探访日期", 14, "date"))
VISIT_COLUMNS = (Column("序号", 6), Column("探访日期", 12, "date"), Column("户主姓名", 12), Column("方式", 10),
                 Column("探访人", 24), Column("时长（分钟）", 10), Column("发现的问题", 22),
                 Column("物资", 24), Column("物资金额（元）", 12, "money"), Column("需要社区跟进", 14))


def activities_block(community_id: int, window: figures.Window) -> Block:
    """One row per held activity, its 人次 and 人数 grouped in SQL from the participation records."""
    held = figures.activities_records(community_id, window).subquery()
    taking_part = figures.participation_records(community_id, window).subquery()
    per_activity = (select(Signup.activity_id, func.sum(taking_part.c.seats).label("times"),
                           func.count(taking_part.c.user_id.distinct()).label("people"))
                    .select_from(taking_part).join(Signup, Signup.id == taking_part.c.id)
                    .group_by(Signup.activity_id).subquery())
    rows = db.session.execute(
        select(Activity.starts_at, Activity.ends_at, held.c.team, held.c.title, Activity.place,
               func.coalesce(per_activity.c.times, 0), func.coalesce(per_activity.c.people, 0))
        .select_from(held).join(Activity, Activity.id == held.c.id)
        .outerjoin(per_activity, per_activity.c.activity_id == held.c.id).order_by(held.c.starts_at, held.c.id))
    return Block(ACTIVITY_COLUMNS, [
        (number, local_date(starts), _hours_of_day(starts, ends), team, title, place, int(times), int(people))
        for number, (starts, ends, team, title, place, times, people) in enumerate(rows, 1)
    ], totals={1: Total(_value("activities", community_id, window), '"活动场次 "0" 场"', through=5),
               6: Total(_value("person_times", community_id, window)),
               7: Total(_value("participants", community_id, window))},
        note="注：合计的参与人数是去重人数（同一人参加多场只算一人），不是本列各行相加。")


def hours_block(community_id: int, window: figures.Window) -> Block:
    """One row per service-hours line: attendances of a team's own members and approved 补录."""
    figure = figures.BY_KEY["hours"]
    lines = figures.hours_records(community_id, window).subquery()
    rows = db.session.execute(
        select(lines.c.served_at, User.name, Team.name, lines.c.title, lines.c.source, lines.c.minutes)
        .select_from(lines).join(User, User.id == lines.c.user_id).join(Team, Team.id == lines.c.team_id)
        .order_by(lines.c.served_at, lines.c.user_id, lines.c.source))
    minutes = figure.value(community_id, window)
    return Block(HOURS_COLUMNS, [
        (number, local_date(served_at), name, team, title or "—", source, shown(figure, spent), spent)
        for number, (served_at, name, team, title, source, spent) in enumerate(rows, 1)
    ], totals={1: Total("服务时长（以分钟为准）", through=5), 6: Total(shown(figure, minutes)), 7: Total(minutes)},
        note="注：合计按分钟相加后换算为小时（保留1位小数），与统计页面相同；各行小时数取整后相加可能略有出入。")


def pairing_blocks(community_id: int, window: figures.Window) -> tuple[list[Block], set[int]]:
    """The households paired on the period's last day, and every visit of the period; with the
    ids of the households they show (for the access log)."""
    end = window.period.end
    paired = figures.household_records(community_id, window).subquery()
    in_ledger = select(paired.c.household_id)
    visits = figures.visit_records(community_id, window).subquery()
    households = db.session.scalars(
        select(Household).where(Household.id.in_(in_ledger))
        .order_by(Household.grid, Household.estate, Household.building, Household.room, Household.id)).all()
    since, helpers = {}, {}
    for household_id, starts_on, team in db.session.execute(
            select(paired.c.household_id, paired.c.starts_on, Team.name)
            .outerjoin(Team, Team.id == paired.c.team_id).order_by(paired.c.starts_on)):
        since.setdefault(household_id, starts_on)
        if team:
            helpers.setdefault(household_id, []).append(team)
    for household_id, name in db.session.execute(
            select(Pairing.household_id, User.name).select_from(PairingHelper)
            .join(Pairing, Pairing.id == PairingHelper.pairing_id).join(User, User.id == PairingHelper.user_id)
            .where(Pairing.household_id.in_(in_ledger), active_on(Pairing, end), active_on(PairingHelper, end))
            .order_by(PairingHelper.id)):
        helpers.setdefault(household_id, []).append(name)
    counted = dict(db.session.execute(
        select(visits.c.household_id, func.count()).group_by(visits.c.household_id)).all())
    last_visit = dict(db.session.execute(
        select(Visit.household_id, func.max(Visit.visited_on))
        .where(Visit.household_id.in_(in_ledger), Visit.visited_on <= end).group_by(Visit.household_id)).all())
    household_rows = [
        (number, item.head_name, item.grid, item.address, item.tier_label, "、".join(item.category_labels),
         "、".join(dict.fromkeys(helpers.get(item.id, []))), since.get(item.id), counted.get(item.id, 0),
         last_visit.get(item.id))
        for number, item in enumerate(households, 1)]
    visit_rows, shown_ids, aid_fen = _visit_rows(visits)
    return [
        Block(HOUSEHOLD_COLUMNS, household_rows,
              totals={1: Total(_value("households", community_id, window), '"结对户数 "0" 户"', through=9)},
              note=f"注：结对户数为{end.month}月{end.day}日（本期最后一天）仍在结对的户数。"),
        Block(VISIT_COLUMNS, visit_rows, caption="本期探访记录",
              totals={1: Total(_value("visits", community_id, window), '"探访次数 "0" 次"', through=7),
                      8: Total(aid_fen / 100)}),
    ], {item.id for item in households} | shown_ids


def _visit_rows(visits) -> tuple[list[tuple], set[int], int]:
    """The visit block's rows, the households they name, and the aid given in fen."""
    follow_ups = {visit_id: (reason, status) for visit_id, reason, status in db.session.execute(
        select(FollowUp.visit_id, FollowUp.reason, FollowUp.status).where(FollowUp.visit_id.in_(select(visits.c.id))))}
    rows, household_ids, aid_fen = [], set(), 0
    for number, (visit, head_name) in enumerate(db.session.execute(
            select(Visit, visits.c.head_name).join(visits, visits.c.id == Visit.id)
            .options(joinedload(Visit.visitor), selectinload(Visit.aid_items))
            .order_by(Visit.visited_on, Visit.id)), 1):
        household_ids.add(visit.household_id)
        aid = "；".join(f"{line.item} {line.amount_label}" for line in visit.aid_items)
        fen = sum(line.amount_fen for line in visit.aid_items)
        aid_fen += fen
        reason, status = follow_ups.get(visit.id, ("", ""))
        follow_up = f"是：{reason}（{FOLLOW_UP_STATUSES.get(status, status)}）" if visit.needs_follow_up else "否"
        rows.append((number, visit.visited_on, head_name, visit.way_label, visit.visitor.name,
                     visit.duration_minutes, "、".join(visit.concern_labels) or "无", aid or "无",
                     fen / 100, follow_up))
    return rows, household_ids, aid_fen


def _value(key: str, community_id: int, window: figures.Window):
    return figures.BY_KEY[key].value(community_id, window)


def _hours_of_day(starts: datetime, ends: datetime) -> str:
    start, end = to_local(starts), to_local(ends)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M}–{end.month}月{end.day}日 {end:%H:%M}"


def ledger_sheets(community_id: int, window: figures.Window) -> tuple[list[Sheet], set[int]]:
    """The three sheets, in their fixed order, and the households the workbook shows."""
    pairing, household_ids = pairing_blocks(community_id, window)
    return [Sheet("活动台账", [activities_block(community_id, window)]),
            Sheet("志愿服务时长台账", [hours_block(community_id, window)]),
            Sheet("结对帮扶台账", pairing)], household_ids


def read_snapshot() -> None:
    """Read the whole workbook from one snapshot, so rows and 合计 agree even while people sign up."""
    db.session.rollback()  # the read the login check began
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def file_names(community: str, period: Period) -> str:
    """Content-Disposition: an ASCII name for old clients and the Chinese one (RFC 6266 filename*)."""
    return attachment(f"{community}台账-{period.label}.xlsx",
                      f"ledger-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


def export(actor: Actor, community_id: int, period: Period, now: datetime, exporter: str) -> tuple[str, bytes]:
    """The community's name and the period's workbook, with an access-log row (导出) for every household in it,
    written under the write lock; the caller commits before the file leaves."""
    read_snapshot()
    community = db.session.get(Community, community_id).name
    sheets, household_ids = ledger_sheets(community_id, figures.Window(period, now))
    body = write_workbook(sheets, community, period.label, period_line(period, now, exporter))
    db.session.rollback()  # end the snapshot: the access log is written under the write lock
    begin_write_transaction()
    log_accesses(actor, sorted(household_ids), "export", now)
    return community, body


def period_line(period: Period, now: datetime, exporter: str) -> str:
    """Row 2 of every sheet: the dates counted and who exported the file when."""
    def day(value) -> str:
        return f"{value.year}年{value.month}月{value.day}日"

    return (f"统计时段：{day(period.start)}至{day(period.end)}（北京时间）　"
            f"导出：{to_local(now):%Y-%m-%d %H:%M} {exporter}")
