"""Who may do what: a matrix of roles × management routes, and who sees the roster's phones.

Allowed: the action happens. Refused: 403 (a short fragment for htmx) and not a
single row changes. Anonymous: sent to the login page (htmx: 401 + HX-Redirect).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import current_app
from sqlalchemy import select

from shequ_volunteer.accounts.models import OneTimeCode, User
from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from shequ_volunteer.imports import uploads
from shequ_volunteer.messages import services as messages
from shequ_volunteer.messages.models import Message, PhoneCall
from shequ_volunteer.notices.models import Notice
from shequ_volunteer.teams.models import Membership, Team
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f

from .helpers import HX, db_state, text

# "stopped": staff of the community, logged in, then their account stopped — they get only the login page.
ROLES = ["anonymous", "resident", "member_a", "leader_a", "leader_b", "staff", "staff_elsewhere", "admin", "stopped"]
SENT_TO_LOGIN = {"anonymous", "stopped"}
MANAGE_TEAM_A = {"leader_a", "staff"}
STAFF_ANYWHERE = {"staff", "staff_elsewhere"}
STAFF_OF_A = {"staff"}
SIGNED_IN = frozenset(set(ROLES) - SENT_TO_LOGIN)  # 我的资料: everyone acts on themselves only


def local_input(moment) -> str:
    return f"{to_local(moment):%Y-%m-%dT%H:%M}"


@pytest.fixture
def world(app):
    home = f.community("幸福里社区")
    elsewhere = f.community("光明社区")
    team_a = f.team(home, name="青年志愿服务队")
    team_b = f.team(home, name="巡逻队", kind="patrol")
    people = SimpleNamespace(
        resident=f.user(home, name="居民甲"),
        member_a=f.user(home, name="队员乙"),
        leader_a=f.user(home, name="队长丙"),
        leader_b=f.user(home, name="队长丁"),
        staff=f.staff(home, name="社工戊"),
        staff_elsewhere=f.staff(elsewhere, name="外社工己"),
        applicant=f.user(home, name="申请人庚"),
        admin=f.admin(),  # the 街道's 系统管理员: staff of no community, so no team is theirs to manage
        stopped=f.staff(home, name="停用的社工"),
        unopened=f.user(home, name="代登记辛"),  # registered on their behalf: no login yet
    )
    people.unopened.password_hash = ""
    member_a_membership = f.member(team_a, people.member_a)
    f.member(team_a, people.leader_a, leader=True)
    f.member(team_b, people.leader_b, leader=True)
    application = Membership(team_id=team_a.id, user_id=people.applicant.id)
    db.session.add(application)
    db.session.commit()
    activity = f.activity(team_a, title="周末清洁家园")
    cancelled = f.activity(team_a, title="楼道清理", status="cancelled", cancelled_at=utcnow())
    notice = Notice(community_id=home.id, audience="team", team_id=team_a.id, title="队伍例会",
                    body="周五开会", created_by_id=people.leader_a.id, created_at=utcnow())
    db.session.add(notice)
    # 我的消息: one unread message each; the call list of the cancelled activity has the unopened elder.
    everyone = [person.id for person in vars(people).values()]
    messages.send(everyone, "activity_changed", "活动有变动", "时间：旧 → 新", f"/activities/{activity.id}", utcnow())
    call = PhoneCall(activity_id=cancelled.id, user_id=people.unopened.id, change="活动已取消", created_at=utcnow())
    db.session.add(call)
    db.session.flush()
    # The team notice's call list has them too.
    notice_call = PhoneCall(notice_id=notice.id, user_id=people.unopened.id, change="公告：队伍例会",
                            created_at=utcnow())
    db.session.add(notice_call)
    db.session.commit()
    return SimpleNamespace(
        notice_id=notice.id, home=home, elsewhere=elsewhere, team_a=team_a, team_b=team_b, people=people,
        application_id=application.id, activity_id=activity.id, cancelled_id=cancelled.id,
        member_a_membership_id=member_a_membership.id, call_id=call.id, notice_call_id=notice_call.id,
        message_of={name: db.session.scalar(select(Message.id).where(Message.user_id == person.id))
                    for name, person in vars(people).items()},
    )


def client_as(app, world, role: str):
    client = app.test_client()
    if role != "anonymous":
        f.login(client, getattr(world.people, role))
    if role == "stopped":
        # Stopped after logging in, without touching the session version: the account's state alone
        # must shut them out at their very next request.
        db.session.rollback()  # a fresh transaction: requests have written since this session last read
        db.session.get(type(world.people.stopped), world.people.stopped.id).deactivated_at = utcnow()
        db.session.commit()
    return client


def activity_form(title: str = "改过的活动") -> dict:
    start = utcnow() + timedelta(days=7)
    return {
        "title": title, "place": "文化广场", "capacity": "20", "audience": "all", "description": "",
        "starts_at": local_input(start), "ends_at": local_input(start + timedelta(hours=2)),
    }


def membership(world) -> Membership:
    return db.session.get(Membership, world.application_id)


def role_in_team_a(world, person) -> tuple[str, str] | None:
    row = db.session.scalar(select(Membership).where(
        Membership.team_id == world.team_a.id, Membership.user_id == person.id))
    return (row.status, row.role) if row else None


@dataclass(frozen=True)
class Case:
    """One route: how to call it, who may, and how to tell that it acted."""

    name: str
    method: str
    url: Callable
    allowed: frozenset
    data: Callable = lambda world: {}
    acted: Callable = lambda world, actor, response: b'<form method="post" class="form"' in response.data
    # Refused with 404 rather than 403: staff asking for another community's person learn nothing of them.
    not_found: frozenset = frozenset()
    # What an allowed request answers when it is not the usual (GET 200, POST 303): the code slip is the
    # POST's own answer (200), since the code is kept nowhere to be shown after a redirect.
    status: int | None = None


def code_issued(world, person, purpose: str, actor) -> bool:
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == person.id))
    return row is not None and (row.purpose, row.issued_by_id) == (purpose, actor.id)


def notice_posted(**where) -> bool:
    return db.session.scalar(select(Notice).where(Notice.title == "新公告", *(
        getattr(Notice, name) == value for name, value in where.items()))) is not None


class Reusable(io.BytesIO):
    """An uploaded file the matrix can send twice (plain, then htmx): the test client closes what it sent."""

    def close(self):
        self.seek(0)


IMPORTED_PHONE = "13700000009"
RESIDENT_LIST = f"姓名,手机号\n李导入,{IMPORTED_PHONE}\n".encode("gbk")


def import_token(world) -> str:
    """The staff member's own upload (made once per test, when a case first asks for it)."""
    if not hasattr(world, "import_token"):
        folder = uploads.folder_of(current_app)
        world.import_token = uploads.save(folder, io.BytesIO(RESIDENT_LIST), user_id=world.people.staff.id,
                                          community_id=world.home.id, kind="residents", file_name="名单.csv",
                                          now=utcnow()).token
    return world.import_token


