"""Which message switches 我的资料 offers a person: the kinds that can reach them as they are (messages.kinds)."""
import pytest

from shequ_volunteer.messages import kinds

ANYONE = {kinds.REMINDER_TOMORROW, kinds.NOTICE, kinds.TEAM_APPLICATION_DECIDED, kinds.TEAM_REMOVED}
LEADER = {kinds.CANT_COME, kinds.SIGNUP_AWAITS_APPROVAL, kinds.LEADER_UNDER_HALF}
STAFF = {kinds.FOLLOW_UP_RAISED, kinds.FOLLOW_UP_ASSIGNED, kinds.HOURS_CLAIM_AWAITS}
DIGEST = {kinds.VISITS_DUE_DIGEST}


@pytest.mark.parametrize("is_staff, leads_team, helps, offered", [
    (False, False, False, ANYONE),                   # a resident (or a plain volunteer)
    (False, False, True, ANYONE | DIGEST),           # a pairing's helper
    (False, True, False, ANYONE | LEADER | DIGEST),  # leaders hear of their team's households with no helper
    (True, False, False, ANYONE | STAFF | DIGEST),   # staff hear of households nobody else would
    (True, True, True, ANYONE | LEADER | STAFF | DIGEST),
])
def test_each_person_is_offered_the_switches_that_can_reach_them(is_staff, leads_team, helps, offered):
    shown = kinds.switchable_for(is_staff, leads_team, helps)
    assert set(shown) == offered
    assert list(shown) == [name for name in kinds.SWITCHABLE if name in shown]  # in the page's usual order


def test_everyone_who_can_be_reached_sees_every_switch():
    assert set(kinds.switchable_for(True, True, True)) == set(kinds.SWITCHABLE)
