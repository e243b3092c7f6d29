"""Read helpers for the pairing screens. The board takes a fixed number of statements
however many households there are: one for the pairings with their last visit and last
major change, one for the helpers' names."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import ColumnElement

from ..accounts.models import COMMAND_LINE_ACTOR, User
from ..extensions import db
from ..teams.models import Team
from ..timeutil import local_midnight, local_today, week_start
from . import rules
from .models import (
    FOLLOW_UP_CLOSED,
    FollowUp,
    Household,
    HouseholdAccess,
    HouseholdEvent,
    HouseholdSummary,
    Pairing,
    PairingHelper,
    PairingSummary,
    Visit,
    active_on,
)

BOARD_VIEWS = {"due": "本周应访", "visited": "本周已访", "overdue": "逾期"}


@dataclass
class BoardRow:
    household: HouseholdSummary
    pairing: PairingSummary
    team_name: str | None
    last_visit_at: datetime | None
    due: rules.Due
    visited_this_week: bool
    last_logged_at: datetime | None = None  # when the latest visit was written down (visits may be back-dated)
    helpers: list[tuple[int, str]] = field(default_factory=list)  # (user id, name)

    @property
    def helper_names(self) -> str:
        names = [name for _id, name in self.helpers]
        if self.team_name:
            names.append(self.team_name)
        return "、".join(names) or "未安排"


@dataclass(frozen=True)
class BoardFilters:
    grid: str = ""
    building: str = ""
    tier: str = ""
    helper_id: int | None = None

    def keep(self, row: BoardRow) -> bool:
        household = row.household
        return ((not self.grid or household.grid == self.grid)
                and (not self.building or household.building == self.building)
                and (not self.tier or household.tier == self.tier)
                and (self.helper_id is None or any(uid == self.helper_id for uid, _n in row.helpers)))


@dataclass
class Board:
    rows: list[BoardRow]  # every row in scope and filter, most urgent first
    lists: dict[str, list[BoardRow]]  # the rows behind each count
    grids: list[str]
    buildings: list[str]
    helpers: list[tuple[int, str]]

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(rows) for key, rows in self.lists.items()}


def community_scope(community_id: int) -> ColumnElement[bool]:
    return Household.community_id == community_id


def teams_scope(team_ids) -> ColumnElement[bool]:
    return Pairing.team_id.in_(list(team_ids))


def helper_scope(user_id: int, today: date) -> ColumnElement[bool]:
    return Pairing.id.in_(select(PairingHelper.pairing_id).where(PairingHelper.user_id == user_id,
                                                                  active_on(PairingHelper, today)))


def helped_scope(today: date) -> ColumnElement[bool]:
    """Every pairing with at least one current helper."""
    return Pairing.id.in_(select(PairingHelper.pairing_id).where(active_on(PairingHelper, today)))


def digest_scope(today: date) -> ColumnElement[bool]:
    """Every pairing someone hears of in the daily digest of visits due: its current helpers, or, paired with a team
    and no helper, that team's leaders."""
    return helped_scope(today) | Pairing.team_id.is_not(None)


def household_scope(household_id: int) -> ColumnElement[bool]:
    return Household.id == household_id


def feed_turns(user_ids, now: datetime) -> dict[int, list[datetime]]:
    """For each person, the moments from now on at which their 我的日程 changes without a write: a household
    they help whose 24 hours after a major change run out (rules.next_due turns it overdue then)."""
    today = local_today(now)
    return {user_id: [row.due.urgent_by for row in board_rows(helper_scope(user_id, today), now)
                      if row.due.urgent_by is not None and row.due.urgent_by >= now]
            for user_id in sorted(set(user_ids))}


