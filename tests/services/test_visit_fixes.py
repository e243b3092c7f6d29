"""更正 and 删除 of a visit log (pairing.corrections): who may, what the date may become, what goes with a deleted
visit, and that afterwards the board and the kept report figures are what the records give — compared by the
same checks the random walks of test_board_schedules and test_kept_figures make after every step."""
from __future__ import annotations

import random
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.audit.models import VISIT_CORRECTED, VISIT_DELETED, AuditEntry
from shequ_volunteer.extensions import db
from shequ_volunteer.feed_versions.models import PERSONAL, FeedVersion
from shequ_volunteer.pairing import corrections, services
from shequ_volunteer.pairing.models import FollowUp, Household, Pairing, Visit, VisitAid
from shequ_volunteer.refusals import Refused
from shequ_volunteer.reports.models import FigureDay
from shequ_volunteer.timeutil import at_local, local_date, local_today
from tests import factories as f
from tests.services import test_board_schedules as board_walk
from tests.services import test_kept_figures as figures_walk

START = at_local(date(2026, 12, 27), time(21, 30))  # a Sunday evening: a Beijing midnight and a new week soon


def build():
    home, other = f.community(), f.community("和平里社区")
    staff, staff_elsewhere = f.staff(home), f.staff(other, name="外社工")
    team = f.team(home, name="党员先锋队", kind="party")
    helpers = [f.user(home, name) for name in ("王志愿", "赵志愿")]
    leader = f.user(home, "队长李")
    f.member(team, leader, leader=True)
    households = [f.household(home, head_name=f"老人{number}", building=str(number + 3), tier=tier)
                  for number, tier in enumerate(("high", "key"))]
    for household in households:
        services.create_pairing(actor_for(staff), household, [person.phone for person in helpers], None, "独居",
                                local_today(START) - timedelta(days=40), START)
    db.session.commit()
    return SimpleNamespace(home=home, other=other, staff=staff, staff_elsewhere=staff_elsewhere, team=team,
                           helpers=helpers, leader=leader, households=households)


def log(world, who, household, days_back: int, now, **changes) -> Visit:
    data = services.VisitInput(**{"way": "home", "visited_on": local_today(now) - timedelta(days=days_back),
                                  "duration_minutes": 30, **changes})
    visit = services.log_visit(actor_for(who), household, data, now)
    db.session.commit()
    return visit


def same_input(visit: Visit, **changes) -> services.VisitInput:
    values = {"way": visit.way, "visited_on": visit.visited_on, "duration_minutes": visit.duration_minutes,
              "concerns": [key for key in visit.concerns.split(",") if key], "note": visit.note, **changes}
    return services.VisitInput(**values)


def all_derived_right(world, now) -> None:
    """The board (due dates, 逾期, lists) and the kept figures and report pages equal their record definitions."""
    rng = random.Random(7)
    board_walk.check(world, now, rng)
    figures_walk.check(world, now, rng, 0)


def version(user_id: int) -> int:
    return db.session.scalar(select(FeedVersion.version).where(FeedVersion.scope == PERSONAL,
                                                               FeedVersion.scope_id == user_id)) or 0


def fresh(model, ident):
    db.session.rollback()
    return db.session.get(model, ident)


# --- who may ---------------------------------------------------------------------------------------

