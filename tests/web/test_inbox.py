"""我的消息 through the test client: paging, opening, 全部已读, the menu's unread count, the switches, the call list."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.services import register_on_behalf
from shequ_volunteer.extensions import db
from shequ_volunteer.messages import services as messages
from shequ_volunteer.messages.models import Message, PhoneCall
from shequ_volunteer.teams.models import ROLE_LEADER, ROLE_MEMBER, Membership
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.statements import counting_statements

from .helpers import HX, db_state, text


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home)
    leader, resident, other = f.user(home, "李队长"), f.user(home, "王阿姨"), f.user(home, "赵大爷")
    f.member(team, leader, leader=True)
    return SimpleNamespace(home=home, team=team, leader=leader, resident=resident, other=other,
                           activity=f.activity(team, title="重阳敬老"))


def send_numbered(person, count: int) -> None:
    """Messages 1..count, one minute apart (the last is the newest)."""
    start = utcnow() - timedelta(days=1)
    for number in range(1, count + 1):
        messages.send([person.id], "activity_changed", f"第{number}条", "", f"/activities/{number}",
                      start + timedelta(minutes=number))
    db.session.commit()


def titles(response) -> list[str]:
    body = text(response)
    return [chunk.split("条", 1)[0] for chunk in body.split("第")[1:] if chunk.split("条", 1)[0].isdigit()]


def test_newest_first_twenty_a_page(app, world):
    send_numbered(world.resident, 45)
    client = f.logged_in(app, world.resident)
    first = client.get("/me/messages")
    assert titles(first) == [str(n) for n in range(45, 25, -1)]
    assert "下一页" in text(first) and "上一页" not in text(first)
    assert titles(client.get("/me/messages?page=2")) == [str(n) for n in range(25, 5, -1)]
    last = client.get("/me/messages?page=3")
    assert titles(last) == ["5", "4", "3", "2", "1"] and "下一页" not in text(last)
    fragment = client.get("/me/messages?page=2", headers=HX)
    assert "<html" not in text(fragment) and titles(fragment)[0] == "25"


def test_opening_marks_read_and_goes_to_what_it_is_about(app, world):
    messages.send([world.resident.id, world.other.id], "activity_changed", "活动有变动", "时间：旧 → 新",
                  f"/activities/{world.activity.id}", utcnow())
    db.session.commit()
    mine = db.session.scalar(select(Message.id).where(Message.user_id == world.resident.id))
    theirs = db.session.scalar(select(Message.id).where(Message.user_id == world.other.id))
    client = f.logged_in(app, world.resident)
    assert "未读" in text(client.get("/me/messages"))
    before = db_state()
    assert client.get(f"/me/messages/{theirs}").status_code == 404
    assert db_state() == before
    response = client.get(f"/me/messages/{mine}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/activities/{world.activity.id}")
    db.session.rollback()
    assert db.session.get(Message, mine).read_at is not None and db.session.get(Message, theirs).read_at is None
    assert messages.unread_count(world.resident.id) == 0


def test_a_link_to_another_site_is_never_followed(app, world):
    messages.send([world.resident.id], "notice", "公告", "", "//evil.example/x", utcnow())
    db.session.commit()
    message_id = db.session.scalar(select(Message.id))
    response = f.logged_in(app, world.resident).get(f"/me/messages/{message_id}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/me/messages")


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_read_all(app, world, headers):
    send_numbered(world.resident, 3)
    send_numbered(world.other, 2)
    response = f.logged_in(app, world.resident).post("/me/messages/read-all", headers=headers)
    if headers:
        assert response.status_code == 200 and "3条消息已标为已读" in text(response) and "<html" not in text(response)
    else:
        assert response.status_code == 303 and response.headers["Location"].endswith("/me/messages")
    db.session.rollback()
    assert messages.unread_count(world.resident.id) == 0 and messages.unread_count(world.other.id) == 2


def test_the_menu_shows_the_unread_count_and_the_fragment_polls_it(app, world):
    client = f.logged_in(app, world.resident)
    page = text(client.get("/activities"))
    assert 'id="unread-count"' in page and "badge-zero" in page and 'hx-trigger="every 60s"' in page
    send_numbered(world.resident, 3)
    assert ">3<" in text(client.get("/activities")).split('id="unread-count"', 1)[1][:400]
    fragment = client.get("/me/messages/unread", headers=HX)
    assert fragment.status_code == 200 and fragment.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in fragment.headers  # no session write, however often it polls
    assert "<html" not in text(fragment) and ">3<" in text(fragment) and "条未读" in text(fragment)


def test_anonymous_polling_stops_and_the_menu_has_no_count(app, world):
    client = app.test_client()
    response = client.get("/me/messages/unread", headers=HX)
    assert response.status_code == 286 and text(response) == ""  # htmx stops polling on 286
    assert 'id="unread-count"' not in text(client.get("/activities"))


def test_fragments_do_not_count_unread_messages(app, world):
    """The count is a query only the full page's menu pays."""
    client = f.logged_in(app, world.resident)
    with counting_statements() as statements:
        client.get("/me/messages", headers=HX)
        in_fragment = [s for s in statements if "FROM messages" in s and "count(" in s.lower()]
        client.get("/me/messages")
        in_page = [s for s in statements if "FROM messages" in s and "count(" in s.lower()]
    assert len(in_fragment) == 0 and len(in_page) == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_switches_in_my_profile(app, world, headers):
    client = f.logged_in(app, world.resident)
    page = text(client.get("/me/profile"))
    assert "接收哪些消息" in page and "我报名的活动取消了" in page  # listed among those always sent
    assert 'value="activity_cancelled"' not in page and 'value="reminder_tomorrow"' in page
    response = client.post("/me/profile/messages", data={"kept_on": ["reminder_tomorrow"]}, headers=headers)
    assert response.status_code == (200 if headers else 303)
    db.session.rollback()
    boxes = switch_boxes(client)
    assert messages.switched_off(world.resident.id) == set(boxes) - {"reminder_tomorrow"}
    assert boxes["reminder_tomorrow"] and not boxes["notice"]