def board_rows(scope: ColumnElement[bool], now: datetime) -> list[BoardRow]:
    """Every active pairing in scope with its household's visit state, computed by rules.next_due."""
    today = local_today(now)
    this_week = week_start(today)
    # Aggregate only the households in scope: a helper's three must not cost a scan of every visit.
    in_scope = (select(Pairing.household_id).join(Household, Household.id == Pairing.household_id)
                .where(scope, active_on(Pairing, today)).correlate(None))
    last_visit = (select(Visit.household_id, func.max(Visit.visited_at).label("last_at"),
                         func.max(Visit.visited_on).label("last_on"), func.max(Visit.created_at).label("logged_at"))
                  .where(Visit.household_id.in_(in_scope)).group_by(Visit.household_id).subquery())
    last_change = (select(HouseholdEvent.household_id, func.max(HouseholdEvent.happened_at).label("changed_at"))
                   .where(HouseholdEvent.household_id.in_(in_scope)).group_by(HouseholdEvent.household_id).subquery())
    household_columns = [getattr(Household, name) for name in HouseholdSummary.COLUMNS]
    statement = (
        select(*household_columns, Pairing.id, Pairing.starts_on, Pairing.team_id, Team.name,
               last_visit.c.last_at, last_visit.c.last_on, last_visit.c.logged_at, last_change.c.changed_at)
        .join(Pairing, Pairing.household_id == Household.id)
        .outerjoin(Team, Team.id == Pairing.team_id)
        .outerjoin(last_visit, last_visit.c.household_id == Household.id)
        .outerjoin(last_change, last_change.c.household_id == Household.id)
        .where(scope, active_on(Pairing, today))
        .order_by(Household.id)
    )
    width = len(household_columns)
    rows = []
    # Plain columns, not ORM objects: a community's whole board is thousands of rows.
    for values in db.session.execute(statement):
        household = HouseholdSummary(*values[:width])
        pairing_id, starts_on, team_id, team_name, last_at, last_on, logged_at, changed_at = values[width:]
        pairing = PairingSummary(pairing_id, starts_on, team_id)
        schedule = rules.Schedule(
            tier=household.tier, interval_days=household.visit_interval_days, last_visit_at=last_at,
            paired_since=local_midnight(pairing.starts_on), major_change_at=changed_at)
        rows.append(BoardRow(household, pairing, team_name, last_at, rules.next_due(schedule, now),
                             visited_this_week=last_on is not None and last_on >= this_week,
                             last_logged_at=logged_at))
    helpers = db.session.execute(
        select(PairingHelper.pairing_id, User.id, User.name).join(User, User.id == PairingHelper.user_id)
        .join(Pairing, Pairing.id == PairingHelper.pairing_id).join(Household, Household.id == Pairing.household_id)
        .where(scope, active_on(Pairing, today), active_on(PairingHelper, today)).order_by(PairingHelper.id)
    )
    by_pairing: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pairing_id, user_id, name in helpers:
        by_pairing[pairing_id].append((user_id, name))
    for row in rows:
        row.helpers = by_pairing.get(row.pairing.id, [])
    return rows


_URGENCY = {rules.VisitState.OVERDUE: 0, rules.VisitState.DUE: 1, rules.VisitState.FINE: 2}


def urgency(row: BoardRow) -> tuple:
    """Overdue first, then due, then the rest; earliest due date first within each."""
    return (_URGENCY[row.due.state], row.due.due_on, row.household.id)


def board(scope: ColumnElement[bool], now: datetime, filters: BoardFilters = BoardFilters()) -> Board:
    """The board: counts and the lists behind them, from the same rows."""
    every = board_rows(scope, now)
    rows = sorted((row for row in every if filters.keep(row)), key=urgency)
    lists = {
        "due": [row for row in rows if row.due.state == rules.VisitState.DUE],
        "visited": [row for row in rows if row.visited_this_week],
        "overdue": [row for row in rows if row.due.state == rules.VisitState.OVERDUE],
    }
    helpers = sorted({helper for row in every for helper in row.helpers}, key=lambda h: h[1])
    return Board(rows=rows, lists=lists, grids=sorted({r.household.grid for r in every if r.household.grid}),
                 buildings=sorted({r.household.building for r in every if r.household.building},
                                  key=lambda b: (len(b), b)),
                 helpers=helpers)


