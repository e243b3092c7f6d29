"""公告: who may post to whom, where notices show (home, team and activity pages), read counts, the call list of
a team's or an activity's notice, the print page, bad input, 撤回."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from shequ_volunteer.accounts.services import register_on_behalf
from shequ_volunteer.extensions import db
from shequ_volunteer.messages.models import Message, PhoneCall
from shequ_volunteer.notices.models import Notice
from shequ_volunteer.outbox.models import OutboxMessage
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.web.helpers import HX, db_state, row_count, text


def _world():
    home = f.community()
    staff = f.staff(home)
    team = f.team(home)
    leader, member, resident = f.user(home, "李队长"), f.user(home, "队员甲"), f.user(home, "居民乙")
    f.member(team, leader, leader=True)
    f.member(team, member)
    return home, staff, team, leader, member, resident


def _post(client, path, **data):
    response = client.post(path, data={"title": "停水通知", "body": "明天9点到12点停水，请提前储水。", **data})
    db.session.commit()  # end the test's read snapshot: see what the request committed
    return response


def test_staff_post_a_community_notice_to_every_current_resident_and_anonymous_visitors_see_it(app):
    home, staff, _team, leader, member, resident = _world()
    gone = f.user(home, "已停用")
    gone.deactivated_at = f.days_ago(1)
    db.session.commit()
    response = _post(f.logged_in(app, staff), "/notices/new", pinned="y")
    assert response.status_code == 303
    notice = db.session.scalar(select(Notice))
    assert notice.recipients == 4  # staff, leader, member, resident; not the stopped account
    assert set(db.session.scalars(select(Message.user_id).where(Message.notice_id == notice.id))) == {
        staff.id, leader.id, member.id, resident.id}
    home_page = text(app.test_client().get("/"))
    assert "停水通知" in home_page and "置顶" in home_page
    assert "明天9点" in text(app.test_client().get(f"/notices/{notice.id}"))


def test_expired_and_withdrawn_notices_leave_the_home_page(app):
    _home, staff, *_ = _world()
    client = f.logged_in(app, staff)
    _post(client, "/notices/new", expires_on=f.beijing_today().isoformat())
    notice = db.session.scalar(select(Notice))
    assert "停水通知" in text(app.test_client().get("/"))
    db.session.execute(update(Notice).values(expires_at=notice.created_at - timedelta(minutes=1)))
    db.session.commit()
    assert "停水通知" not in text(app.test_client().get("/"))


def test_withdrawing_asks_first_then_hides_it(app):
    _home, staff, _team, _leader, _member, resident = _world()
    client = f.logged_in(app, staff)
    _post(client, "/notices/new")
    notice_id = db.session.scalar(select(Notice.id))
    first = client.post(f"/notices/{notice_id}/withdraw")
    assert first.status_code == 200 and "确定撤回" in text(first)
    assert db.session.scalar(select(Notice.withdrawn_at)) is None
    assert client.post(f"/notices/{notice_id}/withdraw", data={"confirmed": "1"}).status_code == 303
    db.session.commit()
    assert db.session.scalar(select(Notice.withdrawn_at)) is not None
    assert "停水通知" not in text(app.test_client().get("/"))
    assert app.test_client().get(f"/notices/{notice_id}").status_code == 404
    received = text(f.logged_in(app, resident).get(f"/notices/{notice_id}"))  # their inbox still links here
    assert "这条公告已撤回" in received and "明天9点" not in received


def test_a_team_notice_reaches_only_current_members_and_shows_on_the_team_page_to_them(app):
    home, _staff, team, leader, member, resident = _world()
    response = _post(f.logged_in(app, leader), f"/teams/{team.id}/notices/new")
    assert response.status_code == 303
    notice = db.session.scalar(select(Notice))
    assert set(db.session.scalars(select(Message.user_id))) == {leader.id, member.id}
    assert "停水通知" in text(f.logged_in(app, member).get(f"/teams/{team.id}"))
    outsider = f.logged_in(app, resident)
    assert "停水通知" not in text(outsider.get(f"/teams/{team.id}"))
    assert outsider.get(f"/notices/{notice.id}").status_code == 404
    assert outsider.get(f"/notices/{notice.id}/print").status_code == 404
    newcomer = f.user(home, "新队员")
    f.member(team, newcomer)  # joined after it was sent: the team page lists it, so it opens
    assert "明天9点" in text(f.logged_in(app, newcomer).get(f"/notices/{notice.id}"))
    assert "停水通知" not in text(app.test_client().get("/"))


def test_an_activity_notice_reaches_the_people_holding_a_place(app):
    home, _staff, team, leader, member, resident = _world()
    activity = f.activity(team)
    f.signup(activity, resident)
    f.signup(activity, f.user(home, "退出的"), status="withdrawn")
    assert _post(f.logged_in(app, leader), f"/activities/{activity.id}/notices/new").status_code == 303
    assert list(db.session.scalars(select(Message.user_id))) == [resident.id]


def test_the_sender_sees_read_counts_and_who_has_not_read(app):
    _home, _staff, team, leader, member, _resident = _world()
    client = f.logged_in(app, leader)
    _post(client, f"/teams/{team.id}/notices/new")
    notice_id = db.session.scalar(select(Notice.id))
    db.session.execute(update(Message).where(Message.user_id == leader.id).values(read_at=f.days_ago(0)))
    db.session.commit()
    page = text(client.get(f"/notices/{notice_id}"))
    assert "已读 1 / 2" in page and "队员甲" in page
    assert '<textarea id="notice-group-text" readonly rows="7">【青年志愿服务队公告】停水通知' in page
    assert "已读" not in text(f.logged_in(app, member).get(f"/notices/{notice_id}"))


def test_the_print_page_has_a_large_qr_code_to_the_notice(app):
    _home, staff, *_ = _world()
    client = f.logged_in(app, staff)
    _post(client, "/notices/new")
    notice_id = db.session.scalar(select(Notice.id))
    page = text(app.test_client().get(f"/notices/{notice_id}/print"))
    assert "<svg" in page and f"http://shequ.test/notices/{notice_id}" in page and "停水通知" in page


def test_a_resident_cannot_post_a_team_notice_nor_a_leader_to_another_team_or_the_community(app):
    home, _staff, team, leader, _member, resident = _world()
    other = f.team(home, "巡逻队")
    assert _post(f.logged_in(app, resident), f"/teams/{team.id}/notices/new").status_code == 403
    leader_client = f.logged_in(app, leader)
    assert _post(leader_client, f"/teams/{other.id}/notices/new").status_code == 403
    assert _post(leader_client, "/notices/new").status_code == 403
    assert row_count(Notice) == 0 and row_count(Message) == 0


def test_bad_input_is_refused_by_the_field_and_writes_nothing(app):
    _home, staff, *_ = _world()
    client = f.logged_in(app, staff)
    for data, message in ((dict(title=""), "请填写标题"), (dict(body="字" * 10_000), "不能超过2000个字"),
                          (dict(title="停\x00水"), "含有无法识别的字符"),
                          (dict(expires_on=(f.beijing_today() - timedelta(days=1)).isoformat()), "有效期不能早于今天")):
        response = _post(client, "/notices/new", **data)
        assert response.status_code == 422, data
        assert message in text(response)
    assert row_count(Notice) == 0 and row_count(Message) == 0


def test_a_team_notice_is_queued_to_the_work_group_and_copy_text_is_offered(app):
    _home, _staff, team, leader, *_ = _world()
    team.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234"
    db.session.commit()
    client = f.logged_in(app, leader)
    _post(client, f"/teams/{team.id}/notices/new")
    queued = db.session.scalar(select(OutboxMessage))
    assert queued.team_id == team.id and "停水通知" in queued.body and "/notices/" in queued.body


# --- the call list of a team's or an activity's notice ----------------------------------------------------------

def _call_rows():
    db.session.rollback()  # see what the requests committed
    return db.session.scalars(select(PhoneCall).order_by(PhoneCall.id)).all()


def test_those_a_team_notice_cannot_reach_are_listed_to_phone_with_their_number(app):
    home, staff, team, leader, member, resident = _world()
    elder = register_on_behalf("13900000077", "郑奶奶", home.id, utcnow())  # 代报名: no password, no login
    f.member(team, elder)
    reader = f.user(home, "常上网的队员")
    f.member(team, reader)
    f.logged_in(app, reader)  # signed in once: the inbox reaches her
    _post(f.logged_in(app, leader), f"/teams/{team.id}/notices/new")
    notice = db.session.scalar(select(Notice))
    calls = _call_rows()
    assert {call.user_id for call in calls} == {member.id, elder.id}  # never signed in / no login at all
    assert {(call.notice_id, call.activity_id, call.change) for call in calls} == {(notice.id, None, "公告：停水通知")}
    for manager in (leader, staff):
        page = text(f.logged_in(app, manager).get(f"/notices/{notice.id}"))
        assert "请电话通知（2 人）" in page and "郑奶奶" in page and 'href="tel:13900000077"' in page
    for outsider in (member, reader, resident):
        page = text(f.logged_in(app, outsider).get(f"/notices/{notice.id}"))
        assert "请电话通知" not in page and "13900000077" not in page


def test_a_community_notice_has_no_call_list(app):
    home, staff, *_ = _world()
    _post(f.logged_in(app, staff), "/notices/new")
    assert _call_rows() == []


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_ticking_records_who_and_when_and_the_list_stays_until_everyone_is_ticked(app, headers):
    home, _staff, team, leader, member, resident = _world()
    activity = f.activity(team, title="重阳敬老")
    f.signup(activity, member)
    f.signup(activity, resident, status="waiting")
    client = f.logged_in(app, leader)
    _post(client, f"/activities/{activity.id}/notices/new")
    notice_id = db.session.scalar(select(Notice.id))
    first, second = _call_rows()
    response = client.post(f"/notices/{notice_id}/calls/{first.id}/done", headers=headers)
    if headers:
        assert response.status_code == 200 and "<html" not in text(response) and 'id="notice"' in text(response)
        assert "已记下电话通知" in text(response) and "请电话通知（1 人）" in text(response)
    else:
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/notices/{notice_id}")
    ticked, still_open = _call_rows()
    assert ticked.called_by_id == leader.id and ticked.called_at is not None and still_open.called_at is None
    page = text(client.get(f"/notices/{notice_id}"))
    assert "请电话通知（1 人）" in page and "居民乙" in page.split("请电话通知")[1]
    before = db_state()
    again = client.post(f"/notices/{notice_id}/calls/{first.id}/done", headers=headers)
    assert again.status_code == 409 and "已经标记过" in text(again) and db_state() == before
    assert client.post(f"/notices/{notice_id}/calls/{second.id}/done").status_code == 303
    assert "请电话通知" not in text(client.get(f"/notices/{notice_id}"))  # everyone ticked: the list is gone


def test_a_call_of_another_list_is_not_found_through_this_notice(app):
    home, _staff, team, leader, member, _resident = _world()
    client = f.logged_in(app, leader)
    _post(client, f"/teams/{team.id}/notices/new")
    _post(client, f"/teams/{team.id}/notices/new", title="第二条")
    first_notice, second_notice = db.session.scalars(select(Notice.id).order_by(Notice.id)).all()
    call_of_first = db.session.scalar(select(PhoneCall.id).where(PhoneCall.notice_id == first_notice))
    before = db_state()
    assert client.post(f"/notices/{second_notice}/calls/{call_of_first}/done").status_code == 404
    assert client.post(f"/notices/{second_notice}/calls/999999/done").status_code == 404
    assert db_state() == before


def test_every_call_is_about_one_thing_only(app):
    home, _staff, team, _leader, member, _resident = _world()
    activity = f.activity(team)
    db.session.add(PhoneCall(user_id=member.id, change="?", created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    notice = Notice(community_id=home.id, audience="activity", activity_id=activity.id, team_id=team.id, title="t",
                    body="b", created_by_id=member.id, created_at=utcnow())
    db.session.add(notice)
    db.session.flush()
    db.session.add(PhoneCall(user_id=member.id, activity_id=activity.id, notice_id=notice.id, change="?",
                             created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- an activity's notices on the activity's page -----------------------------------------------------------------

def test_an_activity_notice_shows_on_its_page_to_its_people_and_managers_only(app):
    home, staff, team, leader, member, resident = _world()
    activity = f.activity(team, title="重阳敬老")
    other_activity = f.activity(team, title="别的活动")
    f.signup(activity, member)
    f.signup(activity, f.user(home, "退出的"), status="withdrawn")
    _post(f.logged_in(app, leader), f"/activities/{activity.id}/notices/new")
    notice_id = db.session.scalar(select(Notice.id))
    for person in (member, leader, staff):
        page = text(f.logged_in(app, person).get(f"/activities/{activity.id}"))
        assert "公告：停水通知" in page and f"/notices/{notice_id}" in page
    for viewer in (f.logged_in(app, resident), app.test_client()):
        assert "停水通知" not in text(viewer.get(f"/activities/{activity.id}"))
        assert viewer.get(f"/notices/{notice_id}").status_code == 404
    assert "停水通知" not in text(f.logged_in(app, member).get(f"/activities/{other_activity.id}"))
    # Signed up after it was posted: among the people it speaks to, so it is listed and opens — without the
    # sender's view of who else received it.
    f.signup(activity, resident, status="waiting")
    newcomer = f.logged_in(app, resident)
    assert "公告：停水通知" in text(newcomer.get(f"/activities/{activity.id}"))
    page = text(newcomer.get(f"/notices/{notice_id}"))
    assert "明天9点" in page and "已读" not in page and member.name not in page


def test_a_withdrawn_activity_notice_leaves_the_activity_page(app):
    _home, _staff, team, leader, member, _resident = _world()
    activity = f.activity(team)
    f.signup(activity, member)
    client = f.logged_in(app, leader)
    _post(client, f"/activities/{activity.id}/notices/new")
    notice_id = db.session.scalar(select(Notice.id))
    assert client.post(f"/notices/{notice_id}/withdraw", data={"confirmed": "1"}).status_code == 303
    assert "停水通知" not in text(f.logged_in(app, member).get(f"/activities/{activity.id}"))
