"""Who may see a paired household (结对帮扶): the privacy matrix, role × route.

One world per test: community A with staff_a; household H (孙秀兰, 空巢/独居老人 + 低保户, staff notes,
a helper brief) paired with team T (leader_t) and the current helper `helper` (a member of T);
`past_helper` whose PairingHelper row ended yesterday; `ended_helper` of an older pairing of H whose
pairing.ends_on is in the past (their own helper row was never closed); `member_t`, an ordinary member
of T; `leader_other`, leader of team O of A, which is paired with household H4; `resident` of A;
`staff_b`, staff of community B; `admin`, the 街道's 系统管理员 (staff of no community); `stopped`, staff of
A whose account staff have stopped (signed in before, so only the account's state shuts them out); anonymous.
H2 in A has no pairing. F is an open follow-up on H, raised by V, the helper's latest visit (logged today).

    200 / 303   allowed (GET page / POST done, then redirected)
    own         200, but only the person's own scope: nothing of H (its head_name is absent)
    422         allowed to try, refused by the rule (H is already paired): nothing saved
    404         as if H did not exist: never 403, and not one row changes
    login       anonymous and stopped: 302 to /login?next=…; htmx: 401 + HX-Redirect; nothing changes
    log:x       each allowed GET writes exactly one household_access row (user, action x)

Columns: staffA = staff_a, leadT = leader_t, pastH = past_helper, endH = ended_helper, membT = member_t,
leadO = leader_other, resid = resident, staffB = staff_b, admin = admin, stop = stopped, anon = anonymous.

MATRIX
route                          staffA helper leadT pastH endH  membT leadO resid staffB admin stop  anon
GET  /households               200    404    404   404   404   404   404   404   own    404   login login
GET  /households/new           200    404    404   404   404   404   404   404   200    404   login login
POST /households/new           303    404    404   404   404   404   404   404   303    404   login login
GET  /households/H             200    200    200   404   404   404   404   404   404    404   login login
GET  /households/H/edit        200    404    404   404   404   404   404   404   404    404   login login
POST /households/H/edit        303    404    404   404   404   404   404   404   404    404   login login
POST /households/H/pairings    422    404    404   404   404   404   404   404   404    404   login login
POST /households/H2/pairings   303    404    404   404   404   404   404   404   404    404   login login
POST /pairings/P/helpers       303    404    303   404   404   404   404   404   404    404   login login
POST /pairings/P/end           303    404    404   404   404   404   404   404   404    404   login login
POST /households/H/changes     303    303    303   404   404   404   404   404   404    404   login login
GET  /households/H/visits/new  200    200    200   404   404   404   404   404   404    404   login login
POST /households/H/visits/new  303    303    303   404   404   404   404   404   404    404   login login
GET  /visits/V/edit            200    200    404   404   404   404   404   404   404    404   login login
POST /visits/V/edit            303    303    404   404   404   404   404   404   404    404   login login
GET  /visits/V/delete          200    200    404   404   404   404   404   404   404    404   login login
POST /visits/V/delete          303    303    404   404   404   404   404   404   404    404   login login
GET  /households/H/door-card   200    200    200   404   404   404   404   404   404    404   login login
GET  /households/H/access-log  200    404    404   404   404   404   404   404   404    404   login login
GET  /households/access-log    200    404    404   404   404   404   404   404   own    404   login login
GET  /board                    200    404    200   404   404   404   own   404   own    404   login login
GET  /me/pairings              own    200    own   own   own   own   own   own   own    own   login login
GET  /follow-ups               200    404    404   404   404   404   404   404   own    404   login login
POST /follow-ups/F             303    404    404   404   404   404   404   404   404    404   login login
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.access import current_helper_ids
from shequ_volunteer.pairing.models import (
    FollowUp,
    Household,
    HouseholdAccess,
    HouseholdEvent,
    Pairing,
    PairingHelper,
    Visit,
)
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.module_app import one_commit, per_test_app, shared_module_app  # noqa: F401 (fixtures)

from .helpers import HX, db_state, text

HOTLINE = "027-8765-4321"
HEAD = "孙秀兰"
CATEGORY_LABELS = ("空巢/独居老人", "低保户")
NOTES = "工作人员备注：女儿每月汇款，街道复核中"
MEMBERS = "独居，女儿在深圳工作"
REASON = "子女长期在外，需每周上门"
BRIEF = "交接说明：老人耳背，敲门要用力，下午三点后在家"
STAFF_ONLY = (*CATEGORY_LABELS, "dibao", "empty_nest", NOTES, MEMBERS, REASON)
NEVER_PUBLIC = (*STAFF_ONLY, HEAD, BRIEF, "第2网格")
PAST_NOTE = "上一任志愿者的探访：腿脚不便"
ENDED_NOTE = "原结对的探访：血压偏高"
HELPER_NOTE = "最近一次探访：一切正常"

ROLES = ["staff_a", "helper", "leader_t", "past_helper", "ended_helper", "member_t", "leader_other", "resident",
         "staff_b", "admin", "stopped", "anonymous"]
SENT_TO_LOGIN = {"anonymous", "stopped"}


@dataclass(frozen=True)
class Person:
    """Plain values, so that reading them never touches the test's database session."""

    id: int
    name: str
    phone: str
    community_id: int


