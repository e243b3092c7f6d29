"""The 街道 administrator's pages: the 街道 (once), its communities, their staff and its viewers.

route                               adminA adminB adminN staffA viewer resid  stop   anon
GET  /admin                         200    200    200    404    404    404    login  login
POST /admin/street                  409    409    303    404    404    404    login  login
GET  /admin/communities/new         200    200    404    404    404    404    login  login
POST /admin/communities/new         303    303    404    404    404    404    login  login
GET  /admin/communities/A           200    404    404    404    404    404    login  login
POST /admin/communities/A           303    404    404    404    404    404    login  login
POST /admin/communities/A/staff/add 303    404    404    404    404    404    login  login
POST /admin/viewers/add             303    422    409    404    404    404    login  login

adminA runs 东湖街道 (community A, 幸福里); adminB runs 西湖街道 (光明); adminN has not created a 街道 yet;
stop is another administrator of 东湖街道 who signed in, then had the account stopped.
Every allowed change writes exactly one 操作记录 row; every other answer writes nothing at all.
"""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.audit.models import AuditEntry
from shequ_volunteer.communities.models import Community, Street
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f

from .helpers import HX, db_state, read_form, text

ROLES = ["admin_a", "admin_b", "admin_new", "staff_a", "viewer", "resident", "stopped", "anonymous"]
ROUTES = {
    "GET  /admin": ("GET", lambda w: "/admin", lambda w: {}),
    "POST /admin/street": ("POST", lambda w: "/admin/street", lambda w: {"name": "南湖街道"}),
    "GET  /admin/communities/new": ("GET", lambda w: "/admin/communities/new", lambda w: {}),
    "POST /admin/communities/new": ("POST", lambda w: "/admin/communities/new",
                                    lambda w: {"name": "新建的社区", "address": "湖滨路1号", "hotline": "027-1234"}),
    "GET  /admin/communities/A": ("GET", lambda w: f"/admin/communities/{w.a.id}", lambda w: {}),
    "POST /admin/communities/A": ("POST", lambda w: f"/admin/communities/{w.a.id}",
                                  lambda w: {"name": "幸福里社区", "address": "幸福路8号", "hotline": "027-8888"}),
    "POST /admin/communities/A/staff/add": ("POST", lambda w: f"/admin/communities/{w.a.id}/staff/add",
                                            lambda w: {"phone": w.people.resident.phone}),
    "POST /admin/viewers/add": ("POST", lambda w: "/admin/viewers/add", lambda w: {"phone": w.people.resident.phone}),
}


def expected_matrix() -> dict[str, list[str]]:
    lines = [line for line in __doc__.splitlines() if line.startswith(("GET", "POST"))]
    return {line[:36].rstrip(): line[36:].split() for line in lines}


@pytest.fixture
def w(app):
    east, west = Street(name="东湖街道"), Street(name="西湖街道")
    db.session.add_all([east, west])
    db.session.commit()
    a, b = f.community("幸福里社区"), f.community("光明社区")
    a.street_id, b.street_id = east.id, west.id
    db.session.commit()
    people = SimpleNamespace(
        admin_a=f.admin(east, "东湖管理员"), admin_b=f.admin(west, "西湖管理员"), admin_new=f.admin(None, "新管理员"),
        staff_a=f.staff(a, "社工王芳"), viewer=f.user(a, "刘科长", role="viewer"), resident=f.user(a, "居民张秀英"),
        resident_b=f.user(b, "光明居民"), stopped=f.admin(east, "停用的管理员"),
    )
    return SimpleNamespace(east=east, west=west, a=a, b=b, people=people)


def client_as(app, w, role: str):
    client = app.test_client()
    if role != "anonymous":
        f.login(client, getattr(w.people, role))
    if role == "stopped":  # stopped after signing in: the account's state alone must shut them out
        w.people.stopped.deactivated_at = utcnow()
        db.session.commit()
    return client


def audit_count() -> int:
    db.session.rollback()
    return len(db.session.scalars(select(AuditEntry.id)).all())


