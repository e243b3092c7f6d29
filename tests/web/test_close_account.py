"""注销: closing one's own account leaves every report figure as it was, and no name or phone of the person
anywhere in the database; their logins, calendar links and places stop; one audit row, none when refused."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import url_for
from sqlalchemy import String, func, or_, select

from shequ_volunteer.accounts.models import ROLE_RESIDENT, LoginFailure, OneTimeCode, User
from shequ_volunteer.activities.models import Signup
from shequ_volunteer.audit.models import ACCOUNT_CLOSED, AuditEntry
from shequ_volunteer.calendar import tokens
from shequ_volunteer.communities.models import Street
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.reports import certificates, statistics
from shequ_volunteer.reports.periods import Period, month, year
from shequ_volunteer.teams.models import Membership
from shequ_volunteer.timeutil import utcnow
from tests import factories as f

from .helpers import HX, db_state, read_form, text

NAME, PHONE = "欧阳测试", "13987650321"  # used nowhere else


@pytest.fixture
def world(app):
    home = f.community()
    staff = f.staff(home, name="社工王芳")
    team = f.team(home, name="青年志愿服务队")
    person = f.user(home, name=NAME, phone=PHONE)
    person.estate, person.building, person.room, person.birth_year = "锦绣苑", "17", "402", 1948  # from a list
    other = f.user(home, name="司马另人")
    waiting = f.user(home, name="候补居民")
    f.member(team, person, leader=True)
    f.member(team, other)
    past = f.activity(team, title="敬老院慰问", starts_in=timedelta(days=-3))
    for who in (person, other):
        f.signup(past, who).attendance = "present"
    full = f.activity(team, title="社区清洁日", capacity=1, starts_in=timedelta(days=5))
    f.signup(full, person)
    f.signup(full, waiting, status="waiting")
    late = f.activity(team, title="重阳敬老", starts_in=timedelta(days=2),
                      withdraw_deadline=utcnow() - timedelta(hours=1))
    f.signup(late, person)
    today = f.beijing_today()
    db.session.add(HoursEntry(user_id=person.id, team_id=team.id, kind="claim", status="approved", minutes=90,
                              served_on=today - timedelta(days=1), note="整理图书角", entered_by_id=person.id,
                              decided_by_id=staff.id, decided_at=utcnow()))
    db.session.add(LoginFailure(key=f"phone:{PHONE}", at=utcnow()))
    db.session.add(OneTimeCode(user_id=person.id, purpose="reset", code_hash="x" * 64, issued_by_id=staff.id,
                               issued_at=utcnow(), expires_at=utcnow() + timedelta(hours=72)))
    db.session.commit()
    household = f.household(home, head_name="孙秀兰")
    pairing = f.pairing(household, staff, helpers=[person])
    f.visit(pairing, person, utcnow() - timedelta(days=2))
    certificate = certificates.issue(person, Period(today - timedelta(days=30), today, "近30天"), utcnow())
    secret = tokens.issue(person.id, "personal", utcnow())
    db.session.commit()
    return SimpleNamespace(home=home, staff=staff, team=team, person=person, other=other, waiting=waiting,
                           full=full, late=late, past=past, pairing=pairing, serial=certificate.serial,
                           secret=secret)


def report_figures(world, now) -> list:
    """What the /reports page and the street roll-up show, for this month, last month and the year."""
    today = f.beijing_today()
    last = today.replace(day=1) - timedelta(days=1)
    shown = []
    for period in (month(today.year, today.month), month(last.year, last.month), year(today.year)):
        shown.append(statistics.build(world.home.id, period, now))
        shown.append(statistics.street([world.home.id], {world.home.id: world.home.name}, period, now))
    return shown


def confirmed_close(client, password: str = f.PASSWORD, headers=None):
    return client.post("/me/close", data={"confirmed": "1", "current_password": password}, headers=headers or {})


def audit_rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.kind == ACCOUNT_CLOSED))


def test_closing_keeps_every_figure_and_leaves_no_name_or_phone(app, world):
    now = utcnow()
    before = report_figures(world, now)
    client = f.logged_in(app, world.person)
    response = confirmed_close(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/account-closed")
    assert "您的账号已注销" in text(client.get("/account-closed"))
    assert client.get("/me/profile").status_code == 302  # logged out
    db.session.rollback()
    assert report_figures(world, now) == before

    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String):
                hits = db.session.scalar(select(func.count()).select_from(table).where(
                    or_(column.contains(NAME), column.contains(PHONE))))
                if hits:
                    found.append(f"{table.name}.{column.name}")
    assert found == []
    person = db.session.get(User, world.person.id)
    assert (person.name, person.phone, person.password_hash) == ("已注销用户", f"x{person.id}", "")
    assert (person.home_address, person.birth_year) == ("", None)
    assert person.closed_at is not None


def test_closing_gives_back_places_leadership_pairings_links_and_codes(app, world):
    client = f.logged_in(app, world.person)
    assert confirmed_close(client).status_code == 303
    db.session.rollback()
    rows = db.session.scalars(select(Signup).where(Signup.user_id.in_([world.person.id, world.waiting.id]))).all()
    status = {(s.activity_id, s.user_id): (s.status, s.attendance) for s in rows}
    assert status[(world.full.id, world.person.id)][0] == "withdrawn"
    assert status[(world.full.id, world.waiting.id)][0] == "confirmed"  # the waiting list moved
    assert status[(world.late.id, world.person.id)][0] == "withdrawn"  # past the deadline, still given back
    assert status[(world.past.id, world.person.id)] == ("confirmed", "present")  # the past stays
    membership = db.session.scalar(select(Membership).where(Membership.user_id == world.person.id))
    assert (membership.status, membership.role) == ("approved", "member")
    assert db.session.scalar(select(OneTimeCode.voided_at)) is not None
    assert certificates.genuine(world.serial).holder_name == "已注销用户"
    assert app.test_client().get(f"/calendar/me/{world.secret}.ics").status_code == 404
    board = text(f.logged_in(app, world.staff).get(url_for("pairing.board")))
    assert "未安排" in board  # the pairing is left for staff to hand over
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == ACCOUNT_CLOSED)).all()
    assert entry.actor_id == world.person.id and entry.community_id == world.home.id
    assert NAME not in entry.summary and PHONE not in entry.summary


def test_the_old_cookies_get_nothing(app, world):
    other_phone = app.test_client()
    login = other_phone.post("/login", data={"phone": PHONE, "password": f.PASSWORD, "remember": "y"})
    [remembered] = [h.split(";")[0].split("=", 1)[1] for h in login.headers.getlist("Set-Cookie")
                    if h.startswith("remember_token=")]
    restarted = app.test_client()  # only the remember-me cookie of that phone
    restarted.set_cookie("remember_token", remembered, domain="shequ.test")
    assert restarted.get("/me/profile").status_code == 200
    assert confirmed_close(f.logged_in(app, world.person)).status_code == 303
    for client in (other_phone, restarted):
        assert client.get("/me/profile").status_code == 302
        assert NAME not in text(client.get("/"))
    assert app.test_client().post("/login", data={"phone": PHONE, "password": f.PASSWORD}).status_code == 422


def test_the_first_press_only_asks_and_shows_what_closing_means(app, world):
    client = f.logged_in(app, world.person)
    assert "注销账号" in text(client.get("/me/profile"))
    before = db_state()
    for headers in ({}, HX):
        response = client.post("/me/close", headers=headers)
        assert response.status_code == 200
        assert "不能恢复" in text(response) and 'name="confirmed" value="1"' in text(response)
    # Even with the password, nothing happens without the confirmation.
    client.post("/me/close", data={"current_password": f.PASSWORD})
    assert db_state() == before


@pytest.mark.parametrize("password", ["", "not-my-password", "长" * 10_000, "pass\x00word"])
def test_a_wrong_password_closes_nothing(app, world, password):
    client = f.logged_in(app, world.person)
    before = db_state()
    for headers in ({}, HX):
        response = confirmed_close(client, password, headers)
        assert response.status_code == 422
        assert read_form(text(response)).messages["close_current_password"]
        assert password not in text(response) or not password
    after = db_state()
    after.pop("login_failures"), before.pop("login_failures")  # wrong guesses are counted, like logins
    assert after == before and audit_rows() == 0
    assert client.get("/me/profile").status_code == 200


def test_htmx_closing_sends_the_whole_window_to_the_done_page(app, world):
    response = confirmed_close(f.logged_in(app, world.person), headers=HX)
    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith("/account-closed")


def test_staff_may_close_and_their_role_ends(app, world):
    assert confirmed_close(f.logged_in(app, world.staff)).status_code == 303
    db.session.rollback()
    assert db.session.get(User, world.staff.id).role == ROLE_RESIDENT and audit_rows() == 1


def test_the_only_administrator_may_not_close_but_one_of_two_may(app, world):
    street = Street(name="东湖街道")
    db.session.add(street)
    db.session.commit()
    first = f.admin(street)
    client = f.logged_in(app, first)
    before = db_state()
    response = confirmed_close(client)
    assert response.status_code == 409 and "唯一的系统管理员" in text(response)
    assert db_state() == before and audit_rows() == 0
    f.admin(street, name="李华")
    assert confirmed_close(client).status_code == 303
    db.session.rollback()
    assert db.session.get(User, first.id).closed_at is not None and audit_rows() == 1