def person(user) -> Person:
    return Person(user.id, user.name, user.phone, user.community_id)


@pytest.fixture
def world(app):
    with one_commit():
        return build_world()


def build_world() -> SimpleNamespace:
    today = f.beijing_today()
    home, elsewhere = f.community("幸福里社区"), f.community("光明社区")
    home.hotline = HOTLINE
    db.session.commit()
    team_t = f.team(home, name="党员先锋志愿服务队", kind="party")
    team_o = f.team(home, name="环保志愿服务队", kind="environment")
    users = dict(
        staff_a=f.staff(home, "社工王芳"), helper=f.user(home, "志愿者刘洋"), leader_t=f.user(home, "队长李建国"),
        past_helper=f.user(home, "前任赵敏"), ended_helper=f.user(home, "原结对陈静"),
        member_t=f.user(home, "队员周强"), leader_other=f.user(home, "队长吴刚"), resident=f.user(home, "居民郑丽"),
        staff_b=f.staff(elsewhere, "外社工冯军"), newcomer=f.user(home, "新志愿者何平"), admin=f.admin(),
        stopped=f.staff(home, "停用社工钱伟"),
    )
    users["stopped"].deactivated_at = utcnow()
    f.member(team_t, users["leader_t"], leader=True)
    f.member(team_t, users["helper"])
    f.member(team_t, users["member_t"])
    f.member(team_o, users["leader_other"], leader=True)
    staff_id = users["staff_a"].id

    staff = users["staff_a"]
    h = f.household(home, head_name=HEAD, grid="第2网格", categories="dibao,empty_nest", contact_name="女儿孙丽",
                    contact_phone="13712345678", notes=NOTES, members=MEMBERS, helper_brief=BRIEF,
                    consent_recorded_at=utcnow())
    h2 = f.household(home, head_name="钱桂芳", estate="", building="5", room="102", tier="general",
                     categories="disabled", notes="钱桂芳的备注")
    h4 = f.household(home, head_name="周德福", estate="", building="8", room="301", tier="general",
                     categories="solitary")
    # The older pairing ended 60 days ago; its helper row was never closed: the pairing's end counts.
    old = f.pairing(h, staff, helpers=[users["ended_helper"]], since=today - timedelta(days=200),
                    ends_on=today - timedelta(days=60), reason="旧结对")
    pairing = f.pairing(h, staff, team_obj=team_t, since=today - timedelta(days=100), reason=REASON)
    f.pairing(h4, staff, team_obj=team_o, since=today - timedelta(days=50), reason="孤寡")
    db.session.add_all([
        PairingHelper(pairing_id=pairing.id, user_id=users["past_helper"].id, starts_on=pairing.starts_on,
                      ends_on=today - timedelta(days=1)),
        PairingHelper(pairing_id=pairing.id, user_id=users["helper"].id, starts_on=today - timedelta(days=30)),
    ])
    f.visit(old, users["ended_helper"], f.days_ago(150), note=ENDED_NOTE)
    f.visit(pairing, users["past_helper"], f.days_ago(50), note=PAST_NOTE)
    last = f.visit(pairing, users["helper"], f.days_ago(10), note=HELPER_NOTE)
    follow_up = FollowUp(community_id=home.id, household_id=h.id, visit_id=last.id, reason="燃气灶打不着火，需要维修",
                         opened_by_id=users["helper"].id)
    db.session.add(follow_up)
    db.session.add(HouseholdAccess(household_id=h.id, user_id=staff_id, action="view",
                                   at=utcnow() - timedelta(days=1)))
    db.session.commit()
    activity = f.activity(team_t, title="重阳节敬老活动")
    return SimpleNamespace(
        today=today, home=home.id, elsewhere=elsewhere.id, team_t=team_t.id, team_o=team_o.id,
        h=h.id, h2=h2.id, h4=h4.id, pairing=pairing.id, old_pairing=old.id, follow_up=follow_up.id, visit=last.id,
        activity=activity.id, people=SimpleNamespace(**{role: person(u) for role, u in users.items()}),
    )


