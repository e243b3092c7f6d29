"""The report and the 街道 roll-up read from the kept figures (reports.kept) equal figures.py over the records, always.

A seeded random walk through what changes a figure — sign-ups (through the services and as plain rows, in two
communities so the roll-up counts a person once), someone's first day of the year today (new to the community or
to one team, perhaps twice today), withdrawals (a conditional UPDATE past the ORM), cancellations and restorations,
activities moved across days and years or made longer, attendance marks, corrections, 补录 claimed and decided,
people who served at a team's activity joining it (applications decided past the ORM) and leaving or removed,
visits with and without follow-ups, follow-ups closed, tier and major changes, pairings made, ended and handed over
to another team — with the clock moving on by minutes, hours or days, often to 23:59 and 00:01 Beijing, and over a
new year. After every step every kept row is a recount of its records, and the statistics page (every line, this
period and last year's, every team's row, the charts, 探访及时率) and the roll-up, for this year, last year, the year
so far (截止今日), to a day someone first took part, this month and this quarter, are what the record-based
definitions give — computed here as statistics.build computed them before anything was kept.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities import attendance
from shequ_volunteer.activities import services as activities
from shequ_volunteer.activities.models import SIGNUP_WITHDRAWN, STATUS_CANCELLED, Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.hours import services as hours
from shequ_volunteer.hours.rules import ATTENDED
from shequ_volunteer.pairing import services as pairing
from shequ_volunteer.pairing.models import FollowUp
from shequ_volunteer.reports import charts, figures, kept, kept_upkeep, periods, statistics
from shequ_volunteer.reports.models import FigureDay, ParticipantDay, ParticipantYear
from shequ_volunteer.teams import services as teams
from shequ_volunteer.teams.models import MEMBER_APPROVED, MEMBER_PENDING, Membership, Team
from shequ_volunteer.timeutil import at_local, local_date, local_midnight, local_today
from tests import factories as f
from tests.support.walks import wait_for_a_lock_wait, walk

SEED, STEPS = 15, 150
START = at_local(date(2026, 12, 29), time(21, 30))  # a new year two days and a half away


@dataclass
class World:
    home: object
    other: object
    staff: object
    teams: list
    other_team: object
    people: list
    households: list
    seen: set = field(default_factory=set)  # the walk's outcomes that only a lucky draw reaches (OUTCOMES)


def build() -> World:
    home, other = f.community(), f.community("和平里社区")
    staff = f.staff(home)
    teams_ = [f.team(home, name="党员先锋队", kind="party"), f.team(home, name="青年志愿服务队")]
    other_team = f.team(other, name="和平里服务队")
    people = [f.user(home, name) for name in ("王志愿", "赵志愿", "钱志愿", "孙志愿", "李志愿")]
    f.member(teams_[0], people[0], leader=True)
    f.member(teams_[1], people[1], leader=True)
    for person in people[2:4]:
        f.member(teams_[0], person)
    f.member(teams_[1], people[3])
    households = [f.household(home, head_name=f"老人{number}", tier=["high", "general"][number % 2])
                  for number in range(4)]
    world = World(home, other, staff, teams_, other_team, people, households)
    for days in (-380, -200, -30, -2, -1, 0, 0, 1, 3, 20):  # last year, this year, today, soon, next year
        rng = random.Random(days)
        new_activity(rng, world, START + timedelta(days=days, hours=rng.randint(-12, 12)))
    return world


def new_activity(rng, world, starts_at, team=None):
    team = team or rng.choice([*world.teams, world.other_team])
    activity = Activity(team_id=team.id, title=f"活动{rng.randint(1, 999)}", place="活动室", capacity=None,
                        starts_at=starts_at.replace(microsecond=0), updated_at=starts_at,
                        ends_at=starts_at.replace(microsecond=0) + timedelta(minutes=rng.choice([45, 90, 150])))
    db.session.add(activity)
    db.session.commit()
    return activity


def _activities(rng):
    return rng.choice(list(db.session.scalars(db.select(Activity).order_by(Activity.id))))


def _signups(rng, **where):
    found = list(db.session.scalars(db.select(Signup).filter_by(**where).order_by(Signup.id)))
    return rng.choice(found) if found else None


def _leader(activity):
    return db.session.scalar(db.select(User).join(Membership, Membership.user_id == User.id)
                             .where(Membership.team_id == activity.team_id, Membership.role == "leader")) or None


# --------------------------------------------------------------------------- the steps

def tick(rng, world, now):
    today = local_today(now)
    choice = rng.random()
    if choice < 0.3:
        return now + timedelta(minutes=rng.randint(1, 180))
    if choice < 0.55:
        return now + timedelta(hours=rng.randint(3, 30))
    if choice < 0.7:
        return now + timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 1440))
    midnight = local_midnight(today + timedelta(days=1))
    return max(now, midnight + rng.choice([timedelta(minutes=-1), timedelta(minutes=1)]))


def create(rng, world, now):
    new_activity(rng, world, now + timedelta(days=rng.choice([-40, -3, -1, 0, 0, 1, 2]), hours=rng.randint(-10, 10)))


def sign_up(rng, world, now):
    activity, person = _activities(rng), rng.choice(world.people)
    if rng.random() < 0.5 and activity.team.community_id == world.home.id:
        activities.sign_up(actor_for(person), activity, now)
    elif db.session.scalar(db.select(Signup.id).filter_by(activity_id=activity.id, user_id=person.id)) is None:
        seats, status = rng.choice([1, 1, 2]), rng.choice(["confirmed", "confirmed", "waiting", "pending"])
        db.session.add(Signup(activity_id=activity.id, user_id=person.id, seats=seats, status=status))
        if status in ("confirmed", "pending"):  # as the service leaves it: held seats are counted
            activity.seats_taken += seats


def withdraw(rng, world, now):
    signup = _signups(rng, status="confirmed") if rng.random() < 0.7 else _signups(rng)
    if signup is not None:
        activities.release_place(db.session.get(Activity, signup.activity_id), signup.user_id, now)


def cancel(rng, world, now):
    activity = _activities(rng)
    if activity.is_cancelled:
        activities.restore_activity(actor_for(world.staff), activity, now)
    else:
        activities.cancel_activity(actor_for(world.staff), activity, now)


def move(rng, world, now):
    """An activity moves across days and years, or by hours; more often one that someone signed up for, whose first
    day of a year may move with it."""
    taken = _signups(rng, status="confirmed") if rng.random() < 0.7 else None
    activity = db.session.get(Activity, taken.activity_id) if taken else _activities(rng)
    shift = timedelta(days=rng.choice([-400, -3, -1, 1, 2, 370]) if rng.random() < 0.7 else 0,
                      hours=rng.randint(-14, 14))
    _reschedule(world, activity, activity.starts_at + shift, activity.ends_at + shift, now)
    if taken and local_date(activity.starts_at).year != local_date(activity.starts_at - shift).year:
        world.seen.add("someone's activity moved to another year")


def lengthen(rng, world, now):
    """Only an activity's end moves, mostly one a member attended: its length is the minutes of that attendance."""
    served_by_members = list(db.session.scalars(
        db.select(Activity).join(Signup, Signup.activity_id == Activity.id)
        .join(Membership, (Membership.team_id == Activity.team_id) & (Membership.user_id == Signup.user_id))
        .where(Membership.status == MEMBER_APPROVED, Signup.status == "confirmed", Signup.attendance.in_(ATTENDED),
               Signup.service_minutes.is_(None)).order_by(Activity.id)))
    activity = rng.choice(served_by_members) if served_by_members else _activities(rng)
    longer = activity.ends_at - activity.starts_at <= timedelta(minutes=45) or rng.random() < 0.5
    _reschedule(world, activity, activity.starts_at, activity.ends_at + timedelta(minutes=60 if longer else -30), now)
    if served_by_members:
        world.seen.add("a member's attendance got longer or shorter")