def test_the_visitor_may_fix_for_seven_beijing_days_then_only_staff(app):
    world = build()
    helper, household = world.helpers[0], world.households[0]
    visit = log(world, helper, household, 1, START)  # logged Sunday 21:30 Beijing
    last_own_day = at_local(local_date(START) + timedelta(days=7), time(23, 59, 59))
    corrections.correct_visit(actor_for(helper), visit, same_input(visit, duration_minutes=40), last_own_day)
    db.session.commit()
    a_second_later = last_own_day + timedelta(seconds=1)  # Beijing midnight: the eighth day
    visit = fresh(Visit, visit.id)
    with pytest.raises(Refused, match="超过7天"):
        corrections.correct_visit(actor_for(helper), visit, same_input(visit, duration_minutes=50), a_second_later)
    db.session.rollback()
    visit = fresh(Visit, visit.id)
    with pytest.raises(Refused, match="超过7天"):
        corrections.delete_visit(actor_for(helper), visit, "duplicate", a_second_later)
    db.session.rollback()
    visit = fresh(Visit, visit.id)
    for who in (world.helpers[1], world.leader, world.staff_elsewhere):  # another helper, the leader, elsewhere
        with pytest.raises(Refused, match="只有记录人或社区工作人员"):
            corrections.correct_visit(actor_for(who), visit, same_input(visit, duration_minutes=50), START)
        db.session.rollback()
        visit = fresh(Visit, visit.id)
    assert visit.duration_minutes == 40
    a_year_on = START + timedelta(days=400)
    corrections.correct_visit(actor_for(world.staff), visit, same_input(visit, duration_minutes=55), a_year_on)
    db.session.commit()
    assert fresh(Visit, visit.id).duration_minutes == 55


def test_a_corrected_date_passes_the_logging_rule_on_the_day_it_was_logged(app):
    world = build()
    helper = world.helpers[0]
    visit = log(world, helper, world.households[0], 0, START)
    logged_on, later = local_today(START), START + timedelta(days=3)
    for visited_on, message in [(logged_on + timedelta(days=1), "不能晚于记录探访的那一天"),
                                (logged_on - timedelta(days=32), "只能记录31天内的探访")]:
        with pytest.raises(Refused, match=message) as refused:
            corrections.correct_visit(actor_for(helper), visit, same_input(visit, visited_on=visited_on), later)
        assert refused.value.field == "visited_on"
        db.session.rollback()
        visit = fresh(Visit, visit.id)
    with pytest.raises(Refused, match="请从列出的选项中选择"):
        corrections.correct_visit(actor_for(helper), visit, same_input(visit, way="walk"), later)
    db.session.rollback()
    visit = fresh(Visit, visit.id)
    # 31 days before the logging day is allowed, as when logging; the moment is noon of that day.
    corrections.correct_visit(actor_for(helper), visit, same_input(visit, visited_on=logged_on - timedelta(days=31)),
                              later)
    db.session.commit()
    visit = fresh(Visit, visit.id)
    assert visit.visited_on == logged_on - timedelta(days=31)
    assert visit.visited_at == at_local(logged_on - timedelta(days=31), time(12))
    # Back to the logging day: the logging moment itself, as log_visit gives a visit of today.
    corrections.correct_visit(actor_for(helper), visit, same_input(visit, visited_on=logged_on), later)
    db.session.commit()
    assert fresh(Visit, visit.id).visited_at == START


# --- what stays right ----------------------------------------------------------------------------------