def client_as(app, world, role: str, real_login: bool = False):
    """A client signed in as `role`: through the login form, or (fast: no argon2) by writing the
    session that Flask-Login's login_user writes. test_real_login_gives_the_same_answers compares them."""
    if role == "anonymous":
        return app.test_client()
    return f.logged_in(app, getattr(world.people, role), through_form=real_login)  # the form only needs the phone


def fresh(model, ident):
    db.session.rollback()
    return db.session.get(model, ident)


# --- the routes ---------------------------------------------------------------------------

OK, OWN, REFUSED, GONE = "ok", "own", "422", "404"


def household_form(**changes) -> dict:
    data = {"head_name": HEAD, "grid": "第2网格", "estate": "幸福里小区", "building": "3", "room": "201",
            "members": MEMBERS, "categories": ["dibao", "empty_nest"], "tier": "high", "visit_interval_days": "",
            "contact_name": "女儿孙丽", "contact_phone": "13712345678", "consent": "y", "notes": NOTES,
            "helper_brief": BRIEF}
    data.update(changes)
    return data


def pairing_form(w) -> dict:
    return {"helper_phones": w.people.newcomer.phone, "team_id": "0", "reason": "新的结对",
            "starts_on": w.today.isoformat()}


def visit_form(w) -> dict:
    return {"way": "home", "visited_on": w.today.isoformat(), "duration_minutes": "30"}


def _created_in_own_community(w, actor: Person) -> bool:
    db.session.rollback()
    return db.session.scalar(select(Household.community_id).where(Household.head_name == "新登记户")) == \
        actor.community_id


def _visit_logged_by(w, actor: Person) -> bool:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Visit).where(
        Visit.visitor_id == actor.id, Visit.household_id == w.h, Visit.visited_on == w.today)) == 1


@dataclass(frozen=True)
class Route:
    """One route of the pairing screens, and what each role gets from it."""

    label: str  # as in the docstring table
    method: str
    url: Callable
    outcomes: dict  # role → OK / OWN / REFUSED; every other logged-in role gets 404
    data: Callable = lambda w: {}
    acted: Callable | None = None  # for allowed POSTs: did it happen?
    logs: str | None = None  # for allowed GETs of H: the household_access action written
    lists_h: bool = False  # for allowed GETs of a list: H's name is on it

    def outcome(self, role: str) -> str:
        return "login" if role in SENT_TO_LOGIN else self.outcomes.get(role, GONE)

    def cell(self, role: str) -> str:
        outcome = self.outcome(role)
        if outcome == OK:
            return "200" if self.method == "GET" else "303"
        return outcome