def _reschedule(world, activity, starts_at, ends_at, now):
    data = activities.ActivityInput(**{name: getattr(activity, name) for name in activities.FIELDS})
    data.starts_at, data.ends_at = starts_at, ends_at
    data.signup_deadline = data.withdraw_deadline = None
    activities.update_activity(actor_for(world.staff), activity, data, now)


def mark(rng, world, now):
    signup = _signups(rng, status="confirmed")
    if signup is not None:
        activity = db.session.get(Activity, signup.activity_id)
        attendance.mark(actor_for(world.staff), activity, signup.id, rng.choice(["present", "late", "absent", "leave"]),
                        now)


def correct(rng, world, now):
    signup = _signups(rng, status="confirmed")
    if signup is not None:
        activity = db.session.get(Activity, signup.activity_id)
        hours.correct(actor_for(world.staff), activity, signup, rng.choice([0, 30, 75]), now)


def claim(rng, world, now):
    person = rng.choice([person for person in world.people if actor_for(person).member_team_ids])
    team_id = rng.choice(sorted(actor_for(person).member_team_ids))
    entry = hours.claim(actor_for(person), team_id, local_today(now) - timedelta(days=rng.choice([0, 1, 5, 20])),
                        rng.choice([30, 120]), "补录", now)
    if rng.random() < 0.8:
        db.session.commit()  # decided later, in a transaction of its own: the decision alone changes the hours
        approve = rng.random() < 0.8
        hours.decide(actor_for(world.staff), entry, approve, now)
        world.seen.add("补录 approved" if approve else "补录 declined")


