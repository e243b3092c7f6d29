"""The pairing pages cost the same number of SQL statements for 10 households as for 150."""
from datetime import date, timedelta

import pytest

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import FollowUp, Household, HouseholdEvent
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.conftest import wipe
from tests.support.module_app import one_commit
from tests.support.statements import counting_statements


def build(households: int):
    """`households` paired households (half with the helper, half with the team), three visits each."""
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
            for weeks in (1, 5, 20):
                f.visit(pairing, helper, now - timedelta(weeks=weeks, days=number % 5))
            if number % 4 == 0:
                db.session.add(HouseholdEvent(household_id=household.id, kind="hospital", happened_at=now - timedelta(
                    hours=number % 30), reported_by_id=staff.id))
                db.session.add(FollowUp(community_id=home.id, household_id=household.id, reason="漏水",
                                        opened_by_id=staff.id, opened_at=now))
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
