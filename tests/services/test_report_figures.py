"""Every statistics figure on a small hand-built community, the expected numbers worked out below.

November 2026 (Shanghai), seen on 1 December 2026:

Team 青年 (members: 甲, 乙; 乙 approved on 10 Nov) and team 科普 (member: 丙; approved 2025):
  A1 青年 3 Nov, 2 h: 甲 confirmed + 出席; 乙 confirmed, 2 seats (household), no attendance taken;
     丁 (not a member) confirmed + 出席; 戊 waiting; 己 withdrawn.
  A2 青年 10 Nov, 1 h: 甲 confirmed + 缺席 (no-show); 乙 confirmed + 迟到 with the leader's correction to 45 min.
  A3 科普 20 Nov, 3 h: 丙 confirmed + 出席; 甲 (a 青年 member, not 科普) confirmed + 出席; 丁 pending (待审核).
  A4 青年 25 Nov: cancelled, 甲 confirmed + 出席 (does not count).
  A5 科普 28 Dec: in the future of the period.
  Approved 补录: 丙 90 min on 15 Nov; a pending 补录 of 甲 (does not count); an approved one of 甲 on 2 Oct (outside).
  => 活动场次 3 (A1, A2, A3); 参与人次: A1 甲1 + 乙2 + 丁1 = 4, A2 乙1 (甲 absent) = 1, A3 丙1 + 甲1 = 2 → 7;
     参与人数: 甲, 乙, 丁, 丙 → 4 (per team 青年 3, 科普 2: distinct people do not add up across teams);
     服务时长 (own team only): 甲 A1 120; 乙 A2 45 (correction); 丙 A3 180; 丙 补录 90; 丁 is no member, and 甲
     at A3 serves no team of his → 435 min;
     志愿者 3 (甲, 乙, 丙), 队伍 2, 新增队员 1 (乙).
Pairing: H1 (high, team 青年) paired since Jan, visited 28 Nov and 5 Nov; H2 (key, individual) paired since
  Jan, visited 15 Oct only; H3 ended 31 Oct.  => 结对户数 2; 探访次数 2 (the Nov visits of H1);
  及时率 at 1 Dec 00:00: H1 due 5 Dec → on time; H2 due 14 Nov → overdue → 1 of 2.
Follow-ups: opened 5 Nov (closed 20 Nov), opened 28 Nov (open), opened 20 Oct (closed 2 Nov).
  => 新增跟进 2; 办结跟进 2 (20 Nov and 2 Nov).
November 2025 (last year): one held 科普 activity on 12 Nov 2025 with 丙 出席 → 活动场次 1, 人次 1.
"""
from datetime import date, datetime, timedelta

import pytest

from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.pairing.models import FollowUp, Household, Pairing, Visit
from shequ_volunteer.reports import figures
from shequ_volunteer.reports.periods import month
from shequ_volunteer.teams.models import Membership
from tests import factories as f

SHANGHAI = timedelta(hours=8)
NOW = datetime(2026, 12, 1, 2) - SHANGHAI  # 1 Dec 2026, 02:00 Shanghai


def at(y, m, d, hh=9) -> datetime:
    return datetime(y, m, d, hh) - SHANGHAI