def membership(rng, world, now):
    """Someone who served at a team's activity joins the team or leaves it (or staff remove them): whether that
    attendance counts as the team's service hours turns on the membership alone. The application is decided in a
    transaction of its own, as a leader decides it later; the decision is a conditional UPDATE past the ORM, so
    only its figure mark tells the kept figures."""
    team, person = rng.choice(world.teams), rng.choice(world.people[2:])
    served(rng, world, team, person, now)
    db.session.commit()
    row = db.session.scalar(db.select(Membership).filter_by(team_id=team.id, user_id=person.id))
    if row is not None and row.status == MEMBER_APPROVED:
        if rng.random() < 0.5:
            teams.leave(actor_for(person), team, now)
        else:
            teams.remove_member(actor_for(world.staff), row, "inactive", now)
        world.seen.add("a member who served left")
        return
    if row is None or row.status != MEMBER_PENDING:
        row = teams.apply_to_join(actor_for(person), team, now)
        db.session.commit()
    approve = rng.random() < 0.8
    teams.decide(actor_for(world.staff), row, approve, now)
    world.seen.add("someone who served joined" if approve else "someone who served was declined")


def served(rng, world, team, person, now):
    """The person has an attendance that is service if they are a member: at one of the team's activities (one of
    the last few days' or today's, signed up for it if need be), marked present or late, or corrected by the
    leader with no mark."""
    signup = db.session.scalar(
        db.select(Signup).join(Activity, Activity.id == Signup.activity_id)
        .where(Activity.team_id == team.id, Activity.status != STATUS_CANCELLED, Signup.user_id == person.id,
               Signup.status == "confirmed", Activity.starts_at <= now + timedelta(days=1))
        .order_by(Signup.id.desc()).limit(1))
    if signup is None:
        earlier = now - timedelta(days=rng.choice([0, 1, 3]), minutes=rng.randint(1, 300))
        signup = f.signup(new_activity(rng, world, earlier, team=team), person)
    if signup.attendance in ATTENDED or signup.service_minutes is not None:
        return
    activity = db.session.get(Activity, signup.activity_id)
    if rng.random() < 0.7:
        attendance.mark(actor_for(world.staff), activity, signup.id, rng.choice(["present", "late"]), now)
    else:
        hours.correct(actor_for(world.staff), activity, signup, rng.choice([30, 75]), now)


