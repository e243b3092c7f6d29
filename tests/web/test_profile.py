"""我的资料: name, phone and password changes, their refusals, sessions after a password change, and
我的信息 with its download (only the person's own data, in a fixed number of statements)."""
from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import unquote

import pytest

from shequ_volunteer.accounts.models import User
from shequ_volunteer.accounts.passwords import verify_password
from shequ_volunteer.accounts.services import register_on_behalf
from shequ_volunteer.calendar import tokens
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.reports.certificates import issue
from shequ_volunteer.reports.periods import Period
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.statements import counting_statements

from .helpers import HX, db_state, has_chinese, read_form, text

LONG = "长" * 10_000
CONTROL = ["张\x00三", "张\x1b[2J三", "张\x7f三", "张\x9b三"]
NEW_PASSWORD = "another-pass-22"


@pytest.fixture
def world(app):
    home = f.community()
    person = f.user(home, name="欧阳测试", phone="13987650321")
    other = f.user(home, name="司马另人", phone="13987650999")
    on_behalf = register_on_behalf("13987650888", "代登记奶奶", home.id, utcnow())
    db.session.commit()
    return SimpleNamespace(home=home, person=person, other=other, on_behalf=on_behalf)


def refused(response, field: str, typed: str | None = None, *, containing: str = "") -> None:
    body = text(response)
    assert response.status_code == 422, body[:600]
    form = read_form(body)
    assert has_chinese(form.messages.get(field, "")), form.messages
    assert containing in form.messages[field]
    if typed is not None and len(typed) < 1000:
        assert form.values[field] == typed.strip()


# --- name ---------------------------------------------------------------------------------------

def test_the_name_changes_plain_and_htmx(app, world):
    client = f.logged_in(app, world.person)
    response = client.post("/me/profile/name", data={"name": "  欧阳新名 "})
    assert response.status_code == 303 and response.headers["Location"].endswith("/me/profile")
    assert "姓名已改好" in text(client.get("/me/profile"))
    response = client.post("/me/profile/name", data={"name": "欧阳又名"}, headers=HX)
    assert response.status_code == 200 and "<html" not in text(response) and "姓名已改好" in text(response)
    db.session.rollback()
    assert db.session.get(User, world.person.id).name == "欧阳又名"


@pytest.mark.parametrize("name", ["", "   ", LONG, "长" * 21, *CONTROL])
def test_a_bad_name_is_refused_and_nothing_is_written(app, world, name):
    client = f.logged_in(app, world.person)
    before = db_state()
    for headers in ({}, HX):
        refused(client.post("/me/profile/name", data={"name": name}, headers=headers), "name", name)
    assert db_state() == before


# --- phone --------------------------------------------------------------------------------------

def test_the_phone_changes_with_the_password_and_the_new_one_logs_in(app, world):
    client = f.logged_in(app, world.person)
    response = client.post("/me/profile/phone", data={"phone": "139-8765-0555", "current_password": f.PASSWORD})
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.get(User, world.person.id).phone == "13987650555"
    fresh = app.test_client()
    assert fresh.post("/login", data={"phone": "13987650555", "password": f.PASSWORD}).status_code == 303


@pytest.mark.parametrize("case", ["wrong_password", "taken", "on_behalf", "own", "empty", "long", "control", "short"])
def test_a_phone_change_is_refused_by_the_field(app, world, case):
    phone, password, field, words = {
        "wrong_password": ("13987650555", "not-my-password", "phone_current_password", "密码不对"),
        "taken": (world.other.phone, f.PASSWORD, "phone", "已经有账号"),
        "on_behalf": (world.on_behalf.phone, f.PASSWORD, "phone", "由社区"),
        "own": (world.person.phone, f.PASSWORD, "phone", "现在的手机号"),
        "empty": ("", f.PASSWORD, "phone", ""),
        "long": ("1" * 10_000, f.PASSWORD, "phone", ""),
        "control": ("139\x0087650555", f.PASSWORD, "phone", ""),
        "short": ("1398765055", f.PASSWORD, "phone", ""),
    }[case]
    client = f.logged_in(app, world.person)
    before = db_state()
    response = client.post("/me/profile/phone", data={"phone": phone, "current_password": password})
    refused(response, field, containing=words)
    assert password not in text(response)  # never echoed
    if field == "phone_current_password":
        assert read_form(text(response)).values["phone"] == phone
        # The wrong guess is counted like a wrong login, and nothing else changed.
        after = db_state()
        assert len(after["login_failures"]) == len(before["login_failures"]) + 1
        after.pop("login_failures"), before.pop("login_failures")
    assert db_state() == before if field != "phone_current_password" else after == before


