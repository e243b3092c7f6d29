"""The board read from what pairing.schedules keeps is the board rules.next_due gives over the records, always.

A seeded random walk of a few hundred steps through what changes a household's visit schedule — visits (back-dated
up to the 31 days allowed), major changes, tier and interval changes, pairings made (from today, from a past or
a future day, or many at once as an import makes them), ended and handed over, helpers leaving — with the clock
moving on by minutes, hours or days, often up to a Beijing midnight or a Monday. After every step, at the step's
instant and at another one a moment to a few days later with nothing written in between (midnights, the end of a
week, the very moment a major change's 24 hours run out): every household's kept fields are the latest of its
records, and every row, state, due date, count, list, order and page of the board — whole, filtered, by team and
by helper — is what rules.next_due computes from the records read here, row by row, in Python.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import queries, rules, services
from shequ_volunteer.pairing.models import Household, HouseholdEvent, Pairing, PairingHelper, Visit
from shequ_volunteer.pairing.queries import BOARD_VIEWS, BoardFilters
from shequ_volunteer.timeutil import at_local, local_midnight, local_today, week_start
from tests import factories as f
from tests.support.walks import wait_for_a_lock_wait, walk

SEED, STEPS = 15, 200
START = at_local(date(2026, 12, 27), time(21, 30))  # a Sunday evening in Beijing: a midnight and a new week soon
TIERS, INTERVALS = list(rules.TIER_INTERVAL_DAYS), [None, None, 3, 14]
GRIDS, BUILDINGS = ["第1网格", "第2网格"], ["3", "7", "12"]


@dataclass
class World:
    home: object
    staff: object
    team: object
    helpers: list
    households: list


def build() -> World:
    home = f.community()
    staff = f.staff(home)
    team = f.team(home, name="党员先锋队", kind="party")
    helpers = [f.user(home, name) for name in ("王志愿", "赵志愿", "钱志愿", "孙志愿")]
    f.member(team, helpers[0], leader=True)
    f.member(team, helpers[1])
    households = [f.household(home, head_name=f"老人{number}", grid=GRIDS[number % 2],
                              building=BUILDINGS[number % 3], room=f"{number}01", tier=TIERS[number % 3])
                  for number in range(6)]
    return World(home, staff, team, helpers, households)


# --------------------------------------------------------------------------- the steps

def tick(rng, world, now):
    """The clock moves on: minutes, hours, days, or to a second before a Beijing midnight or a Monday."""
    today = local_today(now)
    choice = rng.random()
    if choice < 0.3:
        return now + timedelta(minutes=rng.randint(1, 180))
    if choice < 0.55:
        return now + timedelta(hours=rng.randint(3, 30))
    if choice < 0.75:
        return now + timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 1440))
    if choice < 0.9:
        return max(now, local_midnight(today + timedelta(days=1)) - timedelta(seconds=1))
    return max(now, local_midnight(week_start(today) + timedelta(days=7)) - timedelta(seconds=1))


def visit(rng, world, now):
    household = rng.choice(world.households)
    visited_on = local_today(now) - timedelta(days=rng.choice([0, 0, 0, 1, 2, 6, 13, 31]))
    services.log_visit(actor_for(world.staff), household, services.VisitInput(
        way=rng.choice(["home", "phone"]), visited_on=visited_on, duration_minutes=20), now)


def major_change(rng, world, now):
    services.report_major_change(actor_for(world.staff), rng.choice(world.households), "hospital", "", now)


def tier(rng, world, now):
    household = rng.choice(world.households)
    services.save_household(actor_for(world.staff), household, {
        "head_name": household.head_name, "building": household.building, "tier": rng.choice(TIERS),
        "visit_interval_days": rng.choice(INTERVALS), "categories": ["empty_nest"], "consent": True}, now)


def pair(rng, world, now):
    """Mostly a household with no pairing going on; sometimes one with a pairing (refused, or made to start
    after it ends)."""
    free = _unpaired(world, now)
    household = rng.choice(free if free and rng.random() < 0.8 else world.households)
    helpers = rng.sample(world.helpers, rng.choice([0, 1, 1, 2]))
    starts_on = local_today(now) + timedelta(days=rng.choice([0, 0, -3, -40, 2, 9]))
    services.create_pairing(actor_for(world.staff), household, [person.phone for person in helpers],
                            world.team.id if not helpers or rng.random() < 0.3 else None, "结对", starts_on, now)


def pair_many(rng, world, now):
    """As an import pairs households: from today, in one go."""
    free = _unpaired(world, now)
    chosen = rng.sample(free, min(2, len(free)))
    services.pair_with_helpers(actor_for(world.staff), world.home.id,
                               {household.id: [rng.choice(world.helpers)] for household in chosen}, "名单导入", now)


def end(rng, world, now):
    pairing = _active_pairing(rng, world, now)
    if pairing is not None:
        services.end_pairing(actor_for(world.staff), pairing, now)


def handover(rng, world, now):
    pairing = _active_pairing(rng, world, now)
    if pairing is not None:
        people = rng.sample(world.helpers, rng.choice([1, 2]))
        services.change_helpers(actor_for(world.staff), pairing, [person.phone for person in people], now)


def helper_leaves(rng, world, now):
    services.helper_leaves(rng.choice(world.helpers).id, now)


def _unpaired(world, now) -> list:
    """The households with no pairing that has not ended (nor one yet to start)."""
    today = local_today(now)
    paired = set(db.session.scalars(db.select(Pairing.household_id).where(
        Pairing.ends_on.is_(None) | (Pairing.ends_on >= today))))
    return [household for household in world.households if household.id not in paired]


def _active_pairing(rng, world, now) -> Pairing | None:
    active = [p for p in db.session.scalars(db.select(Pairing).order_by(Pairing.id)) if p.is_active(local_today(now))]
    return rng.choice(active) if active else None


STEP_WEIGHTS = {tick: 30, visit: 22, major_change: 8, tier: 8, pair: 12, pair_many: 3, end: 7, handover: 6,
                helper_leaves: 2}


# --------------------------------------------------------------------------- the records, read plainly

@dataclass(frozen=True)
class Expected:
    household_id: int
    due: rules.Due
    visited_this_week: bool
    helper_ids: frozenset[int]
    team_id: int | None


def expected_board(now: datetime) -> dict[int, Expected]:
    """Every active pairing's row by pairing id: rules.next_due over the records, computed here."""
    today = local_today(now)
    visits = list(db.session.scalars(db.select(Visit)))
    events = list(db.session.scalars(db.select(HouseholdEvent)))
    helpers = list(db.session.scalars(db.select(PairingHelper)))
    rows = {}
    for pairing in db.session.scalars(db.select(Pairing)):
        if not pairing.is_active(today):
            continue
        household = db.session.get(Household, pairing.household_id)
        own = [v for v in visits if v.household_id == household.id]
        changes = [e.happened_at for e in events if e.household_id == household.id]
        schedule = rules.Schedule(tier=household.tier, interval_days=household.visit_interval_days,
                                  paired_since=local_midnight(pairing.starts_on),
                                  last_visit_at=max((v.visited_at for v in own), default=None),
                                  major_change_at=max(changes, default=None))
        rows[pairing.id] = Expected(
            household.id, rules.next_due(schedule, now),
            any(v.visited_on >= week_start(today) for v in own),
            frozenset(h.user_id for h in helpers if h.pairing_id == pairing.id and h.starts_on <= today
                      and (h.ends_on is None or h.ends_on >= today)), pairing.team_id)
    return rows