STAFF = {"staff_a": OK}
SEERS = {"staff_a": OK, "helper": OK, "leader_t": OK}
EVERYONE_OWN = {role: OWN for role in ROLES if role != "anonymous"}

ROUTES = [
    Route("GET  /households", "GET", lambda w: "/households", {"staff_a": OK, "staff_b": OWN}, lists_h=True),
    Route("GET  /households/new", "GET", lambda w: "/households/new", {"staff_a": OK, "staff_b": OK}),
    Route("POST /households/new", "POST", lambda w: "/households/new", {"staff_a": OK, "staff_b": OK},
          data=lambda w: household_form(head_name="新登记户", building="9", categories=[], notes=""),
          acted=_created_in_own_community),
    Route("GET  /households/H", "GET", lambda w: f"/households/{w.h}", SEERS, logs="view"),
    Route("GET  /households/H/edit", "GET", lambda w: f"/households/{w.h}/edit", STAFF, logs="edit"),
    Route("POST /households/H/edit", "POST", lambda w: f"/households/{w.h}/edit", STAFF,
          data=lambda w: household_form(notes="改过的备注"),
          acted=lambda w, actor: fresh(Household, w.h).notes == "改过的备注"),
    Route("POST /households/H/pairings", "POST", lambda w: f"/households/{w.h}/pairings", {"staff_a": REFUSED},
          data=pairing_form),
    Route("POST /households/H2/pairings", "POST", lambda w: f"/households/{w.h2}/pairings", STAFF,
          data=pairing_form,
          acted=lambda w, actor: current_helper_ids(w.h2, w.today) == {w.people.newcomer.id}),
    Route("POST /pairings/P/helpers", "POST", lambda w: f"/pairings/{w.pairing}/helpers",
          {"staff_a": OK, "leader_t": OK}, data=lambda w: {"helper_phones": w.people.member_t.phone},
          acted=lambda w, actor: fresh(Pairing, w.pairing) is not None
          and current_helper_ids(w.h, w.today) == {w.people.member_t.id}),
    Route("POST /pairings/P/end", "POST", lambda w: f"/pairings/{w.pairing}/end", STAFF,
          acted=lambda w, actor: fresh(Pairing, w.pairing).ends_on == w.today - timedelta(days=1)
          and current_helper_ids(w.h, w.today) == set()),
    Route("POST /households/H/changes", "POST", lambda w: f"/households/{w.h}/changes", SEERS,
          data=lambda w: {"kind": "hospital", "note": "摔倒住院"},
          acted=lambda w, actor: fresh(Household, w.h) is not None and db.session.scalars(
              select(HouseholdEvent.reported_by_id).where(HouseholdEvent.household_id == w.h)).all() == [actor.id]),
    Route("GET  /households/H/visits/new", "GET", lambda w: f"/households/{w.h}/visits/new", SEERS, logs="visit"),
    Route("POST /households/H/visits/new", "POST", lambda w: f"/households/{w.h}/visits/new", SEERS,
          data=visit_form, acted=_visit_logged_by),
    # V: the helper's visit, logged just now: the helper may fix it (a week), staff always; nobody else, not even
    # the paired team's leader who sees H.
    Route("GET  /visits/V/edit", "GET", lambda w: f"/visits/{w.visit}/edit", {"staff_a": OK, "helper": OK},
          logs="visit"),
    Route("POST /visits/V/edit", "POST", lambda w: f"/visits/{w.visit}/edit", {"staff_a": OK, "helper": OK},
          data=lambda w: {**visit_form(w), "duration_minutes": "45"},
          acted=lambda w, actor: fresh(Visit, w.visit).duration_minutes == 45),
    Route("GET  /visits/V/delete", "GET", lambda w: f"/visits/{w.visit}/delete", {"staff_a": OK, "helper": OK},
          logs="visit"),
    Route("POST /visits/V/delete", "POST", lambda w: f"/visits/{w.visit}/delete", {"staff_a": OK, "helper": OK},
          data=lambda w: {"reason": "duplicate", "confirmed": "1"},
          acted=lambda w, actor: fresh(Visit, w.visit) is None and db.session.get(FollowUp, w.follow_up) is None),
    Route("GET  /households/H/door-card", "GET", lambda w: f"/households/{w.h}/door-card", SEERS, logs="print"),
    Route("GET  /households/H/access-log", "GET", lambda w: f"/households/{w.h}/access-log", STAFF, logs="log"),
    Route("GET  /households/access-log", "GET", lambda w: "/households/access-log",
          {"staff_a": OK, "staff_b": OWN}, lists_h=True),
    Route("GET  /board", "GET", lambda w: "/board",
          {"staff_a": OK, "leader_t": OK, "leader_other": OWN, "staff_b": OWN}, lists_h=True),
    Route("GET  /me/pairings", "GET", lambda w: "/me/pairings", {**EVERYONE_OWN, "helper": OK}, lists_h=True),
    Route("GET  /follow-ups", "GET", lambda w: "/follow-ups", {"staff_a": OK, "staff_b": OWN}, lists_h=True),
    Route("POST /follow-ups/F", "POST", lambda w: f"/follow-ups/{w.follow_up}", STAFF,
          data=lambda w: {"status": "doing", "owner_id": "0", "resolution": ""},
          acted=lambda w, actor: (lambda item: item.status == "doing" and item.owner_id == actor.id)(
              fresh(FollowUp, w.follow_up))),
]


