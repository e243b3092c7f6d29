"""Read helpers for the pairing screens. The board takes a fixed number of statements however many
households there are and however many years of visits lie behind them: it reads what pairing.schedules keeps
on the households and pairings, never the visits themselves, and counts, filters, orders and pages in SQL."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import ColumnElement

from ..accounts.models import COMMAND_LINE_ACTOR, User
from ..extensions import db
from ..teams.models import Team
from ..timeutil import local_today, week_start
from . import rules
from .models import (
    FOLLOW_UP_CLOSED,
    FOLLOW_UPS_NOT_CLOSED,
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
_RANK = {rules.VisitState.OVERDUE.value: 0, rules.VisitState.DUE.value: 1, rules.VisitState.FINE.value: 2}


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
    helper_name: str = ""  # part of a current helper's name: typed, since a community has ~1,400 of them

    def conditions(self, today: date) -> list[ColumnElement[bool]]:
        """SQL: the rows these filters keep."""
        kept = []
        if self.grid:
            kept.append(Household.grid == self.grid)
        if self.building:
            kept.append(Household.building == self.building)
        if self.tier:
            kept.append(Household.tier == self.tier)
        if self.helper_name:
            kept.append(helper_named_scope(self.helper_name, today))
        return kept


@dataclass
class Board:
    counts: dict[str, int]  # rows behind each of BOARD_VIEWS, in scope and filter
    total: int  # rows in scope and filter
    listed: int  # rows of the list shown (`total` when none is chosen)
    page: int
    pages: int
    rows: list[BoardRow]  # the page shown of that list, most urgent first
    grids: list[str]
    buildings: list[str]


def community_scope(community_id: int) -> ColumnElement[bool]:
    return Household.community_id == community_id


def teams_scope(team_ids) -> ColumnElement[bool]:
    return Pairing.team_id.in_(list(team_ids))


def helper_scope(user_id: int, today: date) -> ColumnElement[bool]:
    return Pairing.id.in_(select(PairingHelper.pairing_id).where(PairingHelper.user_id == user_id,
                                                                  active_on(PairingHelper, today)))


def helper_named_scope(text: str, today: date) -> ColumnElement[bool]:
    """Every pairing with a current helper whose name contains `text` (taken literally, % and _ included)."""
    return Pairing.id.in_(select(PairingHelper.pairing_id).join(User, User.id == PairingHelper.user_id)
                          .where(User.name.contains(text, autoescape=True), active_on(PairingHelper, today)))


def digest_scope() -> ColumnElement[bool]:
    """Every pairing: someone hears of each in the daily digest of visits due — its current helpers, or, with none,
    its team's leaders, or, when none of those can be reached, its community's staff (jobs.visit_digest)."""
    return true()


def household_scope(household_id: int) -> ColumnElement[bool]:
    return Household.id == household_id


def feed_turns(user_ids, now: datetime) -> dict[int, list[datetime]]:
    """For each person, the moments from now on at which their 我的日程 changes without a write: a household
    they help whose 24 hours after a major change run out (rules.next_due turns it overdue then)."""
    today = local_today(now)
    turns: dict[int, list[datetime]] = {user_id: [] for user_id in sorted(set(user_ids))}
    if turns:  # one statement for all of them (the household's helpers, and those who just started or stopped)
        for user_id, urgent_by in db.session.execute(
                select(PairingHelper.user_id, Pairing.visit_urgent_by)
                .join(Pairing, Pairing.id == PairingHelper.pairing_id)
                .where(PairingHelper.user_id.in_(list(turns)), active_on(PairingHelper, today),
                       active_on(Pairing, today), Pairing.visit_urgent_by >= now)):
            turns[user_id].append(urgent_by)
    return turns


def visit_state_sql(now: datetime) -> ColumnElement[str]:
    """rules.visit_state in SQL, on the due date and urgency each pairing keeps (pairing.schedules): the state
    at `now` of every row, so the board counts, filters and orders in the database. tests/services/
    test_board_schedules.py holds it equal to rules.next_due over the records at moving instants."""
    today = local_today(now)
    overdue, due, fine = rules.VisitState.OVERDUE.value, rules.VisitState.DUE.value, rules.VisitState.FINE.value
    return case(
        (Pairing.visit_urgent_by.is_not(None), case((Pairing.visit_urgent_by < now, overdue), else_=due)),
        (Pairing.visit_due_on < today, overdue),
        (Pairing.visit_due_on <= rules.week_end(today), due),
        else_=fine,
    )


def _urgency_sql(state: ColumnElement[str]) -> list:
    """Overdue first, then due, then the rest; earliest due date first within each (as `urgency`)."""
    return [case(_RANK, value=state), Pairing.visit_due_on, Household.id, Pairing.id]


def _rows_statement(scope: ColumnElement[bool], now: datetime):
    household_columns = [getattr(Household, name) for name in HouseholdSummary.COLUMNS]
    return (
        select(*household_columns, Pairing.id, Pairing.starts_on, Pairing.team_id, Team.name,
               Household.last_visit_at, Household.last_visit_on, Household.last_visit_logged_at,
               Pairing.visit_due_on, Pairing.visit_urgent_by, visit_state_sql(now))
        .select_from(Household).join(Pairing, Pairing.household_id == Household.id)
        .outerjoin(Team, Team.id == Pairing.team_id)
        .where(scope, active_on(Pairing, local_today(now)))
    )


def _read_rows(statement, now: datetime) -> list[BoardRow]:
    this_week = week_start(local_today(now))
    width = len(HouseholdSummary.COLUMNS)
    rows = []
    # Plain columns, not ORM objects: a community's whole board is thousands of rows.
    for values in db.session.execute(statement):
        household = HouseholdSummary(*values[:width])
        (pairing_id, starts_on, team_id, team_name, last_at, last_on, logged_at, due_on, urgent_by,
         state) = values[width:]
        rows.append(BoardRow(household, PairingSummary(pairing_id, starts_on, team_id), team_name, last_at,
                             rules.Due(rules.VisitState(state), due_on, urgent_by),
                             visited_this_week=last_on is not None and last_on >= this_week,
                             last_logged_at=logged_at))
    return rows


def _active_pairings(scope: ColumnElement[bool], today: date):
    """SQL: the ids of the pairings in scope active today."""
    return (select(Pairing.id).join(Household, Household.id == Pairing.household_id)
            .where(scope, active_on(Pairing, today)))


def _helpers_of(pairings, today: date) -> dict[int, list[tuple[int, str]]]:
    """The current helpers (user id, name) of these pairings (ids, or a statement selecting them), by pairing:
    one statement."""
    by_pairing: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pairing_id, user_id, name in db.session.execute(
            select(PairingHelper.pairing_id, User.id, User.name).join(User, User.id == PairingHelper.user_id)
            .where(PairingHelper.pairing_id.in_(pairings), active_on(PairingHelper, today))
            .order_by(PairingHelper.id)):
        by_pairing[pairing_id].append((user_id, name))
    return by_pairing


def board_rows(scope: ColumnElement[bool], now: datetime) -> list[BoardRow]:
    """Every active pairing in scope with its household's visit state (rules.next_due, as kept), by household."""
    rows = _read_rows(_rows_statement(scope, now).order_by(Household.id, Pairing.id), now)
    helpers = _helpers_of(_active_pairings(scope, local_today(now)), local_today(now))
    for row in rows:
        row.helpers = helpers.get(row.pairing.id, [])
    return rows