def first_time_today(rng, world, now):
    """Someone takes part for the first time this year, in one of the teams (perhaps in the community too: a
    newcomer), in an activity that began earlier today; sometimes again in a second one later today (begun
    already, or still to come). The kept rows count today as if it were over, so the report takes today's people
    from the records and asks of each whether a kept first day came before today: today's must not."""
    today, team = local_today(now), rng.choice(world.teams)
    rows = figures.participation_records(world.home.id, kept.over(date(today.year, 1, 1),
                                                                   today - timedelta(days=1))).subquery()
    before = set(db.session.execute(db.select(rows.c.team_id, rows.c.user_id)).all())
    known = {user_id for _team_id, user_id in before}
    elsewhere = [person for person in world.people if person.id in known and (team.id, person.id) not in before]
    unknown = [person for person in world.people if person.id not in known]
    choice = rng.random()
    if elsewhere and choice < 0.4:  # new to this team only: took part in another one earlier this year
        person = rng.choice(elsewhere)
        world.seen.add("new to a team only, today")
    elif unknown and choice < 0.7:  # new to the community this year
        person = rng.choice(unknown)
    else:  # a newcomer
        person = f.user(world.home, f"新人{len(world.people)}")
        world.people.append(person)
    begun = max(local_midnight(today), now - timedelta(minutes=rng.randint(1, 240)))
    first = f.signup(new_activity(rng, world, begun, team=team), person)
    if rng.random() < 0.5:
        attendance.mark(actor_for(world.staff), db.session.get(Activity, first.activity_id), first.id, "present", now)
    if rng.random() < 0.5:
        midnight = local_midnight(today + timedelta(days=1))
        later = rng.choice([begun + (now - begun) / 2, now + (midnight - now) / 2])
        f.signup(new_activity(rng, world, later, team=rng.choice(world.teams)), person, seats=rng.choice([1, 2]))
        world.seen.add("first day today, and again later today")


def visit(rng, world, now):
    household = rng.choice(world.households)
    reason = "需要跟进" if rng.random() < 0.4 else None
    pairing.log_visit(actor_for(world.staff), household, pairing.VisitInput(
        way="home", visited_on=local_today(now) - timedelta(days=rng.choice([0, 0, 1, 3, 20])), duration_minutes=20,
        follow_up_reason=reason), now)


def close_follow_up(rng, world, now):
    found = list(db.session.scalars(db.select(FollowUp).where(FollowUp.status != "closed").order_by(FollowUp.id)))
    if found:
        pairing.update_follow_up(actor_for(world.staff), rng.choice(found), "closed", None, "已办结", now)


def tier(rng, world, now):
    household = rng.choice(world.households)
    pairing.save_household(actor_for(world.staff), household, {
        "head_name": household.head_name, "building": household.building, "tier": rng.choice(["high", "general"]),
        "visit_interval_days": rng.choice([None, 3, 14]), "categories": ["empty_nest"], "consent": True}, now)


def major_change(rng, world, now):
    pairing.report_major_change(actor_for(world.staff), rng.choice(world.households), "hospital", "", now)


def handover(rng, world, now):
    """A household's pairing ends and another team (or a helper alone) takes over from today."""
    household = rng.choice(world.households)
    current = pairing.active_pairing(household.id, local_today(now))
    if current is not None:
        pairing.end_pairing(actor_for(world.staff), current, now)
        db.session.flush()
    team = rng.choice([*world.teams, None])
    pairing.create_pairing(actor_for(world.staff), household, [] if team else [world.people[2].phone],
                           team.id if team else None, "结对", local_today(now) - timedelta(days=rng.choice([0, 10])),
                           now)


STEP_WEIGHTS = {tick: 26, create: 6, sign_up: 22, withdraw: 6, cancel: 5, move: 8, lengthen: 3, mark: 10, correct: 4,
                claim: 7, membership: 6, first_time_today: 4, visit: 10, close_follow_up: 4, tier: 3, major_change: 2,
                handover: 5}