def test_guessing_the_current_password_stops_after_the_login_limit(app, world):
    client = f.logged_in(app, world.person)
    limit = app.config["LOGIN_MAX_FAILURES_PER_PHONE"]
    for _ in range(limit):
        client.post("/me/profile/phone", data={"phone": "13987650555", "current_password": "guess-guess"})
    response = client.post("/me/profile/phone", data={"phone": "13987650555", "current_password": f.PASSWORD})
    refused(response, "phone_current_password", containing="尝试次数太多")
    db.session.rollback()
    assert db.session.get(User, world.person.id).phone == "13987650321"


# --- password -----------------------------------------------------------------------------------

def test_a_new_password_ends_the_other_devices_but_not_this_one(app, world):
    this_phone = f.logged_in(app, world.person)
    other_phone = app.test_client()
    assert other_phone.post("/login", data={"phone": world.person.phone, "password": f.PASSWORD,
                                            "remember": "y"}).status_code == 303
    assert other_phone.get("/me/profile").status_code == 200
    response = this_phone.post("/me/profile/password", data={
        "current_password": f.PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 303
    page = this_phone.get("/me/profile")
    assert page.status_code == 200 and "其他手机和电脑上的登录已退出" in text(page)
    assert other_phone.get("/me/profile").status_code == 302  # session and remember-me cookie both stale
    db.session.rollback()
    assert verify_password(db.session.get(User, world.person.id).password_hash, NEW_PASSWORD)


def test_a_remembered_device_stays_remembered_after_its_own_password_change(app, world):
    client = app.test_client()
    client.post("/login", data={"phone": world.person.phone, "password": f.PASSWORD, "remember": "y"})
    response = client.post("/me/profile/password", data={
        "current_password": f.PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    later = app.test_client()  # the browser restarted: only the (renewed) remember-me cookie is left
    later.set_cookie("remember_token", remember_cookie(response), domain="shequ.test")
    assert later.get("/me/profile").status_code == 200


def remember_cookie(response) -> str:
    [value] = [header.split(";")[0].split("=", 1)[1] for header in response.headers.getlist("Set-Cookie")
               if header.startswith("remember_token=")]
    return value


@pytest.mark.parametrize("case", ["wrong", "differ", "short", "empty", "long"])
def test_a_password_change_is_refused_by_the_field(app, world, case):
    current, new, again, field = {
        "wrong": ("not-my-password", NEW_PASSWORD, NEW_PASSWORD, "current_password"),
        "differ": (f.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password_again"),
        "short": (f.PASSWORD, "short", "short", "new_password"),
        "empty": ("", NEW_PASSWORD, NEW_PASSWORD, "current_password"),
        "long": (f.PASSWORD, LONG, LONG, "new_password"),
    }[case]
    client = f.logged_in(app, world.person)
    version = world.person.session_version
    for headers in ({}, HX):
        response = client.post("/me/profile/password", headers=headers, data={
            "current_password": current, "new_password": new, "new_password_again": again})
        refused(response, field)
        assert NEW_PASSWORD not in text(response) and f.PASSWORD not in text(response)
    db.session.rollback()
    person = db.session.get(User, world.person.id)
    assert verify_password(person.password_hash, f.PASSWORD) and person.session_version == version
    assert client.get("/me/profile").status_code == 200


def test_the_profile_page_is_in_the_menu_and_for_the_signed_in_only(app, world):
    assert app.test_client().get("/me/profile").status_code == 302
    body = text(f.logged_in(app, world.person).get("/"))
    assert 'href="/me/profile"' in body and "我的资料" in body


# --- 我的信息 and the download ------------------------------------------------------------------

@pytest.fixture
def history(app, world):
    """The person: a team, sign-ups (one entered for them), hours, a 补录, a certificate, a pairing they help
    in with their visit; and someone else's and a household's data that must never show."""
    staff = f.staff(world.home, name="社工王芳")
    team = f.team(world.home, name="青年志愿服务队")
    f.member(team, world.person)
    f.member(team, world.other)
    past = f.activity(team, title="敬老院慰问", starts_in=timedelta(days=-3))
    signup = f.signup(past, world.person)
    signup.attendance = "present"
    signup.entered_by_id = staff.id
    f.signup(past, world.other)
    f.signup(f.activity(team, title="社区清洁日"), world.person)
    db.session.add(HoursEntry(user_id=world.person.id, team_id=team.id, kind="claim", status="pending", minutes=90,
                              served_on=f.beijing_today(), note="整理图书角", entered_by_id=world.person.id))
    db.session.commit()
    household = f.household(world.home, head_name="孙秀兰", estate="幸福小区", building="12", room="301",
                            categories="dibao", notes="低保，腿脚不便", contact_name="孙小明",
                            contact_phone="13700001111")
    pairing = f.pairing(household, staff, helpers=[world.person, world.other])
    f.visit(pairing, world.person, utcnow() - timedelta(days=2), note="老人血压偏高")
    f.visit(pairing, world.other, utcnow() - timedelta(days=1))
    today = f.beijing_today()
    certificate = issue(world.person, Period(today - timedelta(days=30), today, "近30天"), utcnow())
    tokens.issue(world.person.id, "personal", utcnow())
    db.session.commit()
    return SimpleNamespace(team=team, pairing=pairing, staff=staff, serial=certificate.serial)


FOREIGN = ["司马另人", "13987650999", "孙秀兰", "幸福小区", "301", "低保", "腿脚不便", "孙小明", "13700001111",
           "老人血压偏高", "社工王芳"]


def test_my_data_lists_what_is_held_and_nothing_of_others(app, world, history):
    client = f.logged_in(app, world.person)
    body = text(client.get("/me/data"))
    for mine in [history.serial, "欧阳测试", "13987650321", "青年志愿服务队", "敬老院慰问", "社区清洁日", "出席",
                 "整理图书角", "由社区或队长代报名", f"{history.pairing.id}", "我的日程"]:
        assert mine in body, mine
    for foreign in FOREIGN:
        assert foreign not in body, foreign


def test_the_download_is_the_same_data_as_one_json_file(app, world, history):
    client = f.logged_in(app, world.person)
    response = client.get("/me/data/download")
    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="my-data-' in disposition
    assert "我的信息" in unquote(disposition.split("filename*=UTF-8''")[1])
    raw = response.get_data(as_text=True)
    assert "欧阳测试" in raw  # UTF-8 as written, not \\u escapes
    held = json.loads(raw)
    assert held["个人资料"]["手机号"] == "13987650321"
    assert {s["活动"] for s in held["活动报名"]} == {"敬老院慰问", "社区清洁日"}
    [helping] = held["结对帮扶（我作为志愿者）"]
    assert helping["结对编号"] == str(history.pairing.id) and len(helping["我的探访日期"]) == 1
    for foreign in FOREIGN:
        assert foreign not in raw, foreign


def test_my_data_costs_the_same_statements_for_one_row_or_many(app, world):
    team = f.team(world.home)
    f.member(team, world.person)
    staff = f.staff(world.home)
    client = f.logged_in(app, world.person)

    def cost() -> int:
        with counting_statements() as statements:
            assert client.get("/me/data/download").status_code == 200
        return len(statements)

    def more(index: int) -> None:
        activity = f.activity(team, title=f"活动{index}", starts_in=timedelta(days=-index - 1))
        f.signup(activity, world.person).attendance = "present"
        pairing = f.pairing(f.household(world.home, head_name=f"户{index}"), staff, helpers=[world.person])
        f.visit(pairing, world.person, utcnow() - timedelta(days=index + 1))

    more(0)
    few = cost()
    for index in range(1, 6):
        more(index)
    assert cost() == few
