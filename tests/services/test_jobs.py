"""The scheduled jobs (jobs.services.run_jobs) on a real database: each reaches exactly the right people, once a
Beijing day, with words that name no household, at any given instant — across month and year ends, never by the
real clock."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from shequ_volunteer.extensions import db
from shequ_volunteer.jobs.housekeeping import PRUNE_KIND, prune
from shequ_volunteer.jobs.models import JobRun
from shequ_volunteer.jobs.services import run_jobs
from shequ_volunteer.messages import kinds
from shequ_volunteer.messages import services as messages
from shequ_volunteer.timeutil import local_today
from tests import factories as f
from tests.support.job_worlds import activity_world, beijing, messages_of, pairing_world, sent_pairs

# Each a Beijing time when messages go out, the day before a month's or a year's end, or 29 February.
INSTANTS = ["2026-12-31 10:00", "2027-01-31 08:00", "2028-02-28 20:59", "2028-02-29 12:00", "2026-11-30 15:30"]


def ids(people) -> list[int]:
    return sorted(person.id for person in people)


@pytest.mark.parametrize("instant", INSTANTS)
def test_the_reminder_reaches_everyone_holding_a_place_tomorrow_and_nobody_else(app, instant):
    now = beijing(instant)
    world = activity_world(now)
    run_jobs(now)
    reminders = messages_of("reminder_tomorrow")
    assert [m.user_id for m in reminders] == ids([world.confirmed, world.pending, world.with_companion])
    by_person = {m.user_id: m for m in reminders}
    confirmed = by_person[world.confirmed.id]
    assert confirmed.title == "明天 09:00：周末清洁家园"
    assert "09:00–11:00" in confirmed.body and "地点：社区活动室" in confirmed.body
    assert "请带手套和水杯" in confirmed.body  # what to bring: the activity's description
    assert confirmed.link == f"/activities/{world.activity.id}" and confirmed.created_at == now
    assert "审核" not in confirmed.body and "审核" in by_person[world.pending.id].body
    assert "你报了2人" in by_person[world.with_companion.id].body
    silent = {person.id for person in world.silent}
    assert not silent & {m.user_id for m in messages_of()}


@pytest.mark.parametrize("instant", INSTANTS)
def test_leaders_hear_when_their_activity_tomorrow_is_under_half_full(app, instant):
    now = beijing(instant)
    world = activity_world(now)  # 20 places; 6 seats held (confirmed, 待审核, 2 companions, 我去不了, stopped)
    run_jobs(now)
    alerts = messages_of("leader_under_half")
    assert [m.user_id for m in alerts] == ids(world.leaders)
    assert alerts[0].title == "明天的活动报名不到一半：周末清洁家园"
    assert "已报 6 人，共 20 个名额" in alerts[0].body


def test_half_full_or_without_a_limit_is_not_under_half(app):
    now = beijing("2026-12-31 10:00")
    world = activity_world(now)
    world.activity.capacity = 12  # 6 of 12: exactly half
    db.session.commit()
    run_jobs(now)
    assert messages_of("leader_under_half") == []
    world.activity.capacity = None
    db.session.commit()
    run_jobs(beijing("2026-12-31 11:00"))
    assert messages_of("leader_under_half") == []


@pytest.mark.parametrize("instant", INSTANTS)
def test_each_helper_gets_one_digest_of_buildings_and_dates_only(app, instant):
    now = beijing(instant)
    world = pairing_world(now, households=2)
    run_jobs(now)
    [digest] = messages_of("visits_due_digest")
    assert digest.user_id == world.helper.id and digest.link == "/me/pairings"
    assert digest.title == "探访提醒：3户需要探访（2户已逾期）"
    assert digest.body.startswith("已逾期2户：3号楼（") and "本周应访1户：5号楼（" in digest.body
    assert "7号楼" not in digest.body  # fine: not due
    for private in ("孙秀兰", "周桂芝", "201", "102", "高风险", "重点", "残疾", "空巢"):
        assert private not in digest.title + digest.body


@pytest.mark.parametrize("instant", INSTANTS[:3])
def test_households_paired_only_with_a_team_reach_its_leaders_in_their_one_digest(app, instant):
    now = beijing(instant)
    home = f.community()
    staff = f.staff(home)
    team, other_team = f.team(home), f.team(home, "巡逻队")
    leader, stopped_leader, member, other_leader, helper = (
        f.user(home, name) for name in ("李队长", "停用的队长", "队员", "别队队长", "王志愿"))
    for person, its_team, leads in ((leader, team, True), (stopped_leader, team, True), (member, team, False),
                                    (other_leader, other_team, True)):
        f.member(its_team, person, leader=leads)
    stopped_leader.deactivated_at = now
    since = local_today(now) - timedelta(days=200)
    f.paired_household(home, staff, team_obj=team, since=since, head_name="冯奶奶", building="11", room="301",
                       tier="high", categories="disabled")  # the team's alone, never visited: overdue
    f.paired_household(home, staff, team_obj=team, since=since, last_visit=now - timedelta(days=1),
                       head_name="陈爷爷", building="13", tier="general")  # the team's, visited yesterday: fine
    f.paired_household(home, staff, helpers=[helper], team_obj=team, since=since, head_name="吴奶奶",
                       building="15")  # the team's with a helper: the helper's to visit
    f.paired_household(home, staff, helpers=[leader], since=since, head_name="郑大爷", building="17")  # he helps
    run_jobs(now)
    by_person = {message.user_id: message for message in messages_of("visits_due_digest")}
    assert set(by_person) == {leader.id, helper.id}  # not the member, the stopped leader, the other team's
    to_leader = by_person[leader.id]
    assert to_leader.title == "探访提醒：2户需要探访（2户已逾期）"  # his own and the team's, in one digest
    assert "11号楼（" in to_leader.body and "17号楼（" in to_leader.body and "安排队员探访" in to_leader.body
    assert "13号楼" not in to_leader.body and "15号楼" not in to_leader.body
    assert to_leader.link == "/board"  # where a leader sees the team's pairings
    assert "15号楼（" in by_person[helper.id].body and by_person[helper.id].link == "/me/pairings"
    for private in ("冯奶奶", "郑大爷", "301", "残疾", "高风险"):
        assert private not in to_leader.title + to_leader.body
    run_jobs(now)
    assert len(messages_of("visits_due_digest")) == 2  # one digest a day


@pytest.mark.parametrize("instant", INSTANTS[:3])
def test_a_due_household_no_helper_or_leader_would_hear_of_goes_to_its_staff(app, instant):
    now = beijing(instant)
    home, elsewhere = f.community(), f.community("别的社区")
    staff, stopped_staff, other_staff = f.staff(home, "周主任"), f.staff(home, "离职的"), f.staff(elsewhere, "外社区")
    stopped_staff.deactivated_at = now
    leaderless, led = f.team(home, "无队长的队"), f.team(home, "有队长的队")
    f.member(leaderless, f.user(home, "普通队员"), leader=False)
    f.member(led, leader := f.user(home, "刘队长"), leader=True)
    stopped_helper, helper = f.user(home, "已停用的志愿者"), f.user(home, "赵志愿")
    stopped_helper.deactivated_at = now
    since = local_today(now) - timedelta(days=200)
    f.paired_household(home, staff, team_obj=leaderless, since=since, head_name="冯奶奶", building="21",
                       tier="high", categories="disabled")  # a team with no leader: nobody would hear
    f.paired_household(home, staff, helpers=[stopped_helper], since=since, head_name="钱爷爷",
                       building="23")  # its only helper was stopped: nobody would hear
    f.paired_household(home, staff, helpers=[stopped_helper, helper], since=since, building="25")  # one is left
    f.paired_household(home, staff, team_obj=led, since=since, building="27")  # the leader hears
    f.paired_household(home, staff, team_obj=leaderless, since=since, last_visit=now - timedelta(days=1),
                       building="29", tier="general")  # visited yesterday, quarterly: fine
    run_jobs(now)
    by_person = {message.user_id: message for message in messages_of("visits_due_digest")}
    assert set(by_person) == {staff.id, leader.id, helper.id}
    assert stopped_staff.id not in by_person and other_staff.id not in by_person
    to_staff = by_person[staff.id]
    assert to_staff.title == "探访提醒：2户需要探访（2户已逾期）"
    assert "21号楼（" in to_staff.body and "23号楼（" in to_staff.body and "调整结对" in to_staff.body
    for heard_elsewhere in ("25号楼", "27号楼", "29号楼"):
        assert heard_elsewhere not in to_staff.body
    assert to_staff.link == "/board"
    assert "27号楼（" in by_person[leader.id].body and "25号楼（" in by_person[helper.id].body
    for private in ("冯奶奶", "钱爷爷", "残疾", "高风险"):
        assert private not in to_staff.title + to_staff.body


def test_the_digest_gives_the_due_dates_the_board_gives(app):
    now = beijing("2026-12-31 10:00")  # Thursday: the week ends on Sunday 3 January
    pairing_world(now)
    run_jobs(now)
    [digest] = messages_of("visits_due_digest")
    # Visited 10 days ago, weekly: due 28 December, overdue; visited 30 days ago, monthly: due today.
    assert digest.body.startswith("已逾期1户：3号楼（12月28日）；本周应访1户：5号楼（12月31日）。")


def test_people_who_switched_a_kind_off_in_their_profile_do_not_get_it(app):
    now = beijing("2026-12-31 10:00")
    world = activity_world(now)
    helpers = pairing_world(now)
    for person, kind in ((world.confirmed, "reminder_tomorrow"), (world.leaders[0], "leader_under_half"),
                         (helpers.helper, "visits_due_digest")):
        messages.keep_only(person.id, [other for other in kinds.SWITCHABLE if other != kind])
    db.session.commit()
    report = run_jobs(now)
    assert [m.user_id for m in messages_of("reminder_tomorrow")] == ids([world.pending, world.with_companion])
    assert [m.user_id for m in messages_of("leader_under_half")] == [world.leaders[1].id]
    assert messages_of("visits_due_digest") == []
    assert dict(report.messages) == {"reminder_tomorrow": 2, "leader_under_half": 1, "visits_due_digest": 0}


@pytest.mark.parametrize("instant", ["2026-12-31 07:59", "2026-12-31 21:00", "2026-12-31 23:30", "2027-01-01 00:30"])
def test_nobody_is_messaged_at_night(app, instant):
    now = beijing(instant)
    activity_world(now)
    pairing_world(now)
    report = run_jobs(now)
    assert not report.in_messaging_hours
    assert messages_of() == [] and db.session.scalars(select(JobRun)).all() == []


def test_running_again_the_same_day_sends_nothing_twice(app):
    now = beijing("2026-12-31 09:00")
    activity_world(now)
    pairing_world(now)
    first = run_jobs(now)
    before = sent_pairs()
    assert {kind for _user, kind, _link, _n in before} == {"reminder_tomorrow", "leader_under_half",
                                                           "visits_due_digest"}
    assert all(count == 1 for *_person_and_job, count in before)
    again = run_jobs(beijing("2026-12-31 20:55"))
    assert sent_pairs() == before
    assert sum(again.sent.values()) == 0 and again.already_done == first.sent


def test_the_next_day_is_a_new_day(app):
    """A digest a day: tomorrow's run sends the helper another (the households are still due)."""
    now = beijing("2026-12-31 09:00")
    world = pairing_world(now)
    run_jobs(now)
    run_jobs(beijing("2027-01-01 09:00"))
    assert [m.user_id for m in messages_of("visits_due_digest")] == [world.helper.id, world.helper.id]
    assert sorted(run.day.isoformat() for run in db.session.scalars(select(JobRun).where(JobRun.kind != PRUNE_KIND))
                  ) == ["2026-12-31", "2027-01-01"]



