"""The pairing board from real rows: each count equals the list behind it, scopes and filters,
major changes, and the handover and end of a pairing."""
from datetime import date, datetime, timedelta
from itertools import product

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import queries, services
from shequ_volunteer.pairing.access import may_see
from shequ_volunteer.pairing.queries import BoardFilters
from shequ_volunteer.refusals import Refused
from tests import factories as f

SHANGHAI = timedelta(hours=8)
NOW = datetime(2026, 11, 18, 10) - SHANGHAI  # Wednesday 18 Nov 2026, 10:00 Shanghai; week Mon 16 – Sun 22
EVERY_ROW = BoardFilters()


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


def whole(scope, now=NOW, filters=EVERY_ROW, show="") -> queries.Board:
    """The board with the list asked for on one page."""
    return queries.board(scope, now, filters, show, per_page=1000)


def lists(scope, now=NOW, filters=EVERY_ROW) -> dict[str, set[str]]:
    """The names in each of the board's lists."""
    return {key: names(whole(scope, now, filters, key).rows) for key in queries.BOARD_VIEWS}


def keeps(filters: BoardFilters, row: queries.BoardRow) -> bool:
    """What the filters mean, row by row."""
    household = row.household
    return ((not filters.grid or household.grid == filters.grid)
            and (not filters.building or household.building == filters.building)
            and (not filters.tier or household.tier == filters.tier)
            and (not filters.helper_name or any(filters.helper_name in name for _uid, name in row.helpers)))


def test_counts_are_the_lists_behind_them(world):
    home, *_rest, made = world
    board = whole(queries.community_scope(home.id))
    assert lists(queries.community_scope(home.id)) == {"overdue": {"甲"}, "due": {"丙"}, "visited": {"丁"}}
    assert board.counts == {"overdue": 1, "due": 1, "visited": 1} and board.total == board.listed == 5
    assert [row.household.head_name for row in board.rows][:2] == ["甲", "丙"]  # most urgent first
    assert board.grids == ["第1网格", "第2网格"] and board.buildings == ["1", "2", "3"]


def test_pages_of_a_list(world):
    home, *_rest = world
    scope = queries.community_scope(home.id)
    every = [row.household.head_name for row in whole(scope).rows]
    pages = [queries.board(scope, NOW, page=number, per_page=2) for number in (1, 2, 3, 4, 0)]
    assert [[row.household.head_name for row in page.rows] for page in pages] == [
        every[:2], every[2:4], every[4:], every[4:], every[:2]]  # past the end: the last page; before: the first
    assert [(page.page, page.pages) for page in pages] == [(1, 3), (2, 3), (3, 3), (3, 3), (1, 3)]


def test_every_filter_combination_keeps_counts_equal_to_lists(world):
    home, _staff, _team, _leader, helper, helper2, _made = world
    scope = queries.community_scope(home.id)
    every = queries.board_rows(scope, NOW)
    for grid, building, tier, helper_name in product(["", "第1网格", "第2网格"], ["", "2", "3"],
                                                     ["", "high", "key", "general"],
                                                     ["", helper.name, helper2.name[:1], "志愿", "%"]):
        filters = BoardFilters(grid=grid, building=building, tier=tier, helper_name=helper_name)
        board = whole(scope, NOW, filters)
        expected = [row for row in every if keeps(filters, row)]
        assert names(board.rows) == names(expected) and board.total == len(expected)
        for key, listed in lists(scope, NOW, filters).items():
            assert board.counts[key] == len(listed)
            assert listed <= names(board.rows)


def test_leader_sees_the_team_pairings_and_helper_filter(world):
    _home, _staff, team, _leader, helper, _helper2, _made = world
    assert names(whole(queries.teams_scope({team.id})).rows) == {"丙", "丁"}
    mine = queries.board_rows(queries.helper_scope(helper.id, date(2026, 11, 18)), NOW)
    assert names(mine) == {"甲", "丁"}


def test_major_change_makes_a_visit_due_within_a_day(world):
    home, staff, *_rest, made = world
    fine = made["fine_key"]
    services.report_major_change(actor_for(staff), fine, "hospital", "", NOW - timedelta(hours=2))
    db.session.commit()
    scope = queries.community_scope(home.id)
    row = next(row for row in whole(scope).rows if row.household.id == fine.id)
    assert row.due.urgent_by == NOW + timedelta(hours=22) and "乙" in lists(scope)["due"]
    assert "乙" in lists(scope, NOW + timedelta(hours=23))["overdue"]  # 25 hours after the change, nobody went


def test_logged_visit_moves_the_household_on_the_board(world):
    home, _staff, _team, _leader, helper, _helper2, made = world
    services.log_visit(actor_for(helper), made["overdue_high"], services.VisitInput(
        way="phone", visited_on=date(2026, 11, 18), duration_minutes=15), NOW)
    db.session.commit()
    listed = lists(queries.community_scope(home.id))
    assert listed["overdue"] == set() and listed["visited"] == {"甲", "丁"}


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
    assert "丁" not in names(whole(queries.community_scope(home.id)).rows)