def imported(world) -> bool:
    return db.session.scalar(select(User.name).where(User.phone == IMPORTED_PHONE)) == "李导入"


NOTICE = {"title": "新公告", "body": "明天停水"}
WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key"

CASES = [
    # 公告: staff to their own community; a leader to their own team and its activities only.
    Case("notice-community-get", "GET", lambda w: "/notices/new", STAFF_ANYWHERE),
    Case("notice-community-post", "POST", lambda w: "/notices/new", STAFF_ANYWHERE, data=lambda w: NOTICE,
         acted=lambda w, actor, r: notice_posted(audience="community", community_id=actor.community_id)),
    Case("notice-team-get", "GET", lambda w: f"/teams/{w.team_a.id}/notices/new", MANAGE_TEAM_A),
    Case("notice-team-post", "POST", lambda w: f"/teams/{w.team_a.id}/notices/new", MANAGE_TEAM_A,
         data=lambda w: NOTICE, acted=lambda w, actor, r: notice_posted(audience="team", team_id=w.team_a.id)),
    Case("notice-activity-post", "POST", lambda w: f"/activities/{w.activity_id}/notices/new", MANAGE_TEAM_A,
         data=lambda w: NOTICE,
         acted=lambda w, actor, r: notice_posted(audience="activity", activity_id=w.activity_id)),
    Case("notice-withdraw", "POST", lambda w: f"/notices/{w.notice_id}/withdraw", MANAGE_TEAM_A,
         data=lambda w: {"confirmed": "1"},
         acted=lambda w, actor, r: db.session.get(Notice, w.notice_id).withdrawn_at is not None),
    Case("work-group-get", "GET", lambda w: f"/teams/{w.team_a.id}/work-group", MANAGE_TEAM_A),
    Case("work-group-post", "POST", lambda w: f"/teams/{w.team_a.id}/work-group", MANAGE_TEAM_A,
         data=lambda w: {"webhook_url": WEBHOOK},
         acted=lambda w, actor, r: db.session.get(Team, w.team_a.id).webhook_url == WEBHOOK),
    Case("activity-create-get", "GET", lambda w: f"/teams/{w.team_a.id}/activities/new", MANAGE_TEAM_A),
    Case("activity-create-post", "POST", lambda w: f"/teams/{w.team_a.id}/activities/new", MANAGE_TEAM_A,
         data=lambda w: activity_form("新发布的活动"),
         acted=lambda w, actor, r: db.session.scalar(
             select(Activity.team_id).where(Activity.title == "新发布的活动")) == w.team_a.id),
    Case("activity-edit-get", "GET", lambda w: f"/activities/{w.activity_id}/edit", MANAGE_TEAM_A),
    Case("activity-edit-post", "POST", lambda w: f"/activities/{w.activity_id}/edit", MANAGE_TEAM_A,
         data=lambda w: activity_form("改过的活动"),
         acted=lambda w, actor, r: db.session.get(Activity, w.activity_id).title == "改过的活动"),
    Case("activity-cancel", "POST", lambda w: f"/activities/{w.activity_id}/cancel", MANAGE_TEAM_A,
         data=lambda w: {"confirmed": "1"},
         acted=lambda w, actor, r: db.session.get(Activity, w.activity_id).is_cancelled),
    Case("activity-restore", "POST", lambda w: f"/activities/{w.cancelled_id}/restore", MANAGE_TEAM_A,
         acted=lambda w, actor, r: not db.session.get(Activity, w.cancelled_id).is_cancelled),
    Case("membership-approve", "POST", lambda w: f"/teams/memberships/{w.application_id}/approve",
         MANAGE_TEAM_A, acted=lambda w, actor, r: membership(w).status == "approved"
         and membership(w).decided_by_id == actor.id),
    Case("membership-decline", "POST", lambda w: f"/teams/memberships/{w.application_id}/decline",
         MANAGE_TEAM_A, acted=lambda w, actor, r: membership(w).status == "declined"),
    Case("team-create-get", "GET", lambda w: "/teams/new", STAFF_ANYWHERE),
    Case("team-create-post", "POST", lambda w: "/teams/new", STAFF_ANYWHERE,
         data=lambda w: {"name": "新的环保队", "kind": "environment", "description": "垃圾分类"},
         # Always in the creator's own community.
         acted=lambda w, actor, r: db.session.scalar(
             select(Team.community_id).where(Team.name == "新的环保队")) == actor.community_id),
    Case("team-edit-get", "GET", lambda w: f"/teams/{w.team_a.id}/edit", STAFF_OF_A),
    Case("team-edit-post", "POST", lambda w: f"/teams/{w.team_a.id}/edit", STAFF_OF_A,
         data=lambda w: {"name": "改名的青年队", "kind": "youth", "description": ""},
         acted=lambda w, actor, r: db.session.get(Team, w.team_a.id).name == "改名的青年队"),
    Case("leader-add", "POST", lambda w: f"/teams/{w.team_a.id}/leaders/add", STAFF_OF_A,
         data=lambda w: {"phone": w.people.resident.phone},
         acted=lambda w, actor, r: role_in_team_a(w, w.people.resident) == ("approved", "leader")),
    Case("my-profile", "GET", lambda w: "/me/profile", SIGNED_IN),
    Case("my-name", "POST", lambda w: "/me/profile/name", SIGNED_IN, data=lambda w: {"name": "改了名的人"},
         acted=lambda w, actor, r: db.session.get(User, actor.id).name == "改了名的人"),
    Case("my-messages", "GET", lambda w: "/me/messages", SIGNED_IN,
         acted=lambda w, actor, r: "活动有变动" in text(r)),
    Case("my-messages-read-all", "POST", lambda w: "/me/messages/read-all", SIGNED_IN,
         acted=lambda w, actor, r: messages.unread_count(actor.id) == 0
         and messages.unread_count(w.people.applicant.id) == 1),
    # Only the resident's own message opens; anyone else learns nothing of it (404).
    Case("message-open", "GET", lambda w: f"/me/messages/{w.message_of['resident']}", frozenset({"resident"}),
         not_found=SIGNED_IN - {"resident"}, status=303,
         acted=lambda w, actor, r: db.session.get(Message, w.message_of["resident"]).read_at is not None
         and r.headers["Location"].endswith(f"/activities/{w.activity_id}")),
    Case("my-message-settings", "POST", lambda w: "/me/profile/messages", SIGNED_IN,
         data=lambda w: {"kept_on": ["notice"]},
         acted=lambda w, actor, r: "notice" not in messages.switched_off(actor.id)
         and "team_removed" in messages.switched_off(actor.id)),
    # The call list: leaders of the team and its community's staff only, recorded with who ticked it.
    Case("call-done", "POST", lambda w: f"/activities/{w.cancelled_id}/calls/{w.call_id}/done", MANAGE_TEAM_A,
         acted=lambda w, actor, r: db.session.get(PhoneCall, w.call_id).called_by_id == actor.id),
    # A team notice's call list: those who manage the notice (its team's leaders, the community's staff).
    Case("notice-call-done", "POST", lambda w: f"/notices/{w.notice_id}/calls/{w.notice_call_id}/done",
         MANAGE_TEAM_A, acted=lambda w, actor, r: db.session.get(PhoneCall, w.notice_call_id).called_by_id == actor.id),
    Case("my-data", "GET", lambda w: "/me/data", SIGNED_IN,
         acted=lambda w, actor, r: "我的信息" in text(r) and actor.name in text(r)),
    Case("my-data-download", "GET", lambda w: "/me/data/download", SIGNED_IN,
         acted=lambda w, actor, r: r.json["个人资料"]["手机号"] == actor.phone),
    Case("leader-remove", "POST", lambda w: f"/teams/{w.team_a.id}/leaders/remove", STAFF_OF_A,
         data=lambda w: {"phone": w.people.leader_a.phone},
         acted=lambda w, actor, r: role_in_team_a(w, w.people.leader_a) == ("approved", "member")),
    # Each community's staff see their own colleagues (the POSTs: tests/web/test_community_staff.py).
    Case("community-staff-get", "GET", lambda w: "/community/staff", STAFF_ANYWHERE,
         acted=lambda w, actor, r: actor.name in r.get_data(as_text=True)),
    Case("member-remove", "POST", lambda w: f"/teams/memberships/{w.member_a_membership_id}/remove",
         MANAGE_TEAM_A, data=lambda w: {"reason": "moved", "confirmed": "1"},
         acted=lambda w, actor, r: role_in_team_a(w, w.people.member_a) == ("removed", "member")),
    # Staff's people pages: each staff member sees their own community's people only.
    Case("people-list", "GET", lambda w: "/people", STAFF_ANYWHERE,
         acted=lambda w, actor, r: ("居民甲" in text(r)) == (actor.community_id == w.home.id)),
    Case("person-detail", "GET", lambda w: f"/people/{w.people.resident.id}", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}),
         acted=lambda w, actor, r: "居民甲" in text(r) and w.people.resident.phone in text(r)),
    Case("code-open", "POST", lambda w: f"/people/{w.people.unopened.id}/code/open", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}), status=200,
         acted=lambda w, actor, r: code_issued(w, w.people.unopened, "open", actor) and "slip-code" in text(r)),
    Case("code-reset", "POST", lambda w: f"/people/{w.people.resident.id}/code/reset", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}), status=200, data=lambda w: {"stop_calendar": "y"},
         acted=lambda w, actor, r: code_issued(w, w.people.resident, "reset", actor) and "slip-code" in text(r)),
    # 导入: staff only; an upload is its uploader's alone (another community's staff learn nothing of it).
    Case("imports-page", "GET", lambda w: "/imports", STAFF_ANYWHERE, acted=lambda w, actor, r: "导入名单" in text(r)),
    Case("import-template", "GET", lambda w: "/imports/templates/households.xlsx", STAFF_ANYWHERE,
         acted=lambda w, actor, r: r.data.startswith(b"PK") and "attachment" in r.headers["Content-Disposition"]),
    Case("import-upload", "POST", lambda w: "/imports", STAFF_ANYWHERE,
         data=lambda w: {"kind": "residents", "file": (Reusable(RESIDENT_LIST), "名单.csv")},
         acted=lambda w, actor, r: "/imports/" in r.headers["Location"]),
    Case("import-preview", "GET", lambda w: f"/imports/{import_token(w)}", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}), acted=lambda w, actor, r: "李导入" in text(r)),
    Case("import-problem-rows", "GET", lambda w: f"/imports/{import_token(w)}/problems.xlsx", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}), acted=lambda w, actor, r: r.data.startswith(b"PK")),
    Case("import-confirm", "POST", lambda w: f"/imports/{import_token(w)}/confirm", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}), acted=lambda w, actor, r: imported(w)),
    Case("person-deactivate", "POST", lambda w: f"/people/{w.people.resident.id}/deactivate", STAFF_OF_A,
         not_found=frozenset({"staff_elsewhere"}), data=lambda w: {"reason": "moved", "confirmed": "1"},
         acted=lambda w, actor, r: db.session.get(User, w.people.resident.id).deactivated_at is not None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, world, role, case):
    client = client_as(app, world, role)
    url, data = case.url(world), case.data(world)
    before = db_state()

    if role in SENT_TO_LOGIN:
        response = client.open(url, method=case.method, data=data)
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == [url]

        response = client.open(url, method=case.method, data=data, headers=HX)
        assert response.status_code == 401
        assert urlsplit(response.headers["HX-Redirect"]).path == "/login"
        assert "<form" not in text(response) and "密码" not in text(response)
        assert db_state() == before
        return

    if role in case.allowed:
        response = client.open(url, method=case.method, data=data)
        expected = case.status or (200 if case.method == "GET" else 303)
        assert response.status_code == expected, text(response)[:800]
        db.session.rollback()
        assert case.acted(world, getattr(world.people, role), response)
        return

    status, message = (404, "找不到这个页面") if role in case.not_found else (403, "您没有权限")
    response = client.open(url, method=case.method, data=data)
    assert response.status_code == status
    assert message in text(response)
    assert "<form" not in text(response).split("<main", 1)[1].split("</main>", 1)[0]
    response = client.open(url, method=case.method, data=data, headers=HX)
    assert response.status_code == status
    assert message in text(response) and "<html" not in text(response)
    assert db_state() == before


