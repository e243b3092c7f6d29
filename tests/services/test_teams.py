"""Team membership services against the real database."""
import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.extensions import db
from shequ_volunteer.refusals import Refused
from shequ_volunteer.teams import services
from shequ_volunteer.teams.models import MEMBER_APPROVED, MEMBER_DECLINED, MEMBER_PENDING, ROLE_LEADER
from shequ_volunteer.timeutil import utcnow
from tests import factories as f


def test_apply_approve_decline_and_apply_again(app):
    home = f.community()
    team = f.team(home)
    leader, alice, bob = f.user(home, "李队长"), f.user(home, "王阿姨"), f.user(home, "赵大爷")
    f.member(team, leader, leader=True)
    a = services.apply_to_join(actor_for(alice), team, utcnow())
    b = services.apply_to_join(actor_for(bob), team, utcnow())
    db.session.commit()
    assert a.status == b.status == MEMBER_PENDING
    with pytest.raises(Refused):
        services.apply_to_join(actor_for(alice), team, utcnow())
    services.decide(actor_for(leader), a, True, utcnow())
    services.decide(actor_for(leader), b, False, utcnow())
    db.session.commit()
    assert (a.status, b.status) == (MEMBER_APPROVED, MEMBER_DECLINED)
    assert a.decided_by_id == leader.id
    assert team.id in actor_for(alice).member_team_ids
    with pytest.raises(Refused):
        services.decide(actor_for(leader), a, False, utcnow())  # already decided
    again = services.apply_to_join(actor_for(bob), team, utcnow())
    assert again.id == b.id and again.status == MEMBER_PENDING


def test_cannot_apply_to_another_communitys_team(app):
    home, elsewhere = f.community(), f.community("光明社区")
    foreign_team = f.team(elsewhere)
    with pytest.raises(Refused) as refused:
        services.apply_to_join(actor_for(f.user(home)), foreign_team, utcnow())
    assert "本社区" in refused.value.message


def test_staff_appoint_leader_by_phone_only_in_their_community(app):
    home, elsewhere = f.community(), f.community("光明社区")
    staff = f.staff(home)
    team = f.team(home)
    resident, outsider = f.user(home, "张秀英"), f.user(elsewhere, "外人")
    membership = services.set_leader(actor_for(staff), team, resident.phone, True, utcnow())
    db.session.commit()
    assert membership.role == ROLE_LEADER and membership.status == MEMBER_APPROVED
    assert team.id in actor_for(resident).leader_team_ids
    with pytest.raises(Refused):
        services.set_leader(actor_for(staff), team, outsider.phone, True, utcnow())
    services.set_leader(actor_for(staff), team, resident.phone, False, utcnow())
    db.session.commit()
    assert team.id not in actor_for(resident).leader_team_ids
    assert team.id in actor_for(resident).member_team_ids