# Changes the walk must have made at least once: without each, a planted fault in reports.kept, kept_reads or a
# service's figure mark went unseen (a change of seed or steps that loses one fails here, not silently).
OUTCOMES = {"补录 approved", "补录 declined", "a member who served left", "someone who served joined",
            "someone who served was declined", "someone's activity moved to another year",
            "a member's attendance got longer or shorter", "new to a team only, today",
            "first day today, and again later today"}
# After these the page is read for this year, the year so far (截止今日) and up to an earlier day, the roll-up for
# the first two: someone's first day of the year, or their service hours, have just changed.
READ_WHOLE = {membership, first_time_today}


# --------------------------------------------------------------------------- the records, read plainly

def expected_report(community_id: int, period, now):
    """statistics.build as it was before anything was kept: every figure from figures.py over the records."""
    window, last = figures.Window(period, now), figures.Window(period.last_year(), now)
    current, before = figures.values(community_id, window), figures.values(community_id, last)
    lines = [(fig.key, statistics.shown(fig, current[fig.key]), statistics.shown(fig, before[fig.key]))
             for fig in figures.FIGURES]
    per_team = figures.values(community_id, window, keys=statistics.TEAM_COLUMNS, by_team=True)
    per_team_before = figures.values(community_id, last, keys=("person_times",), by_team=True)["person_times"]
    names = dict(db.session.execute(db.select(Team.id, Team.name).where(Team.community_id == community_id)
                                    .order_by(Team.id)).all())
    rows = [(team_id, name, {key: statistics.shown(figures.BY_KEY[key], per_team[key].get(team_id, 0))
                             for key in statistics.TEAM_COLUMNS}) for team_id, name in names.items()]
    if any(None in values for values in per_team.values()):
        rows.append((None, "个人结对", {key: statistics.shown(figures.BY_KEY[key], per_team[key].get(None, 0))
                                     for key in statistics.TEAM_COLUMNS}))
    pictures = [charts.bar_chart("各队参与人次",
                                 [(name, per_team["person_times"].get(team_id, 0), per_team_before.get(team_id, 0))
                                  for team_id, name in names.items()])]
    months = periods.months_of(period)
    if len(months) > 1:
        pictures.append(charts.line_chart("每月活动场次", [
            (piece.label, figures.BY_KEY["activities"].value(community_id, figures.Window(piece, now)))
            for piece in months], "场"))
    return lines, figures.coverage(community_id, window), figures.coverage(community_id, last), rows, pictures


def expected_street(community_ids, period, now):
    window, rows = figures.Window(period, now), []
    for scope in [*community_ids, list(community_ids)]:
        found = figures.values(scope, window)
        coverages = [figures.coverage(cid, window) for cid in (scope if isinstance(scope, list) else [scope])]
        rows.append(({fig.key: statistics.shown(fig, found[fig.key]) for fig in figures.FIGURES},
                     (sum(c[0] for c in coverages), sum(c[1] for c in coverages))))
    return rows


def kept_rows_are_a_recount(community_ids) -> dict[int, set[date]]:
    """Every kept row is what its day's (or person-year's) records give now, today and future days included: a
    change that was not recounted shows here at once, not only when its day comes into a report. Returns, per
    community, the days on which someone took part in it for the first time in a year."""
    first_days_of: dict[int, set[date]] = {}
    for community_id in community_ids:
        rows = db.session.scalars(db.select(FigureDay).where(FigureDay.community_id == community_id))
        assert {(row.team_id, row.day): {column: getattr(row, column) for column in kept.DAY_COLUMNS}
                for row in rows} == kept.day_rows(db.session, community_id, date(2000, 1, 1), date(2099, 12, 31))
        firsts: dict = {}
        years = {local_date(starts_at).year for starts_at in db.session.scalars(db.select(Activity.starts_at))}
        for year in sorted(years):
            records = figures.participation_records(community_id, kept.over(date(year, 1, 1), date(year, 12, 31)))
            for row in db.session.execute(records):
                day = local_date(row.starts_at)
                for team_id in (row.team_id, None):
                    key = (team_id, row.user_id, year)
                    firsts[key] = min(firsts.get(key, day), day)
        people = db.session.scalars(db.select(ParticipantYear).where(ParticipantYear.community_id == community_id))
        assert {(row.team_id, row.user_id, row.year): row.first_day for row in people} == firsts
        first_days: dict = {}
        for (team_id, _user_id, _year), day in firsts.items():
            first_days[(team_id, day)] = first_days.get((team_id, day), 0) + 1
        counts = db.session.scalars(db.select(ParticipantDay).where(ParticipantDay.community_id == community_id))
        assert sorted(((row.team_id or 0, row.day), row.people) for row in counts) == sorted(
            ((team_id or 0, day), people) for (team_id, day), people in first_days.items())  # one row a team and day
        first_days_of[community_id] = {day for team_id, day in first_days if team_id is None}
    return first_days_of


