"""移出队伍: a leader or staff removes a member with a chosen reason, after confirming; the history stays."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shequ_volunteer.audit.models import MEMBER_REMOVED, AuditEntry
from shequ_volunteer.extensions import db
from shequ_volunteer.teams.models import MEMBER_APPROVED, ROLE_MEMBER, Membership
from shequ_volunteer.teams.models import MEMBER_REMOVED as STATUS_REMOVED
from tests import factories as f
from tests.web.helpers import HX, db_state, text


@pytest.fixture
def world(app):
    home, elsewhere = f.community(), f.community("光明社区")
    team = f.team(home, name="青年志愿服务队")
    staff, leader, volunteer = f.staff(home), f.user(home, "李队长"), f.user(home, "赵小青")
    other_leader = f.user(home, "钱副队")
    f.member(team, leader, leader=True)
    f.member(team, other_leader, leader=True)
    membership = f.member(team, volunteer)
    return {"home": home, "team": team, "staff": staff, "leader": leader, "other_leader": other_leader,
            "volunteer": volunteer, "membership": membership, "outsider_staff": f.staff(elsewhere, "外社区")}


def removal_rows():
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.kind == MEMBER_REMOVED)))


def membership_of(person, team):
    db.session.rollback()
    return db.session.scalar(select(Membership).where(Membership.user_id == person.id,
                                                      Membership.team_id == team.id))


@pytest.mark.parametrize("remover", ["leader", "staff"])
def test_a_member_is_removed_after_choosing_a_reason_and_confirming(app, world, remover):
    client = f.logged_in(app, world[remover], through_form=False)
    url = f"/teams/memberships/{world['membership'].id}/remove"
    roster = text(client.get(f"/teams/{world['team'].id}"))
    assert "移出赵小青的原因" in roster
    # Nobody is offered removing themselves; a leader is offered removing no leader, staff any.
    assert ("移出李队长的原因" in roster) == (remover == "staff")
    assert ("移出钱副队的原因" in roster) == (remover == "staff")

    asked = client.post(url, data={"reason": "moved"})
    assert asked.status_code == 200 and "把赵小青移出青年志愿服务队？" in text(asked) and "搬离本社区" in text(asked)
    assert membership_of(world["volunteer"], world["team"]).status == MEMBER_APPROVED  # nothing in one tap

    done = client.post(url, data={"reason": "moved", "confirmed": "1"})
    assert done.status_code == 303
    kept = membership_of(world["volunteer"], world["team"])
    assert (kept.status, kept.role, kept.decided_by_id) == (STATUS_REMOVED, ROLE_MEMBER, world[remover].id)
    [row] = removal_rows()
    assert (row.actor_id, row.target_id, row.community_id) == (world[remover].id, world["volunteer"].id,
                                                                world["home"].id)
    assert "搬离本社区" in row.summary and "赵小青" not in row.summary
    assert "赵小青" not in text(client.get(f"/teams/{world['team'].id}"))


def test_by_htmx_the_roster_is_answered_in_place(app, world):
    client = f.logged_in(app, world["leader"], through_form=False)
    url = f"/teams/memberships/{world['membership'].id}/remove"
    asked = client.post(url, data={"reason": "inactive"}, headers=HX)
    assert asked.status_code == 200 and "长期未参加活动" in text(asked) and "<html" not in text(asked)
    done = client.post(url, data={"reason": "inactive", "confirmed": "1"}, headers=HX)
    assert done.status_code == 200 and 'id="roster-panel"' in text(done) and "已移出队伍" in text(done)


@pytest.mark.parametrize("reason", ["", "gone", "x" * 10_000, "moved\x00"])
def test_a_missing_or_unknown_reason_is_refused_by_the_field_and_changes_nothing(app, world, reason):
    client = f.logged_in(app, world["staff"], through_form=False)
    before = db_state()
    response = client.post(f"/teams/memberships/{world['membership'].id}/remove",
                           data={"reason": reason, "confirmed": "1"})
    assert response.status_code == 422
    body = text(response)
    assert f'id="reason-{world["membership"].id}-msg"' in body
    assert "请选择移出原因" in body or "不是有效的选项" in body or "选择" in body
    assert db_state() == before


def test_a_leader_cannot_remove_another_leader_but_staff_can(app, world):
    other = db.session.scalar(select(Membership).where(Membership.user_id == world["other_leader"].id))
    url = f"/teams/memberships/{other.id}/remove"
    by_leader = f.logged_in(app, world["leader"], through_form=False)
    refused = by_leader.post(url, data={"reason": "asked", "confirmed": "1"})
    assert refused.status_code == 409 and "队长只能由社区工作人员移出" in text(refused)
    assert removal_rows() == []
    by_staff = f.logged_in(app, world["staff"], through_form=False)
    assert by_staff.post(url, data={"reason": "asked", "confirmed": "1"}).status_code == 303
    assert membership_of(world["other_leader"], world["team"]).role == ROLE_MEMBER


@pytest.mark.parametrize("who", ["volunteer", "outsider_staff", "anonymous"])
def test_members_and_other_communities_cannot_remove(app, world, who):
    client = app.test_client() if who == "anonymous" else f.logged_in(app, world[who], through_form=False)
    response = client.post(f"/teams/memberships/{world['membership'].id}/remove",
                           data={"reason": "moved", "confirmed": "1"})
    assert response.status_code in (302, 403, 404)
    assert membership_of(world["volunteer"], world["team"]).status == MEMBER_APPROVED
    assert removal_rows() == []


def test_removing_twice_is_refused_the_second_time_and_recorded_once(app, world):
    client = f.logged_in(app, world["staff"], through_form=False)
    url = f"/teams/memberships/{world['membership'].id}/remove"
    assert client.post(url, data={"reason": "moved", "confirmed": "1"}).status_code == 303
    again = client.post(url, data={"reason": "moved", "confirmed": "1"})
    assert again.status_code == 409 and "已经不是本队队员" in text(again)
    assert len(removal_rows()) == 1


def test_a_removed_member_may_apply_again(app, world):
    staff = f.logged_in(app, world["staff"], through_form=False)
    staff.post(f"/teams/memberships/{world['membership'].id}/remove", data={"reason": "other", "confirmed": "1"})
    volunteer = f.logged_in(app, world["volunteer"], through_form=False)
    assert volunteer.post(f"/teams/{world['team'].id}/apply").status_code == 303
    assert membership_of(world["volunteer"], world["team"]).status == "pending"


def test_removing_the_leadership_of_someone_who_is_not_a_leader_changes_nothing(app, world):
    client = f.logged_in(app, world["staff"], through_form=False)
    before = db_state()
    response = client.post(f"/teams/{world['team'].id}/leaders/remove", data={"phone": world["volunteer"].phone})
    assert response.status_code == 422 and "这位居民不是本队队长" in text(response)
    assert db_state() == before