def urgency(row: BoardRow) -> tuple:
    """Overdue first, then due, then the rest; earliest due date first within each."""
    return (_RANK[row.due.state.value], row.due.due_on, row.household.id, row.pairing.id)


def board(scope: ColumnElement[bool], now: datetime, filters: BoardFilters = BoardFilters(), show: str = "",
          page: int = 1, per_page: int = 50) -> Board:
    """The board: the counts, and one page of the list asked for (`show`, one of BOARD_VIEWS, or every row)."""
    today = local_today(now)
    state = visit_state_sql(now)
    filtered = filters.conditions(today)
    lists = {"due": state == rules.VisitState.DUE.value,
             "visited": Household.last_visit_on >= week_start(today),
             "overdue": state == rules.VisitState.OVERDUE.value}
    # One pass over the scope's rows, by place: the filter's choices of 网格 and 楼栋 (from every row), and how many
    # rows the filters keep in all and in each list.
    kept = and_(true(), *filtered)
    places = db.session.execute(
        select(Household.grid, Household.building, func.sum(case((kept, 1), else_=0)),
               *(func.sum(case((kept & condition, 1), else_=0)) for condition in lists.values()))
        .join(Pairing, Pairing.household_id == Household.id).where(scope, active_on(Pairing, today))
        .group_by(Household.grid, Household.building)).all()
    total, *numbers = (sum(place[column] for place in places) for column in range(2, 3 + len(lists)))
    counts = dict(zip(lists, numbers, strict=True))
    listed = counts[show] if show in lists else total
    pages = max(1, -(-listed // per_page))
    page = min(max(page, 1), pages)
    statement = _rows_statement(scope, now).where(*filtered)
    if show in lists:
        statement = statement.where(lists[show])
    rows = _read_rows(statement.order_by(*_urgency_sql(state)).limit(per_page).offset((page - 1) * per_page), now)
    # The helpers of the page's rows only: the helper filter is a typed name, not a list of every helper in scope.
    helpers = _helpers_of([row.pairing.id for row in rows], today)
    for row in rows:
        row.helpers = helpers.get(row.pairing.id, [])
    return Board(counts=counts, total=total, listed=listed, page=page, pages=pages, rows=rows,
                 grids=sorted({place.grid for place in places if place.grid}),
                 buildings=sorted({place.building for place in places if place.building}, key=lambda b: (len(b), b)))


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
        select(FollowUp).where(FollowUp.community_id == community_id, FollowUp.status.in_(FOLLOW_UPS_NOT_CLOSED))
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