def check(world: World, now: datetime, rng: random.Random, number: int, whole: bool = False) -> None:
    """The kept rows; this year's page (with last year's beside it) and a roll-up every step; another period's
    page every third step (the walk stays near 20 s). `whole`: the pages and roll-ups READ_WHOLE says."""
    db.session.expire_all()
    first_days = sorted(kept_rows_are_a_recount((world.home.id, world.other.id))[world.home.id])
    today = local_today(now)
    quarter = (today.month - 1) // 3 + 1
    # Up to a day someone first took part in the year: the last day of such a period counts its first days.
    up_to = [day for day in first_days if day < today] if rng.random() < 0.5 else []
    others = [periods.year(today.year - 1), periods.as_of(today), periods.month(today.year, today.month),
              periods.quarter(today.year, quarter),
              periods.as_of(rng.choice(up_to) if up_to else today - timedelta(days=rng.randint(1, 40)))]
    extra = [periods.as_of(today), others[-1]] if whole else [rng.choice(others)] if number % 3 == 0 else []
    for period in [periods.year(today.year), *extra]:
        report = statistics.build(world.home.id, period, now)
        read = ([(line.figure.key, line.now, line.before) for line in report.lines], report.coverage_now,
                report.coverage_before, report.teams, report.charts)
        assert read == expected_report(world.home.id, period, now), period.label
    ids = [world.home.id, world.other.id]
    for period in [periods.year(today.year), periods.as_of(today)] if whole else [
            rng.choice([periods.year(today.year), *others[:2]])]:
        street = statistics.street(ids, {cid: str(cid) for cid in ids}, period, now)
        assert [(row.values, row.coverage) for row in street] == expected_street(ids, period, now), period.label


def test_the_kept_figures_equal_the_records_after_every_change(app):
    world, rng = build(), random.Random(SEED)
    now = walk(world, rng, START, STEP_WEIGHTS, STEPS,
               lambda step, now, number: check(world, now, rng, number, whole=step in READ_WHOLE))
    assert local_today(now).year == 2027  # the walk went over a new year
    assert world.seen == OUTCOMES
    assert db.session.scalar(db.select(db.func.count()).select_from(FigureDay)) > 0


def test_two_writers_of_one_day_are_both_counted(app, db_kind):
    """PostgreSQL: two transactions sign people up for one activity side by side. The first holds the day's
    advisory lock until it commits; the second waits for it, then recounts the day with both sign-ups. Without
    the lock each would recount the day without the other's row, and the later write would lose one."""
    if db_kind != "postgresql":
        pytest.skip("SQLite's single write lock")
    world = build()
    activity = new_activity(random.Random(1), world, START - timedelta(days=5), team=world.teams[0])
    activity_id, second_id = activity.id, world.people[1].id
    db.session.add(Signup(activity_id=activity_id, user_id=world.people[0].id, seats=1))
    db.session.flush()
    kept_upkeep._keep_at_commit(db.session)

    def second_writer():
        with app.app_context():
            db.session.add(Signup(activity_id=activity_id, user_id=second_id, seats=2))
            db.session.commit()
            db.session.remove()

    second = threading.Thread(target=second_writer)
    second.start()
    waited = wait_for_a_lock_wait()
    db.session.commit()
    second.join(timeout=30)
    assert waited and not second.is_alive()
    db.session.expire_all()
    period = periods.year(local_today(START).year)
    report = statistics.build(world.home.id, period, START)
    assert {line.figure.key: line.now for line in report.lines}["person_times"] == figures.values(
        world.home.id, figures.Window(period, START))["person_times"] >= 3