def expected_kept(household_id: int, visits: list[Visit], events: list[HouseholdEvent]) -> tuple:
    """The latest of the household's records: what schedules.refresh keeps on it."""
    own = [v for v in visits if v.household_id == household_id]
    changes = [e.happened_at for e in events if e.household_id == household_id]
    return (max((v.visited_at for v in own), default=None), max((v.visited_on for v in own), default=None),
            max((v.created_at for v in own), default=None), max(changes, default=None))


def urgency(pairing_id: int, row: Expected) -> tuple:
    return ({"overdue": 0, "due": 1, "fine": 2}[row.due.state.value], row.due.due_on, row.household_id, pairing_id)


# --------------------------------------------------------------------------- the comparison

def check(world: World, now: datetime, rng: random.Random, after_a_write: bool = True) -> set[str]:
    """Compare; return the states the board showed (and "urgent" when a major change was pending). Read again
    later with nothing written (`after_a_write` False), the kept fields are the same rows: only the board's
    reading at the new instant is compared, unfiltered."""
    db.session.expire_all()
    if after_a_write:
        visits, events = list(db.session.scalars(db.select(Visit))), list(db.session.scalars(db.select(HouseholdEvent)))
        for household_id, *kept in db.session.execute(db.select(
                Household.id, Household.last_visit_at, Household.last_visit_on, Household.last_visit_logged_at,
                Household.major_change_at)):
            assert tuple(kept) == expected_kept(household_id, visits, events), household_id
    expected = expected_board(now)
    scope = queries.community_scope(world.home.id)
    read = {row.pairing.id: Expected(row.household.id, row.due, row.visited_this_week,
                                     frozenset(uid for uid, _name in row.helpers), row.pairing.team_id)
            for row in queries.board_rows(scope, now)}
    assert read == expected
    today = local_today(now)
    helper = rng.choice(world.helpers)
    filtered = [BoardFilters(grid=rng.choice(GRIDS), tier=rng.choice(TIERS)),
                BoardFilters(building=rng.choice(BUILDINGS),
                             helper_name=rng.choice([helper.name, helper.name[:1], "志愿"]))] if after_a_write else []
    names = {person.id: person.name for person in world.helpers}
    for filters in (BoardFilters(), *filtered):
        kept = {pairing_id: row for pairing_id, row in expected.items() if keeps(filters, row, names)}
        lists = {"": kept,
                 "due": {k: r for k, r in kept.items() if r.due.state == rules.VisitState.DUE},
                 "visited": {k: r for k, r in kept.items() if r.visited_this_week},
                 "overdue": {k: r for k, r in kept.items() if r.due.state == rules.VisitState.OVERDUE}}
        # After a write every list of the whole board; otherwise all the rows and one list (the test stays quick).
        shows = list(lists) if after_a_write and filters == BoardFilters() else ["", rng.choice(list(BOARD_VIEWS))]
        for show in shows:
            rows = lists[show]
            board = queries.board(scope, now, filters, show, per_page=1000)
            assert board.counts == {key: len(lists[key]) for key in BOARD_VIEWS}, (filters, show)
            assert board.total == len(kept) and board.listed == len(rows)
            assert [row.pairing.id for row in board.rows] == sorted(rows, key=lambda k: urgency(k, rows[k])), show
    ordered = sorted(expected, key=lambda k: urgency(k, expected[k]))
    page = queries.board(scope, now, page=2, per_page=2)
    assert [row.pairing.id for row in page.rows] == ordered[(page.page - 1) * 2:page.page * 2]
    mine = {row.pairing.id for row in queries.board_rows(queries.helper_scope(helper.id, today), now)}
    assert mine == {k for k, row in expected.items() if helper.id in row.helper_ids}
    team = {row.pairing.id for row in queries.board_rows(queries.teams_scope({world.team.id}), now)}
    assert team == {k for k, row in expected.items() if row.team_id == world.team.id}
    return ({row.due.state.value for row in expected.values()}
            | {"urgent" for row in expected.values() if row.due.urgent_by is not None})