def test_htmx_login_redirect_brings_the_person_back(app, world):
    client = app.test_client()
    page = f"/teams/{world.team_a.id}?tab=activities"
    response = client.post(f"/teams/{world.team_a.id}/apply",
                           headers={**HX, "HX-Current-URL": f"http://shequ.test{page}"})
    assert response.status_code == 401
    target = urlsplit(response.headers["HX-Redirect"])
    assert target.path == "/login"
    assert parse_qs(target.query)["next"] == [page]
    assert response.data == b""


# --- who sees the team roster, and whose phone numbers --------------------------------------

ROSTER_HIDDEN = ["anonymous", "resident", "leader_b", "staff_elsewhere", "admin", "stopped"]


def member_phones(world) -> list[str]:
    p = world.people
    return [p.member_a.phone, p.leader_a.phone, p.applicant.phone]


@pytest.mark.parametrize("role", ROSTER_HIDDEN)
def test_outsiders_do_not_see_the_roster(app, world, role):
    body = text(client_as(app, world, role).get(f"/teams/{world.team_a.id}"))
    assert "队员名单" not in body
    assert "队员乙" not in body  # the plain member's name appears nowhere
    assert "队长丙" in body  # leaders are public: residents need to know whom to ask
    for phone in member_phones(world):
        assert phone not in body