def _job_run(day, kind="reminder_tomorrow", key="activity:1") -> None:
    db.session.add(JobRun(kind=kind, object_key=key, day=day, done_at=beijing("2026-01-01 09:00")))
    db.session.commit()


def _job_runs_deleted(pruned) -> int | None:
    """How many job_runs rows the day's housekeeping deleted; None when it did not run."""
    return None if pruned is None else dict((pruning.table, rows) for pruning, rows in pruned)["job_runs"]


def _days_kept() -> list[int]:
    db.session.rollback()
    return sorted(run.day.toordinal() for run in db.session.scalars(select(JobRun).where(JobRun.kind != PRUNE_KIND)))


@pytest.mark.parametrize("instant", ["2026-12-31 10:00", "2028-03-01 08:00"])
def test_job_runs_older_than_sixty_days_are_deleted_once_a_day(app, instant):
    now = beijing(instant)
    today = local_today(now)
    for days_back in (400, 61, 60, 1):
        _job_run(today - timedelta(days=days_back), key=f"activity:{days_back}")
    report = run_jobs(now)
    assert _job_runs_deleted(report.pruned) == 2
    assert _days_kept() == [(today - timedelta(days=days_back)).toordinal() for days_back in (60, 1)]
    _job_run(today - timedelta(days=90), key="activity:late")  # e.g. restored from a backup after today's run
    again = run_jobs(now + timedelta(minutes=5))
    assert _job_runs_deleted(again.pruned) is None and len(_days_kept()) == 3  # today's housekeeping is done
    tomorrow = run_jobs(now + timedelta(days=1))
    assert _job_runs_deleted(tomorrow.pruned) == 2  # the late one, and the one now 61 days back
    assert _days_kept() == [(today - timedelta(days=1)).toordinal()]
    assert db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.kind == PRUNE_KIND)) == 2