def keeps(filters: BoardFilters, row: Expected, names: dict[int, str]) -> bool:
    household = db.session.get(Household, row.household_id)
    return ((not filters.grid or household.grid == filters.grid)
            and (not filters.building or household.building == filters.building)
            and (not filters.tier or household.tier == filters.tier)
            and (not filters.helper_name or any(filters.helper_name in names[uid] for uid in row.helper_ids)))


def a_moment_later(rng: random.Random, now: datetime) -> datetime:
    """Another instant to read the same rows at: a Beijing midnight (either side), a Monday, the moment a major
    change's 24 hours run out (either side), or a few days on."""
    today = local_today(now)
    urgent = list(db.session.scalars(db.select(Pairing.visit_urgent_by).where(Pairing.visit_urgent_by > now)))
    moments = [local_midnight(today + timedelta(days=1)), local_midnight(week_start(today) + timedelta(days=7)),
               now + timedelta(days=rng.randint(1, 20))]
    moment = rng.choice(moments + urgent * 2)
    return moment + rng.choice([timedelta(0), timedelta(seconds=-1), timedelta(seconds=1)])


def test_the_kept_board_equals_the_rules_over_the_records_after_every_change(app):
    world, rng, seen = build(), random.Random(SEED), set()

    def check_twice(_step, now, _number):
        seen.update(check(world, now, rng) | check(world, max(now, a_moment_later(rng, now)), rng, after_a_write=False))

    walk(world, rng, START, STEP_WEIGHTS, STEPS, check_twice, shown=8)
    assert seen == {"fine", "due", "overdue", "urgent"}  # every state was on the board at some point


def test_a_second_writer_of_a_household_waits_and_keeps_the_latest_of_both(app, db_kind):
    """PostgreSQL runs two transactions that log visits of one household side by side. schedules.refresh locks the
    household before it reads the visits, so the second waits for the first to commit and keeps the latest of both;
    unlocked, it would read before the first committed and write its own older latest over the first's. (SQLite
    admits one writer at a time.)"""
    if db_kind != "postgresql":
        pytest.skip("SQLite's single write lock")
    world = build()
    household_id, staff_id, helper = world.households[0].id, world.staff.id, world.helpers[0]
    f.pairing(world.households[0], world.staff, helpers=[helper])
    now = START
    services.log_visit(actor_for(world.staff), world.households[0], services.VisitInput(
        way="home", visited_on=local_today(now), duration_minutes=30), now)  # not committed: the lock is held

    def second_writer():
        with app.app_context():
            staff, household = db.session.get(User, staff_id), db.session.get(Household, household_id)
            services.log_visit(actor_for(staff), household, services.VisitInput(
                way="phone", visited_on=local_today(now) - timedelta(days=3), duration_minutes=10), now)
            db.session.commit()
            db.session.remove()

    second = threading.Thread(target=second_writer)
    second.start()
    waited = wait_for_a_lock_wait()
    db.session.commit()
    second.join(timeout=30)
    assert waited and not second.is_alive()
    db.session.expire_all()
    assert db.session.get(Household, household_id).last_visit_at == now  # the first's visit, today