@pytest.fixture
def world(app):
    home = f.community()
    staff = f.staff(home)
    youth, science = f.team(home, "青年志愿服务队"), f.team(home, "科普志愿服务队", kind="science")
    for team in (youth, science):
        team.created_at = at(2025, 1, 1)
    jia, yi, bing, ding, wu, ji = (f.user(home, name) for name in ("甲", "乙", "丙", "丁", "戊", "己"))
    db.session.add_all([
        Membership(team_id=youth.id, user_id=jia.id, status="approved", created_at=at(2025, 3, 1)),
        Membership(team_id=youth.id, user_id=yi.id, status="approved", created_at=at(2026, 11, 8),
                   decided_at=at(2026, 11, 10)),
        Membership(team_id=science.id, user_id=bing.id, status="approved", created_at=at(2025, 5, 1)),
        Membership(team_id=science.id, user_id=wu.id, status="pending", created_at=at(2026, 11, 12)),
    ])

    def activity(team, day, hours, **extra):
        item = Activity(team_id=team.id, title=f"{team.name}{day}", place="活动室", capacity=None,
                        starts_at=day, ends_at=day + timedelta(hours=hours), **extra)
        db.session.add(item)
        db.session.flush()
        return item

    def signup(item, person, status="confirmed", **extra):
        db.session.add(Signup(activity_id=item.id, user_id=person.id, status=status, **extra))

    a1 = activity(youth, at(2026, 11, 3), 2)
    signup(a1, jia, attendance="present")
    signup(a1, yi, seats=2)
    signup(a1, ding, attendance="present")
    signup(a1, wu, status="waiting")
    signup(a1, ji, status="withdrawn")
    a2 = activity(youth, at(2026, 11, 10), 1)
    signup(a2, jia, attendance="absent")
    signup(a2, yi, attendance="late", service_minutes=45)
    a3 = activity(science, at(2026, 11, 20), 3)
    signup(a3, bing, attendance="present")
    signup(a3, jia, attendance="present")
    signup(a3, ding, status="pending")
    a4 = activity(youth, at(2026, 11, 25), 2, status="cancelled", cancelled_at=at(2026, 11, 20))
    signup(a4, jia, attendance="present")
    activity(science, at(2026, 12, 28), 2)
    last_year = activity(science, at(2025, 11, 12), 2)
    signup(last_year, bing, attendance="present")
    for person, team, minutes, day, status in [(bing, science, 90, date(2026, 11, 15), "approved"),
                                               (jia, youth, 60, date(2026, 11, 16), "pending"),
                                               (jia, youth, 60, date(2026, 10, 2), "approved")]:
        db.session.add(HoursEntry(user_id=person.id, team_id=team.id, kind="claim", status=status, minutes=minutes,
                                  served_on=day, entered_by_id=person.id))

    h1, h2, h3 = (Household(community_id=home.id, head_name=name, building="3", tier=tier)
                  for name, tier in (("H1", "high"), ("H2", "key"), ("H3", "general")))
    db.session.add_all([h1, h2, h3])
    db.session.flush()
    p1 = Pairing(household_id=h1.id, team_id=youth.id, reason="独居", starts_on=date(2026, 1, 5),
                 created_by_id=staff.id)
    p2 = Pairing(household_id=h2.id, reason="低保", starts_on=date(2026, 1, 5), created_by_id=staff.id)
    p3 = Pairing(household_id=h3.id, reason="困难", starts_on=date(2026, 1, 5), ends_on=date(2026, 10, 31),
                 created_by_id=staff.id)
    db.session.add_all([p1, p2, p3])
    db.session.flush()
    for household, pairing, day in [(h1, p1, date(2026, 11, 28)), (h1, p1, date(2026, 11, 5)),
                                    (h2, p2, date(2026, 10, 15))]:
        db.session.add(Visit(household_id=household.id, pairing_id=pairing.id, visitor_id=jia.id, way="home",
                             visited_on=day, visited_at=at(day.year, day.month, day.day, 10), duration_minutes=30))
    for opened, closed in [(at(2026, 11, 5), at(2026, 11, 20)), (at(2026, 11, 28), None),
                           (at(2026, 10, 20), at(2026, 11, 2))]:
        db.session.add(FollowUp(community_id=home.id, household_id=h1.id, reason="漏水", opened_by_id=staff.id,
                                opened_at=opened, closed_at=closed, status="closed" if closed else "open"))
    db.session.commit()
    return home, youth, science


def values(community_id, period, by_team=False):
    window = figures.Window(period, NOW)
    return {figure.key: figure.value(community_id, window, by_team) for figure in figures.FIGURES}


def test_every_figure_of_november(world):
    home, youth, science = world
    assert values(home.id, month(2026, 11)) == {
        "activities": 3, "person_times": 7, "participants": 4, "teams": 2, "volunteers": 3, "new_members": 1,
        "hours": 435, "households": 2, "visits": 2, "follow_ups_opened": 2, "follow_ups_closed": 2,
    }
    assert figures.coverage(home.id, figures.Window(month(2026, 11), NOW)) == (1, 2)


def test_per_team_values_add_up_where_they_should(world):
    home, youth, science = world
    per_team = values(home.id, month(2026, 11), by_team=True)
    assert per_team["activities"] == {youth.id: 2, science.id: 1}
    assert per_team["person_times"] == {youth.id: 5, science.id: 2}
    assert per_team["hours"] == {youth.id: 165, science.id: 270}
    assert per_team["households"] == {youth.id: 1, None: 1}  # H2 is paired with a person, not a team
    # Distinct people are not additive: 甲 took part in both teams' activities (3 + 2 ≠ 4).
    assert per_team["participants"] == {youth.id: 3, science.id: 2}


def test_last_year_and_the_records_behind_a_figure(world):
    home, *_ = world
    november = month(2026, 11)
    last = values(home.id, november.last_year())
    assert (last["activities"], last["person_times"], last["hours"]) == (1, 1, 120)
    rows = db.session.execute(figures.BY_KEY["person_times"].records(home.id, figures.Window(november, NOW))).all()
    assert sum(row.seats for row in rows) == 7  # the list behind the figure adds up to it
    lines = db.session.execute(figures.hours_records(home.id, figures.Window(november, NOW))).all()
    assert sorted((line.source, line.minutes) for line in lines) == [
        ("签到", 120), ("签到", 180), ("补录", 90), ("队长更正", 45)]


def test_figures_at_once_equal_each_figure_alone(world):
    home, *_ = world
    for period in (month(2026, 11), month(2026, 11).last_year()):
        window = figures.Window(period, NOW)
        for by_team in (False, True):
            assert figures.values(home.id, window, by_team=by_team) == {
                fig.key: fig.value(home.id, window, by_team) for fig in figures.FIGURES}