def households_of(community_id: int, today: date) -> list[tuple[Household, Pairing | None]]:
    """The staff register: every household with its current pairing, if any."""
    return list(db.session.execute(
        select(Household, Pairing)
        .outerjoin(Pairing, (Pairing.household_id == Household.id) & active_on(Pairing, today))
        .where(Household.community_id == community_id)
        .order_by(Household.grid, Household.building, Household.room, Household.id)
    ))


def pairings_of(household_id: int) -> list[Pairing]:
    return list(db.session.scalars(select(Pairing).where(Pairing.household_id == household_id)
                                   .order_by(Pairing.starts_on.desc(), Pairing.id.desc())))


def helper_history(household_id: int) -> list[tuple[PairingHelper, User]]:
    return list(db.session.execute(
        select(PairingHelper, User).join(User, User.id == PairingHelper.user_id)
        .join(Pairing, Pairing.id == PairingHelper.pairing_id).where(Pairing.household_id == household_id)
        .order_by(PairingHelper.starts_on.desc(), PairingHelper.id.desc())
    ))


def visits(household_id: int, since: date | None = None, limit: int = 50) -> list[Visit]:
    """The household's visits, newest first; `since` limits a helper to their own time."""
    statement = (select(Visit).where(Visit.household_id == household_id)
                 .options(joinedload(Visit.visitor), selectinload(Visit.aid_items)))
    if since is not None:
        statement = statement.where(Visit.visited_on >= since)
    return list(db.session.scalars(statement.order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)))


def open_follow_ups(community_id: int) -> list[FollowUp]:
    return list(db.session.scalars(
        select(FollowUp).where(FollowUp.community_id == community_id, FollowUp.status != FOLLOW_UP_CLOSED)
        .options(joinedload(FollowUp.household), joinedload(FollowUp.owner))
        .order_by(FollowUp.opened_at, FollowUp.id)
    ))


def recently_closed_follow_ups(community_id: int, limit: int = 20) -> list[FollowUp]:
    return list(db.session.scalars(
        select(FollowUp).where(FollowUp.community_id == community_id, FollowUp.status == FOLLOW_UP_CLOSED)
        .options(joinedload(FollowUp.household))
        .order_by(FollowUp.closed_at.desc(), FollowUp.id.desc()).limit(limit)
    ))


def staff_of(community_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.community_id == community_id, User.role == "staff")
                                   .order_by(User.name)))


def access_log(community_id: int, household_id: int | None = None, limit: int = 200):
    """Who looked at which household record, newest first (staff read this)."""
    statement = (select(HouseholdAccess, func.coalesce(User.name, COMMAND_LINE_ACTOR), Household.head_name)
                 .outerjoin(User, User.id == HouseholdAccess.user_id)
                 .join(Household, Household.id == HouseholdAccess.household_id)
                 .where(Household.community_id == community_id))
    if household_id is not None:
        statement = statement.where(HouseholdAccess.household_id == household_id)
    return list(db.session.execute(statement.order_by(HouseholdAccess.at.desc(), HouseholdAccess.id.desc())
                                   .limit(limit)))


def latest_change(household_id: int) -> HouseholdEvent | None:
    return db.session.scalars(select(HouseholdEvent).where(HouseholdEvent.household_id == household_id)
                              .order_by(HouseholdEvent.happened_at.desc()).limit(1)).first()


def helper_contacts(pairing_id: int, today: date) -> list[User]:
    """The current helpers of a pairing, for the door card (name and phone)."""
    return list(db.session.scalars(
        select(User).join(PairingHelper, PairingHelper.user_id == User.id)
        .where(PairingHelper.pairing_id == pairing_id, active_on(PairingHelper, today)).order_by(PairingHelper.id)
    ))