def test_members_see_names_but_not_phone_numbers(app, world):
    body = text(client_as(app, world, "member_a").get(f"/teams/{world.team_a.id}"))
    assert "队员名单（2 人）" in body
    assert "队员乙" in body and "队长丙" in body
    for phone in member_phones(world):
        assert phone not in body
    assert "申请人庚" not in body  # applications are for the leader and staff


@pytest.mark.parametrize("role", ["leader_a", "staff"])
def test_leader_and_staff_see_phone_numbers(app, world, role):
    body = text(client_as(app, world, role).get(f"/teams/{world.team_a.id}"))
    assert "队员名单（2 人）" in body
    for phone in member_phones(world):  # the applicant's too, beside the approve buttons
        assert phone in body


@pytest.mark.parametrize("role", ROLES)
def test_activity_participants_only_for_organisers(app, world, role):
    volunteer = world.people.member_a
    signer = f.logged_in(app, volunteer)
    assert signer.post(f"/activities/{world.activity_id}/signup").status_code == 303
    body = text(client_as(app, world, role).get(f"/activities/{world.activity_id}"))
    if role in MANAGE_TEAM_A:
        assert "报名名单（1 份，1 人）" in body and volunteer.phone in body
    else:
        assert "报名名单" not in body and volunteer.phone not in body
