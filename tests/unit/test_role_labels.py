"""What a person is on the site, in one set of words: the footer's role and the roster's 队长 read ROLE_LABELS."""
from shequ_volunteer.accounts.actor import ANONYMOUS, Actor
from shequ_volunteer.accounts.models import ROLE_LABELS
from shequ_volunteer.teams.models import MEMBER_APPROVED, ROLE_LEADER, Membership


def test_every_kind_of_person_is_named_from_the_one_table():
    leading = frozenset({7})
    people = {
        Actor(user_id=1, community_id=1, is_staff=True, leader_team_ids=leading): "社区工作人员",
        Actor(user_id=2, community_id=None, is_viewer=True): "街道查看",
        Actor(user_id=6, community_id=None, is_admin=True, street_id=1): "系统管理员",
        Actor(user_id=3, community_id=1, member_team_ids=leading, leader_team_ids=leading): "队长",
        Actor(user_id=4, community_id=1, member_team_ids=leading): "志愿者",
        Actor(user_id=5, community_id=1): "居民",
    }
    assert {actor.role_label for actor in people} == set(ROLE_LABELS.values())
    for actor, word in people.items():
        assert actor.role_label == ROLE_LABELS[actor.role] == word
    assert ANONYMOUS.role_label == "居民"


def test_a_leaders_membership_says_the_same_word():
    membership = Membership(status=MEMBER_APPROVED, role=ROLE_LEADER)
    assert membership.status_label == ROLE_LABELS[Actor(user_id=1, community_id=1, leader_team_ids=frozenset({1})).role]
