"""我的消息: each kind of event writes exactly the right people's messages, in the transaction of the change."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import LoginSession
from shequ_volunteer.accounts.services import register_on_behalf
from shequ_volunteer.activities import services as activities
from shequ_volunteer.activities.models import SIGNUP_PENDING, SIGNUP_WAITING
from shequ_volunteer.extensions import db
from shequ_volunteer.hours import services as hours
from shequ_volunteer.messages import calls, kinds
from shequ_volunteer.messages import services as messages
from shequ_volunteer.messages.models import Message, PhoneCall
from shequ_volunteer.pairing import services as pairing
from shequ_volunteer.pairing.models import FollowUp
from shequ_volunteer.refusals import Refused
from shequ_volunteer.teams import services as teams
from shequ_volunteer.teams.models import Membership
from shequ_volunteer.timeutil import format_local, utcnow
from tests import factories as f


def signed_in_once(person):
    """A person who has signed in at some time (a login_sessions row): messages reach them."""
    db.session.add(LoginSession(user_id=person.id, token_hash=f"t{person.id}", device="pytest", created_at=utcnow(),
                                last_seen_at=utcnow()))
    db.session.commit()
    return person


def inbox_of(kind: str | None = None) -> dict[int, list[Message]]:
    """Every message, by person (of one kind, when given)."""
    found: dict[int, list[Message]] = {}
    query = select(Message).order_by(Message.id)
    for message in db.session.scalars(query.where(Message.kind == kind) if kind else query):
        found.setdefault(message.user_id, []).append(message)
    return found


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home)
    leader = signed_in_once(f.user(home, "李队长"))
    f.member(team, leader, leader=True)
    confirmed, pending, waiting, withdrawn, bystander = (signed_in_once(f.user(home, name))
                                                        for name in ("王阿姨", "赵大爷", "钱奶奶", "孙叔", "周姐"))
    activity = f.activity(team, capacity=2)
    f.signup(activity, confirmed)
    f.signup(activity, pending, status=SIGNUP_PENDING)
    f.signup(activity, waiting, status=SIGNUP_WAITING)
    f.signup(activity, withdrawn, status="withdrawn")
    return {"home": home, "team": team, "leader": leader, "activity": activity, "confirmed": confirmed,
            "pending": pending, "waiting": waiting, "withdrawn": withdrawn, "bystander": bystander}


def holders(world) -> set[int]:
    return {world[name].id for name in ("confirmed", "pending", "waiting")}


def test_cancel_tells_everyone_holding_a_place_and_nobody_else(world):
    activities.cancel_activity(actor_for(world["leader"]), world["activity"], utcnow())
    db.session.commit()
    sent = inbox_of()
    assert set(sent) == holders(world)
    message = sent[world["confirmed"].id][0]
    assert message.kind == kinds.ACTIVITY_CANCELLED and message.link == f"/activities/{world['activity'].id}"
    assert "周末清洁家园" in message.title and "已取消" in message.body
    assert messages.unread_count(world["confirmed"].id) == 1


def test_restore_tells_them_again(world):
    activities.cancel_activity(actor_for(world["leader"]), world["activity"], utcnow())
    activities.restore_activity(actor_for(world["leader"]), world["activity"], utcnow())
    db.session.commit()
    assert set(inbox_of(kinds.ACTIVITY_RESTORED)) == holders(world)


def _edit(world, **changes):
    activity = world["activity"]
    values = {name: getattr(activity, name) for name in activities.FIELDS} | changes
    activities.update_activity(actor_for(world["leader"]), activity, activities.ActivityInput(**values), utcnow())


def test_a_new_time_says_old_and_new(world):
    old = world["activity"].starts_at
    new = old + timedelta(days=1, hours=1)
    _edit(world, starts_at=new, ends_at=new + timedelta(hours=2))
    db.session.commit()
    sent = inbox_of(kinds.ACTIVITY_CHANGED)
    assert set(sent) == holders(world)
    body = sent[world["confirmed"].id][0].body
    assert f"时间：{format_local(old)} → {format_local(new)}" in body and "地点" not in body


def test_a_new_place_says_old_and_new_and_other_edits_say_nothing(world):
    _edit(world, description="带好手套")
    assert inbox_of() == {}
    _edit(world, place="三楼多功能厅")
    db.session.commit()
    assert "地点：社区活动室 → 三楼多功能厅" in inbox_of(kinds.ACTIVITY_CHANGED)[world["waiting"].id][0].body


def test_a_rolled_back_change_sends_nothing(world):
    activities.cancel_activity(actor_for(world["leader"]), world["activity"], utcnow())
    db.session.rollback()
    assert inbox_of() == {} and db.session.scalar(select(PhoneCall.id)) is None


def test_a_refused_restore_sends_nothing(world):
    activities.cancel_activity(actor_for(world["leader"]), world["activity"], utcnow())
    db.session.commit()
    before = len(db.session.scalars(select(Message)).all())
    with pytest.raises(Refused):
        activities.restore_activity(actor_for(world["leader"]), world["activity"],
                                    world["activity"].starts_at + timedelta(minutes=1))
    db.session.rollback()
    assert len(db.session.scalars(select(Message)).all()) == before


def test_promotion_and_review(world):
    activity, leader = world["activity"], world["leader"]
    pending = db.session.scalar(select(activities.Signup).where(activities.Signup.user_id == world["pending"].id))
    activities.review(actor_for(leader), activity, pending.id, False, utcnow())  # frees a place for the queue
    db.session.commit()
    assert [m.title for m in inbox_of(kinds.SIGNUP_REVIEWED)[world["pending"].id]] == ["报名未通过：周末清洁家园"]
    promoted = inbox_of(kinds.PROMOTED)
    assert set(promoted) == {world["waiting"].id} and "正式报名" in promoted[world["waiting"].id][0].body
    assert set(inbox_of()) == {world["pending"].id, world["waiting"].id}


def test_leaders_hear_of_sign_ups_awaiting_approval_and_of_cant_come(world):
    team, leader = world["team"], world["leader"]
    approval = f.activity(team, title="义诊", requires_approval=True)
    activities.sign_up(actor_for(world["bystander"]), approval, utcnow())
    db.session.commit()
    assert set(inbox_of(kinds.SIGNUP_AWAITS_APPROVAL)) == {leader.id}
    soon = f.activity(team, title="巡逻", withdraw_deadline=utcnow() - timedelta(hours=1))
    f.signup(soon, world["confirmed"])
    activities.cant_come(actor_for(world["confirmed"]), soon, utcnow())
    db.session.commit()
    told = inbox_of(kinds.CANT_COME)
    assert set(told) == {leader.id} and "巡逻" in told[leader.id][0].body
    assert "王阿姨" not in told[leader.id][0].title + told[leader.id][0].body  # the roster says who


def test_team_application_decided_and_removal(world):
    team, leader, person = world["team"], world["leader"], world["bystander"]
    membership = teams.apply_to_join(actor_for(person), team, utcnow())
    teams.decide(actor_for(leader), membership, True, utcnow())
    db.session.commit()
    assert [m.title for m in inbox_of(kinds.TEAM_APPLICATION_DECIDED)[person.id]] == ["入队申请通过：青年志愿服务队"]
    teams.remove_member(actor_for(leader), db.session.get(Membership, membership.id), next(iter(
        teams.REMOVAL_REASONS)), utcnow())
    db.session.commit()
    assert set(inbox_of(kinds.TEAM_REMOVED)) == {person.id}


def test_switched_off_kinds_are_not_sent_but_own_places_always_are(world):
    person, team, leader = world["bystander"], world["team"], world["leader"]
    messages.keep_only(person.id, [])
    messages.keep_only(leader.id, [kind for kind in kinds.SWITCHABLE if kind != kinds.SIGNUP_AWAITS_APPROVAL])
    db.session.commit()
    assert messages.switched_off(person.id) == set(kinds.SWITCHABLE)
    membership = teams.apply_to_join(actor_for(person), team, utcnow())
    teams.decide(actor_for(leader), membership, False, utcnow())
    activities.sign_up(actor_for(person), f.activity(team, requires_approval=True), utcnow())
    db.session.commit()
    assert inbox_of() == {}
    mine = f.activity(team, title="二次")
    f.signup(mine, person)
    activities.cancel_activity(actor_for(leader), mine, utcnow())
    db.session.commit()
    assert set(inbox_of(kinds.ACTIVITY_CANCELLED)) == {person.id}  # about her own place: cannot be switched off


def test_staff_hear_of_follow_ups_and_claims_without_the_households_name_or_condition(world):
    home, team = world["home"], world["team"]
    staff, staff_elsewhere = signed_in_once(f.staff(home)), signed_in_once(f.staff(f.community("光明社区"), "刘强"))
    helper = world["confirmed"]
    f.member(team, helper)
    household = f.paired_household(home, staff, helpers=[helper], head_name="孙秀兰", members="独子在外地",
                                   building="7")
    pairing.log_visit(actor_for(helper), household, pairing.VisitInput(
        way="home", visited_on=f.beijing_today(), duration_minutes=30, follow_up_reason="血压很高，腿脚不便"), utcnow())
    db.session.commit()
    raised = inbox_of(kinds.FOLLOW_UP_RAISED)
    assert set(raised) == {staff.id} and staff_elsewhere.id not in raised
    message = raised[staff.id][0]
    assert "7号楼" in message.title + message.body
    for secret in ("孙秀兰", "血压", "腿脚", "独子", "空巢", "独居"):
        assert secret not in message.title + message.body
    colleague = signed_in_once(f.staff(home, "陈社工"))
    follow_up = db.session.scalar(select(FollowUp))
    pairing.update_follow_up(actor_for(staff), follow_up, "open", colleague.id, "", utcnow())
    db.session.commit()
    assigned = inbox_of(kinds.FOLLOW_UP_ASSIGNED)
    assert set(assigned) == {colleague.id} and "7号楼" in assigned[colleague.id][0].title
    assert "孙秀兰" not in assigned[colleague.id][0].title + assigned[colleague.id][0].body
    hours.claim(actor_for(helper), team.id, f.beijing_today(), 90, "帮独居老人买菜", utcnow())
    db.session.commit()
    claims = inbox_of(kinds.HOURS_CLAIM_AWAITS)
    assert set(claims) == {staff.id, colleague.id}  # the community's staff, not another's
    assert "90分钟" in claims[staff.id][0].body and helper.name not in claims[staff.id][0].body


def test_people_without_a_login_go_on_the_call_list_until_ticked(world):
    home, team, leader = world["home"], world["team"], world["leader"]
    activity = f.activity(team, title="重阳敬老")
    never = f.user(home, "吴奶奶")  # a password, but never signed in
    elder = register_on_behalf("13900000001", "郑爷爷", home.id, utcnow())  # 代报名, no password
    activities.sign_up_on_behalf(actor_for(leader), activity, elder, utcnow())
    f.signup(activity, never)
    f.signup(activity, world["confirmed"])
    activities.cancel_activity(actor_for(leader), activity, utcnow())
    db.session.commit()
    its_list = calls.Subject.activity(activity.id)
    open_calls = calls.open_calls(its_list)
    assert sorted(call.user.name for call in open_calls) == ["吴奶奶", "郑爷爷"]
    assert set(inbox_of()) == {elder.id, never.id, world["confirmed"].id}  # written anyway: read if they sign in
    calls.mark_called(actor_for(leader), its_list, open_calls[0].id, utcnow())
    db.session.commit()
    ticked = db.session.get(PhoneCall, open_calls[0].id)
    assert ticked.called_by_id == leader.id and ticked.called_at is not None
    with pytest.raises(Refused):
        calls.mark_called(actor_for(leader), its_list, open_calls[0].id, utcnow())
    db.session.rollback()
    activities.restore_activity(actor_for(leader), activity, utcnow())  # a new change: both to call again
    db.session.commit()
    assert [call.change.startswith("活动恢复") for call in calls.open_calls(its_list)] == [True, True]


def test_closing_an_account_takes_its_messages_switches_and_open_calls(world):
    from shequ_volunteer.me.closing import close_account

    person, leader = world["confirmed"], world["leader"]
    messages.keep_only(person.id, [])
    other = f.activity(world["team"], title="其他活动")
    f.signup(other, person)
    db.session.add(PhoneCall(activity_id=other.id, user_id=person.id, change="活动已取消", created_at=utcnow()))
    activities.cancel_activity(actor_for(leader), world["activity"], utcnow())
    db.session.commit()
    assert inbox_of()[person.id]
    close_account(person, utcnow())
    db.session.commit()
    assert person.id not in inbox_of() and messages.switched_off(person.id) == set()
    assert db.session.scalar(select(PhoneCall.id).where(PhoneCall.user_id == person.id)) is None
    assert set(inbox_of()) == holders(world) - {person.id}