ABBREVIATIONS = {"staff_a": "staffA", "helper": "helper", "leader_t": "leadT", "past_helper": "pastH",
                 "ended_helper": "endH", "member_t": "membT", "leader_other": "leadO", "resident": "resid",
                 "staff_b": "staffB", "admin": "admin", "stopped": "stop", "anonymous": "anon"}


def matrix_table() -> str:
    columns = [(role, max(len(ABBREVIATIONS[role]), 5) + 1) for role in ROLES]
    lines = ["route".ljust(31) + "".join(ABBREVIATIONS[role].ljust(width) for role, width in columns)]
    for route in ROUTES:
        lines.append(route.label.ljust(31) + "".join(route.cell(role).ljust(width) for role, width in columns))
    return "\n".join(line.rstrip() for line in lines)


def test_the_docstring_table_is_the_matrix_tested():
    documented = __doc__.split("MATRIX\n", 1)[1].split("\nEND", 1)[0]
    assert [re.sub(r" +", " ", line) for line in documented.splitlines()] == \
        [re.sub(r" +", " ", line) for line in matrix_table().splitlines()]


def new_access_rows(before, after) -> list[tuple]:
    """(household_id, user_id, action) of the household_access rows added in between."""
    old = set(before["household_access"])
    return [row[1:4] for row in after["household_access"] if row not in old]


def without(state: dict, table: str) -> dict:
    return {name: rows for name, rows in state.items() if name != table}


