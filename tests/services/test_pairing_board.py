"""The pairing board from real rows: each count equals the list behind it, scopes and filters,
major changes, and the handover and end of a pairing."""
from datetime import date, datetime, timedelta
from itertools import product

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import queries, services
from shequ_volunteer.pairing.access import may_see
from shequ_volunteer.pairing.models import HouseholdEvent
from shequ_volunteer.pairing.queries import BoardFilters
from shequ_volunteer.refusals import Refused
from tests import factories as f

SHANGHAI = timedelta(hours=8)
NOW = datetime(2026, 11, 18, 10) - SHANGHAI  # Wednesday 18 Nov 2026, 10:00 Shanghai; week Mon 16 – Sun 22


def local(y, m, d, hh=10) -> datetime:
    return datetime(y, m, d, hh) - SHANGHAI


@pytest.fixture
def world(app):
    home = f.community()
    staff = f.staff(home)
    team, other_team = f.team(home, name="党员先锋队", kind="party"), f.team(home, name="巾帼队", kind="women")
    leader, helper, helper2 = f.user(home, "李队长"), f.user(home, "王志愿"), f.user(home, "赵志愿")
    f.member(team, leader, leader=True)
    f.member(team, helper)
    f.member(other_team, helper2)

    def household(name, tier, building, grid, **pairing):
        return f.paired_household(home, staff, head_name=name, tier=tier, building=building, grid=grid,
                                  **{"since": date(2026, 1, 5), **pairing})

    made = {
        # high tier, visited 10 days ago: overdue since 15 Nov
        "overdue_high": household("甲", "high", "1", "第1网格", last_visit=local(2026, 11, 8), helpers=[helper]),
        # key tier, visited 25 days ago: due 23 Nov — next week, fine
        "fine_key": household("乙", "key", "2", "第1网格", last_visit=local(2026, 10, 24), helpers=[helper2]),
        # key tier, visited 28 days ago: due 20 Nov, this week
        "due_key": household("丙", "key", "2", "第2网格", last_visit=local(2026, 10, 21), team_obj=team),
        # high tier, visited on Monday this week: visited, next due 23 Nov
        "visited_high": household("丁", "high", "3", "第2网格", last_visit=local(2026, 11, 16), helpers=[helper],
                                  team_obj=team),
        # general tier paired this Monday, never visited: a full quarter ahead
        "new_general": household("戊", "general", "3", "第1网格", helpers=[helper2], since=date(2026, 11, 16)),
    }
    return home, staff, team, leader, helper, helper2, made


def names(rows) -> set[str]:
    return {row.household.head_name for row in rows}


def test_counts_are_the_lists_behind_them(world):
    home, *_rest, made = world
    board = queries.board(queries.community_scope(home.id), NOW)
    assert {key: names(rows) for key, rows in board.lists.items()} == {
        "overdue": {"甲"}, "due": {"丙"}, "visited": {"丁"}}
    assert board.counts == {"overdue": 1, "due": 1, "visited": 1}
    assert [row.household.head_name for row in board.rows][:2] == ["甲", "丙"]  # most urgent first
    assert board.grids == ["第1网格", "第2网格"] and board.buildings == ["1", "2", "3"]


def test_every_filter_combination_keeps_counts_equal_to_lists(world):
    home, _staff, _team, _leader, helper, helper2, _made = world
    every = queries.board(queries.community_scope(home.id), NOW).rows
    for grid, building, tier, helper_id in product(["", "第1网格", "第2网格"], ["", "2", "3"],
                                                   ["", "high", "key", "general"], [None, helper.id, helper2.id]):
        filters = BoardFilters(grid=grid, building=building, tier=tier, helper_id=helper_id)
        board = queries.board(queries.community_scope(home.id), NOW, filters)
        expected = [row for row in every if filters.keep(row)]
        assert names(board.rows) == names(expected)
        for key, rows in board.lists.items():
            assert board.counts[key] == len(rows)
            assert names(rows) <= names(board.rows)


def test_leader_sees_the_team_pairings_and_helper_filter(world):
    _home, _staff, team, _leader, helper, _helper2, _made = world
    assert names(queries.board(queries.teams_scope({team.id}), NOW).rows) == {"丙", "丁"}
    mine = queries.board_rows(queries.helper_scope(helper.id, date(2026, 11, 18)), NOW)
    assert names(mine) == {"甲", "丁"}


def test_major_change_makes_a_visit_due_within_a_day(world):
    home, staff, *_rest, made = world
    fine = made["fine_key"]
    db.session.add(HouseholdEvent(household_id=fine.id, kind="hospital", happened_at=NOW - timedelta(hours=2),
                                  reported_by_id=staff.id))
    db.session.commit()
    board = queries.board(queries.community_scope(home.id), NOW)
    row = next(row for row in board.rows if row.household.id == fine.id)
    assert row.due.urgent_by == NOW + timedelta(hours=22) and "乙" in names(board.lists["due"])
    later = queries.board(queries.community_scope(home.id), NOW + timedelta(hours=23))
    assert "乙" in names(later.lists["overdue"])  # 25 hours after the change, nobody went


def test_logged_visit_moves_the_household_on_the_board(world):
    home, _staff, _team, _leader, helper, _helper2, made = world
    services.log_visit(actor_for(helper), made["overdue_high"], services.VisitInput(
        way="phone", visited_on=date(2026, 11, 18), duration_minutes=15), NOW)
    db.session.commit()
    board = queries.board(queries.community_scope(home.id), NOW)
    assert names(board.lists["overdue"]) == set() and names(board.lists["visited"]) == {"甲", "丁"}


def test_handover_and_end(world):
    home, staff, team, leader, helper, helper2, made = world
    household = made["visited_high"]
    pairing = services.active_pairing(household.id, date(2026, 11, 18))
    with pytest.raises(Refused, match="不是本队队员"):
        services.change_helpers(actor_for(leader), pairing, [helper2.phone], NOW)  # not in the leader's team
    db.session.rollback()
    services.change_helpers(actor_for(staff), pairing, [helper2.phone], NOW)
    db.session.commit()
    today = date(2026, 11, 18)
    assert not may_see(actor_for(helper), household, today) and may_see(actor_for(helper2), household, today)
    history = {(person.name, row.ends_on) for row, person in queries.helper_history(household.id)}
    assert history == {("王志愿", date(2026, 11, 17)), ("赵志愿", None)}
    with pytest.raises(Refused, match="已有正在进行的结对"):
        services.create_pairing(actor_for(staff), household, [helper.phone], None, "再结对", today, NOW)
    db.session.rollback()
    services.end_pairing(actor_for(staff), pairing, NOW)
    db.session.commit()
    assert not may_see(actor_for(helper2), household, today) and not may_see(actor_for(leader), household, today)
    assert "丁" not in names(queries.board(queries.community_scope(home.id), NOW).rows)
