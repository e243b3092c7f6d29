"""Who may see a household: staff of its community, current helpers, the paired team's leader."""
from datetime import date, timedelta

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.access import helpers_households, may_see
from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper
from tests import factories as f

TODAY = date(2026, 11, 22)


def test_access_follows_current_pairings(app):
    home, elsewhere = f.community(), f.community("光明社区")
    team, other_team = f.team(home), f.team(home, name="科普志愿服务队", kind="science")
    staff, foreign_staff = f.staff(home), f.staff(elsewhere)
    helper, past_helper, leader, other_leader, resident = (
        f.user(home, n) for n in ("王志愿", "前任", "李队长", "赵队长", "周居民"))
    f.member(team, leader, leader=True)
    f.member(other_team, other_leader, leader=True)
    household = Household(community_id=home.id, head_name="孙奶奶", building="3", tier="high",
                          categories="empty_nest")
    db.session.add(household)
    db.session.flush()
    pairing = Pairing(household_id=household.id, team_id=team.id, reason="独居", starts_on=TODAY - timedelta(days=30),
                      created_by_id=staff.id)
    db.session.add(pairing)
    db.session.flush()
    db.session.add_all([
        PairingHelper(pairing_id=pairing.id, user_id=helper.id, starts_on=TODAY - timedelta(days=10)),
        PairingHelper(pairing_id=pairing.id, user_id=past_helper.id, starts_on=TODAY - timedelta(days=30),
                      ends_on=TODAY - timedelta(days=11)),
    ])
    db.session.commit()

    seen = {name: may_see(actor_for(person), household, TODAY) for name, person in [
        ("staff", staff), ("foreign_staff", foreign_staff), ("helper", helper), ("past_helper", past_helper),
        ("leader", leader), ("other_leader", other_leader), ("resident", resident)]}
    assert seen == {"staff": True, "foreign_staff": False, "helper": True, "past_helper": False,
                    "leader": True, "other_leader": False, "resident": False}
    assert [h.head_name for h, _p in helpers_households(helper.id, TODAY)] == ["孙奶奶"]
    assert helpers_households(past_helper.id, TODAY) == []
    assert household.place_label == "3号楼" and household.category_labels == ["空巢/独居老人"]

    pairing.ends_on = TODAY - timedelta(days=1)  # the pairing ended: its helpers and team lose access
    db.session.commit()
    assert not may_see(actor_for(helper), household, TODAY)
    assert not may_see(actor_for(leader), household, TODAY)
    assert may_see(actor_for(staff), household, TODAY)