def test_the_docstring_is_the_matrix():
    assert list(expected_matrix()) == list(ROUTES)
    assert all(len(cells) == len(ROLES) for cells in expected_matrix().values())


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_admin_route_matrix(app, w, route, role):
    expected = expected_matrix()[route][ROLES.index(role)]
    method, url, data = ROUTES[route]
    client = client_as(app, w, role)
    before = db_state()
    response = client.open(url(w), method=method, data=data(w))
    if expected == "login":
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
        response = client.open(url(w), method=method, data=data(w), headers=HX)
        assert response.status_code == 401 and "HX-Redirect" in response.headers
        assert db_state() == before
        return
    assert response.status_code == int(expected), (route, role, text(response)[:600])
    after = db_state()
    if method == "POST" and expected == "303":
        added = [row for row in after["audit_entries"] if row not in before["audit_entries"]]
        assert len(added) == 1
    else:
        assert after == before
    if expected == "404":
        assert "找不到这个页面" in text(response)


def test_from_no_street_to_a_community_with_staff(app, w):
    """The administrator's first steps, each written to the 操作记录."""
    client = client_as(app, w, "admin_new")
    page = text(client.get("/admin"))
    assert "建立街道" in page and 'name="name"' in page
    assert client.post("/admin/street", data={"name": "南湖街道"}).status_code == 303
    db.session.rollback()
    street = db.session.scalar(select(Street).where(Street.name == "南湖街道"))
    assert db.session.get(User, w.people.admin_new.id).street_id == street.id
    assert "南湖街道" in text(client.get("/admin"))
    assert client.post("/admin/street", data={"name": "又一个街道"}).status_code == 409  # once only

    response = client.post("/admin/communities/new", data={"name": "南湖社区", "address": "南湖路2号",
                                                            "hotline": "027-5555"})
    assert response.status_code == 303
    db.session.rollback()
    community = db.session.scalar(select(Community).where(Community.name == "南湖社区"))
    assert (community.street_id, community.address, community.hotline) == (street.id, "南湖路2号", "027-5555")
    assert response.headers["Location"].endswith(f"/admin/communities/{community.id}")

    # The future staff member registers, choosing the new community; the administrator appoints them.
    newcomer = f.user(community, "南湖社工")
    assert client.post(f"/admin/communities/{community.id}/staff/add",
                       data={"phone": newcomer.phone}).status_code == 303
    db.session.rollback()
    assert db.session.get(User, newcomer.id).role == "staff"
    assert "南湖社工" in text(client.get(f"/admin/communities/{community.id}"))
    staff_client = f.logged_in(app, newcomer)
    assert staff_client.get("/reports").status_code == 200

    asked = client.post(f"/admin/communities/{community.id}/staff/remove", data={"phone": newcomer.phone})
    assert asked.status_code == 200 and "免去南湖社工的社区工作人员？" in text(asked)  # nothing in one tap
    db.session.rollback()
    assert db.session.get(User, newcomer.id).role == "staff"
    assert client.post(f"/admin/communities/{community.id}/staff/remove",
                       data={"phone": newcomer.phone, "confirmed": "1"}).status_code == 303
    db.session.rollback()
    assert db.session.get(User, newcomer.id).role == "resident"

    log = text(client.get("/audit"))
    for words in ("建立街道", "建立社区", "任命社区工作人员", "免去社区工作人员", "南湖社工"):
        assert words in log
    assert "东湖" not in log and "幸福里" not in log


def test_viewers_are_appointed_among_the_streets_residents(app, w):
    client = client_as(app, w, "admin_a")
    resident = w.people.resident
    assert client.post("/admin/viewers/add", data={"phone": resident.phone}).status_code == 303
    db.session.rollback()
    assert db.session.get(User, resident.id).role == "viewer"
    viewer_client = f.logged_in(app, resident)
    assert viewer_client.get("/reports/street").status_code == 200
    assert "居民张秀英" in text(client.get("/admin"))
    asked = client.post("/admin/viewers/remove", data={"phone": resident.phone})
    assert asked.status_code == 200 and "确定免去" in text(asked)
    assert client.post("/admin/viewers/remove", data={"phone": resident.phone, "confirmed": "1"}).status_code == 303
    db.session.rollback()
    assert db.session.get(User, resident.id).role == "resident"