def in_another_session(app, write):
    """Run write() and commit in a thread with a connection of its own; the thread, started."""
    def run():
        with app.app_context():
            write()
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_writers_of_different_days_do_not_wait_for_each_other(app, db_kind):
    """PostgreSQL: one transaction signs a person up for an activity and holds its kept-figure locks (its commit
    not yet done); another signs a second person up for an activity of the same community on another day, and
    commits while the first still holds them. Both days and both people are then counted. (With one lock per
    community, as before, the second waited until the first committed.)"""
    if db_kind != "postgresql":
        pytest.skip("SQLite's single write lock")
    world = build()
    rng = random.Random(2)
    first = new_activity(rng, world, START - timedelta(days=5), team=world.teams[0])
    other_day = new_activity(rng, world, START - timedelta(days=4), team=world.teams[0]).id
    second_id = world.people[1].id
    db.session.add(Signup(activity_id=first.id, user_id=world.people[0].id, seats=1))
    db.session.flush()
    kept_upkeep._keep_at_commit(db.session)  # the first holds its locks from here until it commits

    second = in_another_session(app, lambda: db.session.add(Signup(activity_id=other_day, user_id=second_id)))
    second.join(timeout=10)
    passed = not second.is_alive()
    db.session.commit()
    second.join(timeout=30)
    assert passed, "the writer of another day waited for the first one's commit"
    db.session.expire_all()
    kept_rows_are_a_recount((world.home.id, world.other.id))


def test_two_newcomers_on_one_first_day_are_both_counted(app, db_kind):
    """PostgreSQL: two transactions each bring a person whose first day of the year becomes the same day, without
    recounting the same day's figure_days: one signs a newcomer up for an activity of that day, the other withdraws
    someone from an earlier activity, so that person's first day moves on to that day. The second waits for the
    first's lock of that day's count of people (class 3), then counts both. Without that lock the second counts
    the day without the first's uncommitted row and writes its own count beside the first's: one person short."""
    if db_kind != "postgresql":
        pytest.skip("SQLite's single write lock")
    world = build()
    rng = random.Random(3)
    team = world.teams[0]
    earlier = new_activity(rng, world, START - timedelta(days=8), team=team)
    that_day = new_activity(rng, world, START - timedelta(days=5), team=team)
    mover, newcomer = world.people[1], world.people[0]
    for activity in (earlier, that_day):
        db.session.add(Signup(activity_id=activity.id, user_id=mover.id))
    db.session.commit()
    moving = db.session.scalar(db.select(Signup.id).filter_by(activity_id=earlier.id, user_id=mover.id))
    day = local_date(that_day.starts_at)

    db.session.add(Signup(activity_id=that_day.id, user_id=newcomer.id))
    db.session.flush()
    kept_upkeep._keep_at_commit(db.session)  # holds the lock of the newcomer's first day (and of that day's figures)

    def withdraw():
        db.session.get(Signup, moving).status = SIGNUP_WITHDRAWN

    second = in_another_session(app, withdraw)
    waited = wait_for_a_lock_wait()
    db.session.commit()
    second.join(timeout=30)
    assert not second.is_alive()
    db.session.expire_all()
    assert db.session.scalars(db.select(ParticipantDay.people).filter_by(
        community_id=world.home.id, team_id=team.id, day=day)).all() == [2]
    kept_rows_are_a_recount((world.home.id, world.other.id))
    assert waited