def test_after_corrections_and_deletions_the_board_and_the_kept_figures_are_the_records(app):
    world = build()
    helper, staff = world.helpers[0], world.staff
    now = START
    first = log(world, helper, world.households[0], 5, now, follow_up_reason="燃气灶坏了")
    latest = log(world, helper, world.households[0], 0, now, concerns=["food"], note="冰箱空了",
                 aid=[("大米", 5000)])
    other = log(world, world.helpers[1], world.households[1], 2, now)
    all_derived_right(world, now)
    before = version(helper.id)

    # A mistyped date: the latest visit was really 20 days ago. The household is overdue again (高风险: 7 days).
    now = START + timedelta(hours=3)  # past Beijing midnight: another day, a new week
    latest = fresh(Visit, latest.id)
    changes = corrections.correct_visit(actor_for(helper), latest, same_input(
        latest, visited_on=local_date(START) - timedelta(days=20), way="phone", note="冰箱满了"), now)
    db.session.commit()
    assert changes[1:] == ["方式 上门→电话", "情况简述"] and changes[0].startswith("日期 ")
    assert version(helper.id) > before
    household = fresh(Household, world.households[0].id)
    assert household.last_visit_on == local_date(START) - timedelta(days=5)  # the other visit is now the latest
    all_derived_right(world, now)
    board = {row.household.id: row.due.state.value for row in
             board_walk.queries.board_rows(board_walk.queries.community_scope(world.home.id), now)}
    assert board[world.households[0].id] == "due"  # 5 days ago, 高风险: due within the week
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == VISIT_CORRECTED)).one()
    assert (entry.actor_id, entry.at, entry.target_type, entry.target_id, entry.community_id) == \
        (helper.id, now, "visits", latest.id, world.home.id)
    assert "方式 上门→电话" in entry.summary and "冰箱" not in entry.summary and "老人" not in entry.summary

    # Deleted: the visit that raised a follow-up no one has taken up yet goes with it; so do its aid lines.
    now += timedelta(days=1)
    before = version(helper.id)
    first = fresh(Visit, first.id)
    follow_up_id = db.session.scalar(select(FollowUp.id).where(FollowUp.visit_id == first.id))
    corrections.delete_visit(actor_for(staff), first, "wrong_household", now)
    db.session.commit()
    assert fresh(Visit, first.id) is None and db.session.get(FollowUp, follow_up_id) is None
    assert version(helper.id) > before
    all_derived_right(world, now)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == VISIT_DELETED)).one()
    assert (entry.actor_id, entry.target_id) == (staff.id, first.id)
    assert "选错了帮扶对象" in entry.summary and "跟进" in entry.summary

    latest = fresh(Visit, latest.id)
    corrections.delete_visit(actor_for(helper), latest, "duplicate", now)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(VisitAid)) == 0
    household = fresh(Household, world.households[0].id)
    assert household.last_visit_on is None  # no visit left: due counts from the pairing's start
    all_derived_right(world, now)
    # The kept figures held the deleted visits' days before: they are gone from them now.
    assert db.session.scalar(select(func.coalesce(func.sum(FigureDay.visits), 0)).where(
        FigureDay.community_id == world.home.id)) == 1
    assert fresh(Visit, other.id) is not None


@pytest.mark.parametrize("status", ["taken", "doing", "closed"])
def test_a_visit_whose_follow_up_is_being_handled_is_not_deleted(app, status):
    world = build()
    visit = log(world, world.helpers[0], world.households[0], 1, START, follow_up_reason="漏水",
                aid=[("牛奶", 2000)])
    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.visit_id == visit.id)).one()
    # "taken": a staff member took it on without moving it on (an owner, still 待处理).
    services.update_follow_up(actor_for(world.staff), follow_up, {"taken": "open"}.get(status, status), None,
                              "修好了" if status == "closed" else "", START)
    db.session.commit()
    visit = fresh(Visit, visit.id)
    with pytest.raises(Refused, match="已经有工作人员在处理"):
        corrections.delete_visit(actor_for(world.staff), visit, "duplicate", START + timedelta(hours=1))
    db.session.rollback()
    assert fresh(Visit, visit.id) is not None
    assert db.session.scalar(select(func.count()).select_from(VisitAid)) == 1
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.kind == VISIT_DELETED)) == 0


def test_a_deletion_needs_a_listed_reason_and_a_visit_deleted_twice_is_refused(app):
    world = build()
    visit = log(world, world.helpers[0], world.households[0], 1, START)
    for reason in ("", "随便", "<script>"):
        with pytest.raises(Refused, match="请选择删除的原因"):
            corrections.delete_visit(actor_for(world.staff), visit, reason, START)
        db.session.rollback()
        visit = fresh(Visit, visit.id)
    stale = visit
    corrections.delete_visit(actor_for(world.staff), visit, "not_visited", START)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Pairing)) == 2  # nothing else went
    with pytest.raises(Refused, match="已经删除了"):
        corrections.delete_visit(actor_for(world.helpers[0]), stale, "duplicate", START)