@pytest.mark.parametrize("url, data, message", [
    ("/admin/viewers/add", lambda w: {"phone": w.people.resident_b.phone}, "本街道各社区没有用这个手机号注册的居民"),
    ("/admin/viewers/add", lambda w: {"phone": w.people.staff_a.phone}, "社工王芳现在是社区工作人员，请先免去"),
    ("/admin/viewers/add", lambda w: {"phone": w.people.viewer.phone}, "刘科长已经是街道查看人员了"),
    ("/admin/viewers/remove", lambda w: {"phone": w.people.resident.phone}, "居民张秀英不是街道查看人员"),
    ("/admin/viewers/add", lambda w: {"phone": "12345"}, "请填写11位手机号"),
    ("/admin/communities/A/staff/add", lambda w: {"phone": w.people.resident_b.phone}, "幸福里社区没有用这个手机号"),
    ("/admin/communities/A/staff/add", lambda w: {"phone": w.people.staff_a.phone}, "已经是社区工作人员了"),
    ("/admin/communities/A/staff/remove", lambda w: {"phone": w.people.resident.phone}, "不是社区工作人员"),
    ("/admin/communities/A/staff/add", lambda w: {"phone": ""}, "请填写手机号"),
    ("/admin/communities/new", lambda w: {"name": "光明社区"[:0] + "幸福里社区"}, "本街道已经有这个名称的社区"),
    ("/admin/communities/new", lambda w: {"name": ""}, "请填写社区名称"),
    ("/admin/communities/new", lambda w: {"name": "社" * 10_000}, "不能超过60个字"),
    ("/admin/communities/new", lambda w: {"name": "新\x1b社区"}, "含有无法识别的字符"),
    ("/admin/communities/A", lambda w: {"name": "幸福里", "address": "路" * 121}, "不能超过120个字"),
])
def test_bad_input_is_answered_by_the_field_and_writes_nothing(app, w, url, data, message):
    client = client_as(app, w, "admin_a")
    before = db_state()
    typed = data(w)
    response = client.post(url.replace("/A", f"/{w.a.id}"), data=typed)
    assert response.status_code == 422, text(response)[:600]
    assert message in text(response)
    if "phone" in typed and typed["phone"]:
        assert read_form(text(response)).values["phone"] == typed["phone"]  # what was typed stays
    assert db_state() == before


def test_a_street_name_is_not_taken_twice(app, w):
    client = client_as(app, w, "admin_new")
    response = client.post("/admin/street", data={"name": "东湖街道"})
    assert response.status_code == 422 and "这个街道名称已经有了" in text(response)
    assert audit_count() == 0


def test_an_administrator_never_sees_another_streets_community(app, w):
    client = client_as(app, w, "admin_b")
    assert client.get(f"/admin/communities/{w.a.id}").status_code == 404
    assert client.post(f"/admin/communities/{w.a.id}/staff/remove",
                       data={"phone": w.people.staff_a.phone}).status_code == 404
    page = text(client.get("/admin"))
    assert "光明社区" in page and "幸福里社区" not in page


def test_the_administrator_sees_the_street_statistics_of_their_street_only(app, w):
    body = text(client_as(app, w, "admin_a").get("/reports/street?kind=month&value=2026-11"))
    assert "东湖街道" in body and "幸福里社区" in body and "光明社区" not in body
    body = text(client_as(app, w, "admin_b").get("/reports/street?kind=month&value=2026-11"))
    assert "西湖街道" in body and "光明社区" in body and "幸福里社区" not in body
    assert client_as(app, w, "admin_new").get("/reports/street").status_code == 404
    for path in ("/reports", "/households", "/board"):  # aggregates only: no community's records
        assert client_as(app, w, "admin_a").get(path).status_code == 404, path
