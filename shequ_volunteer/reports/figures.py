"""Every figure of the statistics page, each defined once.

A figure is its *records* — one SELECT with a `team_id` column — and an aggregate over them.
The page's numbers, the per-team table, the "records behind" lists, the ledgers and the
certificate all come from these definitions, so no count exists twice.

Definitions (the issue left them to us; the README repeats them):
- 活动场次 held: not cancelled, started within the period (Shanghai dates) and before now.
- 参与人次: the seats of confirmed sign-ups of held activities, except those marked 缺席 or 请假
  (a household sign-up "我和老伴" is 2 人次); waiting, pending, declined, withdrawn do not count.
- 参与人数: distinct people among those sign-ups (a companion is not a registered person).
- 服务时长: attended activities of the person's own team (the leader's correction if any, else the
  activity's length for 出席/迟到) plus approved 补录, dated by the activity's day or the 补录 date.
- 志愿者 / 队伍: approved members and teams as of the period's last day; 新增队员: approved within it.
- 结对户数: households with a pairing active on the period's last day; 探访次数: visits dated within it;
  探访及时率: of those households, the ones not overdue at the end of the period (pairing.rules).
- 跟进事项: follow-ups opened within the period, and closed within it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Date, Integer, and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql.expression import ColumnElement

from ..accounts.models import User
from ..activities.models import SIGNUP_CONFIRMED, STATUS_CANCELLED, Activity, Signup
from ..extensions import db
from ..hours.models import APPROVED, KIND_CLAIM, HoursEntry
from ..hours.rules import ATTENDED
from ..pairing import rules as visit_rules
from ..pairing.models import FollowUp, Household, Pairing, Visit, active_on
from ..teams.models import MEMBER_APPROVED, Membership, Team
from ..timeutil import local_midnight, local_today
from ..timeutil_sql import days_before, minutes_between, noon_in_shanghai, shanghai_day
from .periods import Period

NOT_THERE = ("absent", "leave")


@dataclass(frozen=True)
class Window:
    """A period as the naive-UTC bounds activities are stored in, and the moment it is seen from."""

    period: Period
    now: datetime

    @property
    def since(self) -> datetime:
        return local_midnight(self.period.start)

    @property
    def until(self) -> datetime:  # exclusive
        return local_midnight(self.period.end + timedelta(days=1))

    @property
    def seen_until(self) -> datetime:
        """Nothing after now has happened yet."""
        return min(self.until, self.now)


def in_communities(column, community_id) -> ColumnElement[bool]:
    """One community, or several (a 街道's totals count a person once across its communities)."""
    if isinstance(community_id, (list, tuple, set, frozenset)):
        return column.in_(list(community_id))
    return column == community_id


def held(window: Window) -> ColumnElement[bool]:
    return and_(Activity.status != STATUS_CANCELLED, Activity.starts_at >= window.since,
                Activity.starts_at < window.seen_until)


def activities_records(community_id: int, window: Window):
    return (select(Activity.team_id, Activity.id, Activity.title, Activity.starts_at, Team.name.label("team"),
                   Team.community_id)
            .join(Team, Team.id == Activity.team_id)
            .where(in_communities(Team.community_id, community_id), held(window)))


def participation_records(community_id: int, window: Window):
    # The name as a scalar subquery, not a join: aggregates over these records never pay for it.
    name = select(User.name).where(User.id == Signup.user_id).correlate(Signup).scalar_subquery()
    return (select(Activity.team_id, Team.community_id, Signup.id, Signup.user_id, Signup.seats, name.label("name"),
                   Activity.title,
                   Activity.starts_at)
            .join(Activity, Activity.id == Signup.activity_id).join(Team, Team.id == Activity.team_id)
            .where(in_communities(Team.community_id, community_id), held(window), Signup.status == SIGNUP_CONFIRMED,
                   or_(Signup.attendance.is_(None), Signup.attendance.not_in(NOT_THERE))))


def attendance_minutes() -> ColumnElement[int]:
    """hours.rules.attended_minutes in SQL: the correction, else the length when there."""
    return case((Signup.service_minutes.is_not(None), Signup.service_minutes),
                (Signup.attendance.in_(ATTENDED), minutes_between(Activity.starts_at, Activity.ends_at)),
                else_=0)


def hours_records(community_id: int, window: Window, user_id: int | None = None):
    """Service-hours lines: attendances of a team's own members, and approved 补录."""
    own_team = (select(Membership.id).where(Membership.team_id == Activity.team_id,
                                            Membership.user_id == Signup.user_id,
                                            Membership.status == MEMBER_APPROVED).exists())
    attended = (
        select(Activity.team_id.label("team_id"), Team.community_id.label("community_id"),
               Signup.user_id.label("user_id"),
               Activity.starts_at.label("served_at"), Activity.title.label("title"),
               attendance_minutes().label("minutes"),
               case((Signup.service_minutes.is_not(None), literal("队长更正")), else_=literal("签到")).label("source"))
        .join(Activity, Activity.id == Signup.activity_id).join(Team, Team.id == Activity.team_id)
        .where(in_communities(Team.community_id, community_id), Signup.status == SIGNUP_CONFIRMED, held(window),
               own_team, or_(Signup.attendance.in_(ATTENDED), Signup.service_minutes.is_not(None)))
    )
    # A 补录 date is a Shanghai date; noon of it keeps it inside the same day in UTC terms.
    claimed = (
        select(HoursEntry.team_id.label("team_id"), Team.community_id.label("community_id"),
               HoursEntry.user_id.label("user_id"), noon_in_shanghai(HoursEntry.served_on).label("served_at"),
               HoursEntry.note.label("title"), HoursEntry.minutes.label("minutes"), literal("补录").label("source"))
        .join(Team, Team.id == HoursEntry.team_id)
        .where(in_communities(Team.community_id, community_id), HoursEntry.kind == KIND_CLAIM,
               HoursEntry.status == APPROVED, HoursEntry.served_on >= window.period.start,
               HoursEntry.served_on <= window.period.end)
    )
    if user_id is not None:
        attended = attended.where(Signup.user_id == user_id)
        claimed = claimed.where(HoursEntry.user_id == user_id)
    return union_all(attended, claimed)


def _approved_by(moment: datetime) -> ColumnElement[bool]:
    return and_(Membership.status == MEMBER_APPROVED,
                func.coalesce(Membership.decided_at, Membership.created_at) < moment)


def _member_name():
    # A scalar subquery, not a join: counts over these records never read the people (as participation_records).
    return select(User.name).where(User.id == Membership.user_id).correlate(Membership).scalar_subquery()


def volunteer_records(community_id: int, window: Window):
    return (select(Membership.team_id, Team.community_id, Membership.user_id, _member_name().label("name"),
                   Team.name.label("team"))
            .join(Team, Team.id == Membership.team_id)
            .where(in_communities(Team.community_id, community_id), _approved_by(window.until)))


def team_records(community_id: int, window: Window):
    return (select(Team.id.label("team_id"), Team.community_id, Team.name, Team.kind)
            .where(in_communities(Team.community_id, community_id), Team.created_at < window.until))


def new_member_records(community_id: int, window: Window):
    joined = func.coalesce(Membership.decided_at, Membership.created_at)
    return (select(Membership.team_id, Team.community_id, Membership.user_id, _member_name().label("name"),
                   joined.label("joined_at"))
            .join(Team, Team.id == Membership.team_id)
            .where(in_communities(Team.community_id, community_id), Membership.status == MEMBER_APPROVED,
                   joined >= window.since, joined < window.until))


def household_records(community_id: int, window: Window):
    return (select(Pairing.team_id, Household.community_id, Pairing.household_id, Household.head_name,
                   Household.building,
                   Household.tier, Household.visit_interval_days, Pairing.starts_on)
            .join(Household, Household.id == Pairing.household_id)
            .where(in_communities(Household.community_id, community_id), active_on(Pairing, window.period.end)))


def _visited_household():
    # SQLite, which keeps no statistics here, would walk every visit of each of the community's households to find
    # a few days' visits; `+ 0` leaves it the date index (ix_visits_visited_on), as the period asks. PostgreSQL
    # chooses by its statistics. (activities.queries does the same for the home page.)
    return Visit.household_id + 0 if db.session.get_bind().dialect.name == "sqlite" else Visit.household_id


def visit_records(community_id: int, window: Window):
    return (select(Pairing.team_id, Household.community_id, Visit.id, Visit.household_id, Household.head_name,
                   Visit.visited_on, Visit.way)
            .join(Household, Household.id == _visited_household())
            .outerjoin(Pairing, Pairing.id == Visit.pairing_id)
            .where(in_communities(Household.community_id, community_id), Visit.visited_on >= window.period.start,
                   Visit.visited_on <= window.period.end))


def _follow_up_records(moment, community_id: int, window: Window):
    # The team of the household's latest pairing, for the per-team table.
    team = (select(Pairing.team_id).where(Pairing.household_id == FollowUp.household_id)
            .order_by(Pairing.id.desc()).limit(1).correlate(FollowUp).scalar_subquery())
    return (select(team.label("team_id"), FollowUp.community_id, FollowUp.id, Household.head_name, FollowUp.reason,
                   FollowUp.status,
                   moment.label("moment"))
            .join(Household, Household.id == FollowUp.household_id)
            .where(in_communities(FollowUp.community_id, community_id), moment >= window.since, moment < window.until))


def opened_records(community_id: int, window: Window):
    return _follow_up_records(FollowUp.opened_at, community_id, window)


def closed_records(community_id: int, window: Window):
    return _follow_up_records(FollowUp.closed_at, community_id, window)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    records: Callable
    aggregate: Callable  # records subquery → aggregate column

    def value(self, community_id: int, window: Window, by_team: bool = False):
        rows = self.records(community_id, window).subquery()
        if by_team:
            statement = select(rows.c.team_id, self.aggregate(rows)).select_from(rows).group_by(rows.c.team_id)
            return {team_id: _number(value) for team_id, value in db.session.execute(statement)}
        return _number(db.session.scalar(select(self.aggregate(rows)).select_from(rows)))


def _number(value):
    return 0 if value is None else value


def _count(rows):
    return func.count()


FIGURES = [
    Figure("activities", "活动场次", "场", activities_records, _count),
    Figure("person_times", "参与人次", "人次", participation_records, lambda rows: func.sum(rows.c.seats)),
    Figure("participants", "参与人数", "人", participation_records, lambda rows: func.count(rows.c.user_id.distinct())),
    Figure("teams", "志愿者队伍", "支", team_records, _count),
    Figure("volunteers", "志愿者", "人", volunteer_records, lambda rows: func.count(rows.c.user_id.distinct())),
    Figure("new_members", "新增队员", "人", new_member_records, _count),
    Figure("hours", "服务时长", "小时", hours_records, lambda rows: func.sum(rows.c.minutes)),
    Figure("households", "结对户数", "户", household_records, lambda rows: func.count(rows.c.household_id.distinct())),
    Figure("visits", "探访次数", "次", visit_records, _count),
    Figure("follow_ups_opened", "新增跟进", "件", opened_records, _count),
    Figure("follow_ups_closed", "办结跟进", "件", closed_records, _count),
]
BY_KEY = {figure.key: figure for figure in FIGURES}


def values(community_id, window: Window, keys=None, by_team: bool = False, by_community: bool = False) -> dict:
    """Several figures at once, in one statement: each records definition read once (人次 and 人数 share
    theirs) and aggregated as Figure.value does, the groups joined by UNION ALL. One round trip and one plan
    instead of one per group, which is most of what a short period's figures cost on PostgreSQL. by_team or
    by_community: {key: {team or community: value}}, only those with records."""
    groups: dict = {}
    for figure in FIGURES:
        if keys is None or figure.key in keys:
            groups.setdefault(figure.records, []).append(figure)
    if not groups:
        return {}
    width = max(len(members) for members in groups.values())
    parts = []
    for number, (records, members) in enumerate(groups.items()):
        rows = records(community_id, window).subquery()
        aggregates = [figure.aggregate(rows) for figure in members]
        aggregates += [literal(None, Integer())] * (width - len(members))  # every part the same columns
        group = [rows.c.team_id] if by_team else [rows.c.community_id] if by_community else []
        part = select(literal(number).label("part"), *group, *(value.label(f"v{index}") for index, value in
                                                               enumerate(aggregates)))
        parts.append(part.select_from(rows).group_by(*group))
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    found = db.session.execute(statement).all()
    grouped = by_team or by_community
    result: dict = {figure.key: {} for members in groups.values() for figure in members} if grouped else {}
    for row in found:
        members = list(groups.values())[row[0]]
        if grouped:
            for index, figure in enumerate(members):
                result[figure.key][row[1]] = _number(row[2 + index])
        else:
            result.update({figure.key: _number(row[1 + index]) for index, figure in enumerate(members)})
    return result


def coverage(community_id: int, window: Window) -> tuple[int, int]:
    """探访及时率: (households not overdue at the end of the period, households paired then)."""
    end_moment = min(window.until, window.now)
    paired = household_records(community_id, window).subquery()
    # Each household's latest visit before the end, one probe of ix_visits_household_visited_at apiece: the cost
    # follows the households paired, not the visits of all the years behind them.
    last_at = (select(Visit.visited_at).where(Visit.household_id == paired.c.household_id,
                                              Visit.visited_at < end_moment)
               .order_by(Visit.visited_at.desc()).limit(1).correlate(paired).scalar_subquery())
    rows = db.session.execute(
        select(paired.c.tier, paired.c.visit_interval_days, paired.c.starts_on, last_at))
    on_time = total = 0
    midnights: dict = {}  # many pairings share a first day: one conversion each
    for tier, interval, starts_on, last_at in rows:
        since = midnights.get(starts_on) or midnights.setdefault(starts_on, local_midnight(starts_on))
        schedule = visit_rules.Schedule(tier=tier, interval_days=interval, last_visit_at=last_at, paired_since=since)
        total += 1
        on_time += visit_rules.next_due(schedule, end_moment).state != visit_rules.VisitState.OVERDUE
    return on_time, total


def coverage_in_sql(community_id, window: Window) -> dict[int, tuple[int, int]]:
    """coverage, said in one statement for the pages: no rules.next_due per household in Python.

    Without a major change (coverage passes none), next_due is overdue exactly when the Beijing day of the
    clock's start (the latest visit before the end, else the pairing's first day) plus the interval falls
    before the end's Beijing day: day(since) < end_day - interval. tests/services/test_kept_figures.py holds the
    pages equal to coverage after every step of its walk. {community: (on time, paired)}, for one community or
    several (a 街道's) in the one statement; a community without paired households is left out."""
    end_moment = min(window.until, window.now)
    # The household keeps its latest visit (pairing.schedules): when that is before the end, it is the one; only
    # a household visited since the end (a past period), or never, needs a probe of its visits.
    paired = household_records(community_id, window).add_columns(Household.last_visit_at.label("kept_at")).subquery()
    probed = (select(Visit.visited_at).where(Visit.household_id == paired.c.household_id,
                                             Visit.visited_at < end_moment)
              .order_by(Visit.visited_at.desc()).limit(1).correlate(paired).scalar_subquery())
    last_at = case((paired.c.kept_at < end_moment, paired.c.kept_at), else_=probed)
    since_day = func.coalesce(shanghai_day(last_at), paired.c.starts_on)
    interval = func.coalesce(paired.c.visit_interval_days, case(visit_rules.TIER_INTERVAL_DAYS, value=paired.c.tier))
    overdue = since_day < days_before(literal(local_today(end_moment), Date()), interval)
    return {community: (on_time or 0, total) for community, on_time, total in db.session.execute(
        select(paired.c.community_id, func.sum(case((overdue, 0), else_=1)), func.count())
        .group_by(paired.c.community_id))}