@pytest.mark.parametrize("route", ROUTES, ids=[r.label.replace("  ", " ") for r in ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_privacy_matrix(app, world, role, route):
    client = client_as(app, world, role)
    url, data = route.url(world), route.data(world)
    before = db_state()
    outcome = route.outcome(role)

    if outcome == "login":
        response = client.open(url, method=route.method, data=data)
        assert response.status_code in (302, 303)
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login" and parse_qs(location.query)["next"] == [url]
        response = client.open(url, method=route.method, data=data, headers=HX)
        assert response.status_code == 401
        assert urlsplit(response.headers["HX-Redirect"]).path == "/login"
        assert HEAD not in text(response)
        assert db_state() == before
        return

    actor = getattr(world.people, role)
    response = client.open(url, method=route.method, data=data)
    body = text(response)

    if outcome == GONE:
        assert response.status_code == 404, body[:500]
        assert "找不到这个页面" in body and HEAD not in body
        response = client.open(url, method=route.method, data=data, headers=HX)
        assert response.status_code == 404
        assert "找不到这个页面" in text(response) and "<html" not in text(response) and HEAD not in text(response)
        assert db_state() == before
        return

    if outcome == OWN:
        assert response.status_code == 200, body[:500]
        assert HEAD not in body
        assert db_state() == before
        return

    if outcome == REFUSED:
        assert response.status_code == 422, body[:500]
        after = db_state()  # nothing saved; the re-rendered page showed the record, so that is logged
        assert without(after, "household_access") == without(before, "household_access")
        assert [row[:2] for row in new_access_rows(before, after)] == [(world.h, actor.id)]
        return

    if route.method == "POST":
        assert response.status_code == 303, body[:800]
        assert route.acted(world, actor)
        return

    assert response.status_code == 200, body[:500]
    if route.lists_h:
        assert HEAD in body
    after = db_state()
    assert without(after, "household_access") == without(before, "household_access")
    expected = [(world.h, actor.id, route.logs)] if route.logs else []
    assert new_access_rows(before, after) == expected


def test_real_login_gives_the_same_answers(app, world):
    for role in ("helper", "resident"):
        fast, real = client_as(app, world, role), client_as(app, world, role, real_login=True)
        for path in (f"/households/{world.h}", "/me/pairings", "/board"):
            assert fast.get(path).status_code == real.get(path).status_code, (role, path)


# --- the access log -----------------------------------------------------------------------


def test_access_log_names_who_looked_and_not_who_was_refused(app, world):
    p = world.people
    for role, path in [("helper", f"/households/{world.h}"), ("leader_t", f"/households/{world.h}/door-card"),
                       ("resident", f"/households/{world.h}"), ("staff_b", f"/households/{world.h}/visits/new")]:
        client_as(app, world, role).get(path)
    before = db_state()
    body = text(client_as(app, world, "staff_a").get(f"/households/{world.h}/access-log"))
    assert p.helper.name in body and p.leader_t.name in body and p.staff_a.name in body
    assert "查看" in body and "打印门卡" in body
    assert p.resident.name not in body and p.staff_b.name not in body
    rows = [row[1:4] for row in db_state()["household_access"]]
    assert (world.h, p.resident.id, "view") not in rows and all(uid != p.staff_b.id for _h, uid, _a in rows)
    assert new_access_rows(before, db_state()) == [(world.h, p.staff_a.id, "log")]


def test_community_access_log_lists_every_household_looked_at(app, world):
    client_as(app, world, "leader_other").get(f"/households/{world.h4}")
    body = text(client_as(app, world, "staff_a").get("/households/access-log"))
    assert HEAD in body and "周德福" in body and world.people.leader_other.name in body


# --- not found, whoever asks ----------------------------------------------------------------

MISSING_ROUTES = [
    ("GET", "/households/{id}"), ("GET", "/households/{id}/edit"), ("POST", "/households/{id}/edit"),
    ("POST", "/households/{id}/pairings"), ("POST", "/pairings/{id}/helpers"), ("POST", "/pairings/{id}/end"),
    ("POST", "/households/{id}/changes"), ("GET", "/households/{id}/visits/new"),
    ("POST", "/households/{id}/visits/new"), ("GET", "/households/{id}/door-card"),
    ("GET", "/households/{id}/access-log"), ("POST", "/follow-ups/{id}"), ("GET", "/visits/{id}/edit"),
    ("POST", "/visits/{id}/edit"), ("GET", "/visits/{id}/delete"), ("POST", "/visits/{id}/delete"),
]


@pytest.mark.parametrize("method, pattern", MISSING_ROUTES)
def test_nonexistent_ids_are_404_for_staff(app, world, method, pattern):
    client = client_as(app, world, "staff_a")
    before = db_state()
    for ident in (999_999, 2**31, 10**30):
        response = client.open(pattern.format(id=ident), method=method, data={"kind": "hospital"})
        assert response.status_code == 404, (ident, text(response)[:300])
    assert db_state() == before


def test_staff_of_another_community_never_sees_h(app, world):
    client = client_as(app, world, "staff_b")
    for path in (f"/households/{world.h}", f"/households/{world.h}/edit", f"/households/{world.h}/door-card",
                 f"/households/{world.h}/access-log", f"/households/{world.h}/visits/new"):
        response = client.get(path)
        assert response.status_code == 404 and HEAD not in text(response), path
    for path in ("/households", "/board", "/follow-ups", "/households/access-log", "/me/pairings"):
        body = text(client.get(path))
        assert HEAD not in body and "燃气灶" not in body, path


def test_the_ended_pairing_gives_its_former_helper_nothing(app, world):
    """ended_helper's own row was never closed; the pairing's end in the past is enough."""
    client = client_as(app, world, "ended_helper")
    before = db_state()
    for method, path in [("GET", f"/households/{world.h}"), ("GET", f"/households/{world.h}/door-card"),
                         ("POST", f"/households/{world.h}/visits/new"),
                         ("POST", f"/pairings/{world.old_pairing}/helpers"),
                         ("POST", f"/pairings/{world.old_pairing}/end")]:
        assert client.open(path, method=method, data=visit_form(world)).status_code == 404, path
    assert HEAD not in text(client.get("/me/pairings"))
    assert db_state() == before
    staff = client_as(app, world, "staff_a")
    response = staff.post(f"/pairings/{world.old_pairing}/end")
    assert response.status_code == 409 and "这个结对已经结束了" in text(response)


# --- what each page shows -------------------------------------------------------------------


def test_staff_household_page_shows_the_whole_record(app, world):
    body = text(client_as(app, world, "staff_a").get(f"/households/{world.h}"))
    for bit in (*CATEGORY_LABELS, NOTES, MEMBERS, REASON, BRIEF, PAST_NOTE, ENDED_NOTE, HELPER_NOTE):
        assert bit in body, bit


@pytest.mark.parametrize("role", ["helper", "leader_t"])
def test_helpers_and_leaders_see_the_brief_but_not_the_staff_record(app, world, role):
    client = client_as(app, world, role)
    page = text(client.get(f"/households/{world.h}"))
    assert HEAD in page and BRIEF in page and "3号楼" in page and HELPER_NOTE in page
    # Visits before their own time are not theirs to read: what came before is in the brief.
    assert ENDED_NOTE not in page
    if role == "helper":
        assert PAST_NOTE not in page
    for path in (f"/households/{world.h}", f"/households/{world.h}/visits/new",
                 f"/households/{world.h}/door-card", "/board", "/board?show=due", "/me/pairings"):
        body = text(client.get(path))
        for bit in STAFF_ONLY:
            assert bit not in body, (path, bit)


def test_helper_sees_their_household_on_my_pairings_without_the_staff_record(app, world):
    body = text(client_as(app, world, "helper").get("/me/pairings"))
    assert HEAD in body and "幸福里小区 3号楼 201室" in body
    assert "周德福" not in body and "钱桂芳" not in body


def test_board_shows_staff_no_categories_and_leaders_only_their_teams(app, world):
    staff_board = text(client_as(app, world, "staff_a").get("/board"))
    assert HEAD in staff_board and "周德福" in staff_board
    for bit in STAFF_ONLY:
        assert bit not in staff_board, bit
    leader_board = text(client_as(app, world, "leader_t").get("/board"))
    assert HEAD in leader_board and "周德福" not in leader_board
    other_board = text(client_as(app, world, "leader_other").get("/board"))
    assert "周德福" in other_board and HEAD not in other_board


@pytest.mark.parametrize("role", ["staff_a", "helper", "leader_t"])
def test_door_card_has_helper_and_hotline_but_no_category(app, world, role):
    body = text(client_as(app, world, role).get(f"/households/{world.h}/door-card"))
    helper = world.people.helper
    assert helper.name in body and helper.phone in body and HOTLINE in body
    assert world.people.past_helper.phone not in body and world.people.ended_helper.phone not in body
    for bit in STAFF_ONLY:
        assert bit not in body, bit


PUBLIC_PAGES = [
    "/", "/teams", "/teams/{team_t}", "/teams/{team_o}", "/activities/{activity}",
    "/calendar/community/{home}.ics", "/calendar/teams/{team_t}.ics", "/calendar/teams/{team_o}.ics",
]


@pytest.mark.parametrize("role", ["anonymous", "resident", "helper", "leader_t", "staff_a"])
def test_public_pages_and_feeds_carry_nothing_of_the_household(app, world, role):
    client = client_as(app, world, role)
    for pattern in PUBLIC_PAGES:
        path = pattern.format(**vars(world))
        response = client.get(path)
        assert response.status_code == 200, path
        body = text(response)
        for bit in NEVER_PUBLIC:
            assert bit not in body, (path, bit)


# --- handover and end -----------------------------------------------------------------------


def test_handover_moves_access_at_once(app, world):
    p = world.people
    old, new = client_as(app, world, "helper"), client_as(app, world, "newcomer")
    assert old.get(f"/households/{world.h}").status_code == 200
    assert new.get(f"/households/{world.h}").status_code == 404

    staff = client_as(app, world, "staff_a")
    response = staff.post(f"/pairings/{world.pairing}/helpers", data={"helper_phones": p.newcomer.phone})
    assert response.status_code == 303
    db.session.rollback()
    assert current_helper_ids(world.h, world.today) == {p.newcomer.id}

    before = db_state()
    for path in (f"/households/{world.h}", f"/households/{world.h}/door-card", f"/households/{world.h}/visits/new"):
        assert old.get(path).status_code == 404, path
    assert old.post(f"/households/{world.h}/visits/new", data=visit_form(world)).status_code == 404
    assert HEAD not in text(old.get("/me/pairings"))
    assert db_state() == before

    page = new.get(f"/households/{world.h}")
    assert page.status_code == 200 and BRIEF in text(page)
    assert HELPER_NOTE not in text(page)  # the old helper's visits are not handed over
    assert HEAD in text(new.get("/me/pairings"))
    card = text(new.get(f"/households/{world.h}/door-card"))
    assert p.newcomer.phone in card and p.helper.phone not in card
    # The leader of the paired team keeps access: the team is still paired.
    assert client_as(app, world, "leader_t").get(f"/households/{world.h}").status_code == 200


def test_ending_the_pairing_shuts_out_helper_and_leader(app, world):
    helper, leader = client_as(app, world, "helper"), client_as(app, world, "leader_t")
    assert helper.get(f"/households/{world.h}").status_code == 200
    staff = client_as(app, world, "staff_a")
    assert staff.post(f"/pairings/{world.pairing}/end").status_code == 303

    before = db_state()
    for client in (helper, leader):
        for path in (f"/households/{world.h}", f"/households/{world.h}/door-card",
                     f"/households/{world.h}/visits/new"):
            assert client.get(path).status_code == 404, path
        assert client.post(f"/households/{world.h}/changes", data={"kind": "hospital"}).status_code == 404
        assert HEAD not in text(client.get("/me/pairings"))
    assert leader.post(f"/pairings/{world.pairing}/helpers",
                       data={"helper_phones": world.people.member_t.phone}).status_code == 404
    assert HEAD not in text(leader.get("/board"))
    assert db_state() == before
    assert staff.get(f"/households/{world.h}").status_code == 200
    assert staff.get(f"/households/{world.h}/door-card").status_code == 404  # no helper left to put on a card