def test_a_second_host_finds_todays_housekeeping_done(app):
    """Safe on two hosts: the day's housekeeping is claimed by its job_runs key like any job instance."""
    now = beijing("2026-12-31 10:00")
    _job_run(local_today(now) - timedelta(days=100))
    assert _job_runs_deleted(prune(local_today(now), now)) == 1
    assert prune(local_today(now), now) is None  # the other host: claimed already, nothing written
    assert _days_kept() == []


@contextmanager
def sqlite_write_lock_held(database_url: str):
    """Another process's write transaction on the SQLite file (as a long web request or a second run would hold)."""
    other = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("COMMIT")
        other.close()


def test_once_the_days_work_is_done_a_run_only_reads(app, db_kind, database_url):
    """Cron every five minutes must not queue for the write lock all day: done instances are skipped by one read.
    (The outbox's step takes the lock on every run: held here, it waits 5 s and leaves its rows for the next run.)"""
    if db_kind != "sqlite":
        pytest.skip("SQLite's single write lock")
    now = beijing("2026-12-31 09:00")
    activity_world(now)
    first = run_jobs(now)
    db.session.remove()
    with sqlite_write_lock_held(database_url):
        again = run_jobs(beijing("2026-12-31 09:05"))
    assert not again.left_for_next_run and again.already_done == first.sent and not again.sent
    assert again.outbox_sent is None


def test_a_busy_sqlite_write_lock_leaves_the_work_for_the_next_run(app, db_kind, database_url):
    if db_kind != "sqlite":
        pytest.skip("SQLite's single write lock")
    now = beijing("2026-12-31 09:00")
    activity_world(now)
    db.session.remove()
    with sqlite_write_lock_held(database_url):
        busy = run_jobs(now)  # waits busy_timeout (5 s) for the lock, then stops without an error
    assert busy.left_for_next_run and busy.outbox_sent is None and not busy.sent and messages_of() == []
    later = run_jobs(beijing("2026-12-31 09:05"))
    assert not later.left_for_next_run and len(messages_of("reminder_tomorrow")) == 3
