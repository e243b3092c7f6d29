"""The pairing pages cost the same number of SQL statements for 10 households as for 150, and with three visits
a household as with two years of them."""
import re
from datetime import date, timedelta

import pytest

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import schedules
from shequ_volunteer.pairing.models import FollowUp, Household, HouseholdEvent
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.conftest import wipe
from tests.support.module_app import one_commit
from tests.support.statements import counting_statements


def build(households: int, visits: int = 3):
    """`households` paired households (half with the helper, half with the team), `visits` visits each (three: in
    the last 20 weeks; more: spread over two years)."""
    with one_commit():
        home = f.community()
        staff = f.staff(home)
        team = f.team(home)
        leader, helper = f.user(home, "李队长"), f.user(home, "王志愿")
        f.member(team, leader, leader=True)
        f.member(team, helper)
        now = utcnow()
        for number in range(households):
            household = f.household(home, head_name=f"老人{number}", grid=f"第{number % 3 + 1}网格", estate="",
                                    building=str(number % 12 + 1), room="101",
                                    tier=("high", "key", "general")[number % 3])
            pairing = f.pairing(household, staff, helpers=[helper], team_obj=team if number % 2 else None,
                                since=date(2025, 1, 1))
            for weeks in (1, 5, 20) if visits == 3 else range(1, 104, 104 // visits)[:visits]:
                f.visit(pairing, helper, now - timedelta(weeks=weeks, days=number % 5))
            if number % 4 == 0:
                db.session.add(HouseholdEvent(household_id=household.id, kind="hospital", happened_at=now - timedelta(
                    hours=number % 30), reported_by_id=staff.id))
                db.session.add(FollowUp(community_id=home.id, household_id=household.id, reason="漏水",
                                        opened_by_id=staff.id, opened_at=now))
        db.session.flush()
        schedules.refresh(db.session.scalars(db.select(Household.id)))  # the major changes above, as services do
    first = db.session.scalar(db.select(Household.id).order_by(Household.id))
    return {"staff": staff, "leader": leader, "helper": helper, "household_id": first, "team_household_id": first + 1}


PAGES = {
    "staff": ["/board", "/board?show=overdue&tier=high", "/households", "/follow-ups", "/households/{household_id}"],
    "leader": ["/board", "/households/{team_household_id}"],
    "helper": ["/me/pairings", "/households/{household_id}", "/households/{household_id}/visits/new"],
}


def statements(app, world, who: str) -> dict[str, int]:
    client = f.logged_in(app, world[who])
    counts = {}
    for url in PAGES[who]:
        url = url.format(**world)
        db.session.remove()
        with counting_statements() as seen:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url.split("/households/")[0] + ("/households/<id>" + url.split("/households/")[1].lstrip("0123456789")
                                                if "/households/" in url else "")] = len(seen)
    return counts


@pytest.mark.parametrize("who", sorted(PAGES))
def test_pairing_pages_do_not_grow_with_households(app, who):
    small = statements(app, build(10), who)
    wipe(app)
    large = statements(app, build(150), who)
    print(f"statements per pairing page ({who}): 10 households {small}, 150 households {large}")
    assert small == large
    assert max(large.values()) <= 20  # BEGIN, login, access-log INSERT, COMMIT included


@pytest.mark.parametrize("who", sorted(PAGES))
def test_pairing_pages_do_not_grow_with_visit_history(app, who):
    recent = statements(app, build(10), who)
    wipe(app)
    years = statements(app, build(10, visits=60), who)
    print(f"statements per pairing page ({who}): 3 visits a household {recent}, 60 over two years {years}")
    assert recent == years


def test_the_board_and_my_pairings_never_read_the_visit_history(app):
    """What the board needs of the visits and major changes is kept on the households and pairings
    (pairing.schedules): the pages that list many households read neither table, so years of history cost nothing."""
    world = build(10)
    clients = {who: f.logged_in(app, world[who], through_form=False) for who in ("staff", "leader", "helper")}
    for who, url in (("staff", "/board"), ("staff", "/board?show=overdue&tier=high"), ("leader", "/board?show=due"),
                     ("helper", "/me/pairings")):
        client = clients[who]
        db.session.remove()
        with counting_statements() as seen:
            assert client.get(url).status_code == 200
        assert [sql for sql in seen if re.search(r"\b(visits|household_events)\b", sql)] == [], url