def switch_boxes(client) -> dict[str, bool]:
    """The switches 我的资料 offers the client's person, each with whether it is ticked."""
    return {tag.split('value="', 1)[1].split('"', 1)[0]: "checked" in tag
            for tag in text(client.get("/me/profile")).split("<input")[1:] if 'name="kept_on"' in tag}


ANYONE = {"reminder_tomorrow", "notice", "team_application_decided", "team_removed"}
LEADERS = {"cant_come", "signup_awaits_approval", "leader_under_half"}
STAFF = {"follow_up_raised", "follow_up_assigned", "hours_claim_awaits"}
PAIRING = {"visits_due_digest"}  # helpers, leaders and staff all hear of visits due


def test_each_person_is_offered_only_the_switches_that_can_reach_them(app, world):
    staff, helper = f.staff(world.home, "社工周敏"), f.user(world.home, "志愿者刘洋")
    f.paired_household(world.home, staff, helpers=[helper])
    offered = {world.resident: ANYONE, helper: ANYONE | PAIRING, world.leader: ANYONE | LEADERS | PAIRING,
               staff: ANYONE | STAFF | PAIRING}
    for person, expected in offered.items():
        client = f.logged_in(app, person)
        assert set(switch_boxes(client)) == expected, person.name
        page = text(client.get("/me/profile"))
        assert ("（队长）有人说去不了" in page) == (person is world.leader), person.name
        assert ("（工作人员）有补录等待审批" in page) == (person is staff), person.name
    # A switch never offered cannot be set by posting it either.
    before = db_state()
    refused = f.logged_in(app, world.resident).post("/me/profile/messages", data={"kept_on": ["cant_come"]})
    assert refused.status_code == 422 and "请从列出的选项中选择" in text(refused) and db_state() == before


def test_saving_keeps_the_switches_not_shown(app, world):
    """A leader who stops leading and saves keeps the leader's switches as they were, for when they lead again."""
    client = f.logged_in(app, world.leader)
    kept = sorted((ANYONE | PAIRING | LEADERS) - {"cant_come"})
    assert client.post("/me/profile/messages", data={"kept_on": kept}).status_code == 303
    db.session.rollback()
    assert messages.switched_off(world.leader.id) == {"cant_come"}
    membership = db.session.scalar(select(Membership).where(Membership.user_id == world.leader.id))
    membership.role = ROLE_MEMBER
    db.session.commit()
    assert set(switch_boxes(client)) == ANYONE
    assert client.post("/me/profile/messages", data={"kept_on": ["notice"]}).status_code == 303
    db.session.rollback()
    assert messages.switched_off(world.leader.id) == (ANYONE - {"notice"}) | {"cant_come"}
    membership.role = ROLE_LEADER
    db.session.commit()
    boxes = switch_boxes(client)
    assert not boxes["cant_come"] and boxes["signup_awaits_approval"] and boxes["leader_under_half"]
    assert boxes["notice"] and not boxes["reminder_tomorrow"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_call_list_after_a_cancellation(app, world, headers):
    elder = register_on_behalf("13900000001", "郑爷爷", world.home.id, utcnow())
    db.session.commit()
    f.signup(world.activity, world.resident)
    leader = f.logged_in(app, world.leader)
    assert leader.post(f"/activities/{world.activity.id}/on-behalf", data={"user_id": elder.id}).status_code == 303
    page = text(leader.get(f"/activities/{world.activity.id}"))
    assert "请电话通知" not in page  # nothing changed yet: nobody to call
    assert leader.post(f"/activities/{world.activity.id}/cancel", data={"confirmed": "1"}).status_code == 303
    page = text(leader.get(f"/activities/{world.activity.id}"))
    assert "请电话通知（2 人）" in page  # the elder and the resident who never signed in
    assert "13900000001" in page and "郑爷爷" in page and "活动已取消" in page
    db.session.rollback()
    call = db.session.scalar(select(PhoneCall).where(PhoneCall.user_id == elder.id))
    # A resident sees no call list, even her own activity's.
    assert "请电话通知" not in text(f.logged_in(app, world.other).get(f"/activities/{world.activity.id}"))
    response = leader.post(f"/activities/{world.activity.id}/calls/{call.id}/done", headers=headers)
    assert response.status_code == (200 if headers else 303)
    if headers:
        call_list = text(response).split("请电话通知")[-1].split("</ul>")[0]
        assert "已记下电话通知" in text(response) and "郑爷爷" not in call_list
    db.session.rollback()
    ticked = db.session.get(PhoneCall, call.id)
    assert ticked.called_by_id == world.leader.id and ticked.called_at is not None
    page = text(leader.get(f"/activities/{world.activity.id}"))
    assert "请电话通知（1 人）" in page and "郑爷爷" not in page.split("请电话通知")[1].split("</ul>")[0]
    again = leader.post(f"/activities/{world.activity.id}/calls/{call.id}/done")
    assert again.status_code == 409 and "已经标记过" in text(again)


def test_my_data_tells_how_many_messages_and_which_kinds_are_off(app, world):
    send_numbered(world.resident, 3)
    messages.keep_only(world.resident.id, [kind for kind in messages.kinds.SWITCHABLE if kind != "cant_come"])
    db.session.commit()
    held = f.logged_in(app, world.resident).get("/me/data/download").json["我的消息"]
    assert held == {"消息条数": "3", "未读": "3", "不接收的消息": "（队长）有人说去不了"}
