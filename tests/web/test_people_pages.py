"""Staff's people pages and the one-time codes, through the test client: the list and its search, one
person, the printable slip, and a person entering their code (opening an account, a forgotten password)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import ROLE_VIEWER, OneTimeCode, User
from shequ_volunteer.accounts.passwords import verify_password
from shequ_volunteer.accounts.privacy import PRIVACY_VERSION
from shequ_volunteer.accounts.services import TOO_MANY_ATTEMPTS
from shequ_volunteer.calendar import tokens
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.pairing.models import PairingHelper
from shequ_volunteer.people.queries import PAGE_SIZE
from shequ_volunteer.timeutil import format_local, utcnow
from tests import factories as f

from .helpers import HX, db_state, read_form, text

NEW_PASSWORD = "new-pass-2026"


@pytest.fixture
def w(app):
    home, elsewhere = f.community("幸福里社区"), f.community("光明社区")
    team = f.team(home, name="青年志愿服务队")
    resident, leader = f.user(home, "王大爷"), f.user(home, "李队长")
    f.member(team, leader, leader=True)
    f.member(team, resident)
    unopened = f.user(home, "孙阿姨")
    unopened.password_hash = ""  # registered on her behalf (代报名)
    stopped, closed = f.user(home, "周停用"), f.user(home, "吴注销")
    stopped.deactivated_at = closed.closed_at = utcnow()
    db.session.commit()
    staff = f.staff(home, "王芳")
    return SimpleNamespace(home=home, elsewhere=elsewhere, team=team, resident=resident, leader=leader,
                           unopened=unopened, stopped=stopped, closed=closed, staff=staff,
                           outsider=f.user(elsewhere, "外社区郑"), client=f.logged_in(app, staff))


def slip_code(response) -> str:
    found = re.search(r'class="slip-code"[^>]*>(\d{4}) (\d{4})<', text(response))
    assert found, text(response)[:2000]
    return found.group(1) + found.group(2)


def issue(w, person, purpose: str, **data) -> str:
    response = w.client.post(f"/people/{person.id}/code/{purpose}", data=data)
    assert response.status_code == 200, text(response)[:800]
    return slip_code(response)


def enter(client, phone: str, code: str, **changes):
    return client.post("/account/code", data={"phone": phone, "code": code, "password": NEW_PASSWORD,
                                              "password_again": NEW_PASSWORD, **changes})


# --- the list ----------------------------------------------------------------------------------

def test_the_list_shows_each_current_person_of_the_community_with_their_account_state(w):
    body = text(w.client.get("/people"))
    for person, state in ((w.resident, "已开通"), (w.unopened, "未开通"), (w.stopped, "已停用")):
        row = re.search(rf"<li class=\"card\">.*?{person.name}.*?</li>", body, re.S).group(0)
        assert person.phone in row and state in row
    assert w.closed.name not in body and w.closed.phone not in body  # closed accounts are gone
    assert w.outsider.name not in body  # another community's


@pytest.mark.parametrize("search", ["王大", "大爷", "WANG"])
def test_search_by_name(w, search):
    body = text(w.client.get("/people", query_string={"q": search}))
    assert ("王大爷" in body) == (search != "WANG")
    assert "孙阿姨" not in body


def test_search_by_part_of_a_phone(w):
    body = text(w.client.get("/people", query_string={"q": w.unopened.phone[-4:]}))
    assert "孙阿姨" in body and "王大爷" not in body


def spaced_forms(phone: str) -> list[str]:
    """A number as staff type it from a paper list or a phone's contacts, as the login takes it too."""
    groups = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return [groups, groups.replace(" ", "-"), f"+86 {groups}", f"0086-{phone}", f" {phone} ",
            groups.translate(str.maketrans("0123456789", "０１２３４５６７８９")), groups.replace(" ", "\u3000"),
            f"{phone[3:7]} {phone[7:]}", f"{phone[7:9]}-{phone[9:]}"]  # the last two: part of the number


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_search_by_a_phone_typed_with_spaces_or_a_country_code(w, headers):
    for typed in spaced_forms(w.unopened.phone):
        response = w.client.get("/people", query_string={"q": typed}, headers=headers)
        body = text(response)
        assert response.status_code == 200 and "孙阿姨" in body and "王大爷" not in body, typed
        if not headers:
            assert read_form(body).values["q"] == typed.strip(), typed  # the box keeps what was typed
    # Names are still searched as they are, and a number nobody has finds nobody.
    assert "孙阿姨" in text(w.client.get("/people", query_string={"q": "孙阿"}))
    assert "孙阿姨" not in text(w.client.get("/people", query_string={"q": "139 9999 9999"}))
    # The login takes the same spaced number (one rule, phones.normalise_phone).
    login = w.client.application.test_client().post(
        "/login", data={"phone": spaced_forms(w.resident.phone)[0], "password": f.PASSWORD})
    assert login.status_code == 303


def test_htmx_search_swaps_only_the_list(w):
    response = w.client.get("/people", query_string={"q": "孙"}, headers=HX)
    assert response.status_code == 200
    assert "<html" not in text(response) and 'id="people-list"' in text(response)
    assert "孙阿姨" in text(response)


def test_fifty_a_page(w):
    for n in range(PAGE_SIZE):
        f.user(w.home, f"居民{n:02d}")
    first = text(w.client.get("/people"))
    assert first.count('<li class="card">') == PAGE_SIZE and "下一页" in first
    second = text(w.client.get("/people", query_string={"page": 2}))
    assert second.count('<li class="card">') == 5  # 王大爷, 李队长, 孙阿姨, 周停用, 王芳 and the 50
    assert "上一页" in second and "下一页" not in second


def test_the_staff_menu_links_the_list(w):
    assert 'href="/people"' in text(w.client.get("/"))
    assert 'href="/people"' not in text(f.logged_in(w.client.application, w.resident).get("/"))


# --- one person --------------------------------------------------------------------------------

def test_a_person_page_shows_phone_teams_state_and_the_right_action(w):
    body = text(w.client.get(f"/people/{w.resident.id}"))
    assert w.resident.phone in body and "青年志愿服务队" in body and "已开通" in body
    assert "重设密码" in body and "同时停用他的日历订阅链接" in body and "开通账号</button>" not in body
    leader = text(w.client.get(f"/people/{w.leader.id}"))
    assert "青年志愿服务队</a>（队长）" in leader
    unopened = text(w.client.get(f"/people/{w.unopened.id}"))
    assert "开通账号</button>" in unopened and "重设密码</button>" not in unopened
    stopped = text(w.client.get(f"/people/{w.stopped.id}"))
    main = stopped.split("<main", 1)[1].split("</main>")[0]
    assert "已停用" in main and re.findall(r"<button[^>]*>([^<]*)</button>", main) == ["恢复账号"]


def test_where_a_person_lives_and_their_birth_year_are_for_staff_and_themselves_only(app, w):
    """What a community's imported list said (网格, 小区, 楼栋, 室, 出生年份): on the staff's person page and in
    the person's own 我的信息; never on the team's roster, not even for its leader."""
    w.resident.grid, w.resident.estate, w.resident.building, w.resident.room = "第三网格", "锦绣苑", "17", "2-402"
    w.resident.birth_year = 1948
    db.session.commit()
    for body in (text(w.client.get(f"/people/{w.resident.id}")), text(f.logged_in(app, w.resident).get("/me/data"))):
        assert "第三网格 锦绣苑 17号楼 2-402室" in body and "1948" in body
    roster = text(f.logged_in(app, w.leader).get(f"/teams/{w.team.id}"))
    assert w.resident.name in roster and "锦绣苑" not in roster and "1948" not in roster


@pytest.mark.parametrize("who", ["outsider", "closed"])
def test_other_communities_people_and_closed_accounts_are_not_found(w, who):
    person = getattr(w, who)
    before = db_state()
    for method, url in (("GET", f"/people/{person.id}"), ("POST", f"/people/{person.id}/code/reset"),
                        ("POST", f"/people/{person.id}/code/open")):
        response = w.client.open(url, method=method)
        assert response.status_code == 404, url
        assert person.name not in text(response)
    assert db_state() == before


def test_viewers_and_administrators_are_refused_everything(app, w):
    viewer = f.user(w.home, "街道刘科长", role=ROLE_VIEWER)
    for client in (f.logged_in(app, viewer), f.logged_in(app, f.admin())):
        before = db_state()
        for method, url in (("GET", "/people"), ("GET", f"/people/{w.resident.id}"),
                            ("POST", f"/people/{w.resident.id}/code/reset"),
                            ("POST", f"/people/{w.unopened.id}/code/open")):
            assert client.open(url, method=method).status_code == 403, url
        assert db_state() == before


def test_staff_give_no_code_to_themselves(w):
    before = db_state()
    response = w.client.post(f"/people/{w.staff.id}/code/reset")
    assert response.status_code == 409 and "不能给自己发放验证码" in text(response)
    assert db_state() == before


@pytest.mark.parametrize("who, purpose, message", [("resident", "open", "已经开通账号了"),
                                                   ("unopened", "reset", "还没有开通账号"),
                                                   ("stopped", "reset", "已停用")])
def test_the_wrong_kind_of_code_is_refused_with_a_reason(w, who, purpose, message):
    before = db_state()
    response = w.client.post(f"/people/{getattr(w, who).id}/code/{purpose}")
    assert response.status_code == 409 and message in text(response)
    assert db_state() == before


# --- the slip ----------------------------------------------------------------------------------

def test_the_slip_shows_the_code_once_and_it_is_kept_nowhere(w):
    now = utcnow()
    response = w.client.post(f"/people/{w.unopened.id}/code/open")
    body = text(response)
    code = slip_code(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "幸福里社区" in body and w.unopened.masked_phone in body and w.unopened.phone not in body.split(
        'class="slip"', 1)[1]
    assert "开通账号验证码" in body and "http://shequ.test/account/code" in body and "data-print" in body
    db.session.rollback()
    expires = db.session.scalar(select(OneTimeCode.expires_at))
    assert expires - now < timedelta(hours=72, minutes=1) and format_local(expires) in body
    everything = repr(db_state())
    assert code not in everything and f"{code[:4]} {code[4:]}" not in everything
    assert code not in text(w.client.get(f"/people/{w.unopened.id}"))


# --- entering a code ---------------------------------------------------------------------------

def test_the_login_page_says_what_happens_when_a_password_is_forgotten(client):
    body = text(client.get("/login"))
    assert "忘记密码请联系社区工作人员" not in body
    assert "核对是您本人后，给您一个8位验证码" in body and "其他手机上的登录都会退出" in body
    assert 'href="/account/code"' in body
    assert "用验证码设置密码" in text(client.get("/account/code"))


def test_opening_an_account_makes_everything_entered_for_her_hers(app, w):
    """Sign-ups, hours and pairings entered on her behalf are on her user row: opening it gives them to her."""
    person = w.unopened
    activity = f.activity(w.team, title="重阳节包饺子")
    f.signup(activity, person)
    db.session.add(HoursEntry(user_id=person.id, team_id=w.team.id, kind="claim", status="approved", minutes=90,
                              served_on=date(2026, 11, 1), entered_by_id=w.staff.id))
    db.session.commit()
    f.pairing(f.household(w.home), w.staff, helpers=[person])
    code = issue(w, person, "open")

    her_phone = app.test_client()
    response = enter(her_phone, person.phone, code)
    assert response.status_code == 422 and "请先阅读并勾选同意" in text(response)  # the code is still good
    response = enter(her_phone, person.phone, f"{code[:4]} {code[4:]}", agree="y")
    assert response.status_code == 303 and response.headers["Location"].endswith("/me/activities")
    page = text(her_phone.get("/me/activities"))
    assert "重阳节包饺子" in page and "孙阿姨" in page

    db.session.rollback()
    opened = db.session.get(User, person.id)
    assert verify_password(opened.password_hash, NEW_PASSWORD) and opened.privacy_version == PRIVACY_VERSION
    assert db.session.scalar(select(HoursEntry.user_id)) == person.id
    assert db.session.scalar(select(PairingHelper.user_id)) == person.id
    assert "已开通" in text(w.client.get(f"/people/{person.id}"))


def test_a_reset_logs_the_person_out_everywhere_at_once(app, w):
    old_phone = f.logged_in(app, w.resident)
    assert old_phone.get("/me/activities").status_code == 200
    tokens.issue(w.resident.id, "mine", utcnow())
    db.session.commit()
    code = issue(w, w.resident, "reset", stop_calendar="y")
    assert old_phone.get("/me/activities").status_code == 302  # gone before the code is even entered
    db.session.rollback()
    assert tokens.active(w.resident.id) == []

    new_phone = app.test_client()
    assert enter(new_phone, w.resident.phone, code).status_code == 303
    assert new_phone.get("/me/activities").status_code == 200
    assert old_phone.get("/me/activities").status_code == 302
    assert app.test_client().post("/login", data={"phone": w.resident.phone, "password": f.PASSWORD}).status_code == 422
    f.login(app.test_client(), w.resident, NEW_PASSWORD)
    # Used: the same code again is just a wrong code.
    assert "验证码不对或已过期" in text(enter(app.test_client(), w.resident.phone, code))


def test_a_session_logged_in_with_the_old_password_meanwhile_ends_too(app, w):
    code = issue(w, w.resident, "reset")
    meanwhile = f.logged_in(app, w.resident)  # the thief still knows the old password
    assert enter(app.test_client(), w.resident.phone, code).status_code == 303
    assert meanwhile.get("/me/activities").status_code == 302


def test_wrong_codes_from_many_phones_and_addresses_are_limited_per_phone(app, w):
    """Separate clients and addresses: the count is in the database, so the sixth try is refused, even right."""
    code = issue(w, w.resident, "reset")
    wrong = f"{(int(code) + 1) % 10 ** 8:08d}"
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_PHONE"]):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.2.{n}"
        assert enter(client, w.resident.phone, wrong).status_code == 422
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.3.1"
    response = enter(client, w.resident.phone, code)
    assert response.status_code == 429
    assert read_form(text(response)).messages["code"] == TOO_MANY_ATTEMPTS
    assert client.get("/me/activities").status_code == 302


def test_wrong_codes_from_one_address_are_limited_across_phones(app, w):
    limit = app.config["LOGIN_MAX_FAILURES_PER_IP"]
    phones = [f.user(w.home, f"试探{n}").phone for n in range(limit)]
    client = app.test_client()
    for phone in phones:
        assert enter(client, phone, "12345678").status_code == 422
    code = issue(w, w.resident, "reset")
    assert enter(client, w.resident.phone, code).status_code == 429


def test_the_new_password_is_hashed_before_the_write_lock(app, w, db_kind, statements):
    if db_kind != "sqlite":
        pytest.skip("BEGIN IMMEDIATE exists only on SQLite")
    code = issue(w, w.resident, "reset")
    statements.clear()
    assert enter(app.test_client(), w.resident.phone, code).status_code == 303
    read_code = next(i for i, s in enumerate(statements) if "FROM one_time_codes" in s)
    # A short write counts the try first; then the code is read and the password hashed holding no lock;
    # only then the write that uses the code.
    counted, used = [i for i, s in enumerate(statements) if s == "BEGIN IMMEDIATE"]
    assert counted < read_code < used


# --- 停用账号 / 恢复账号 on the person page ---------------------------------------------------------

def test_staff_stop_an_account_after_choosing_a_reason_and_confirming_then_restart_it(app, w):
    code = issue(w, w.resident, "reset")  # handed out before: must not outlive the stopping
    resident_client = f.logged_in(app, w.resident)
    assert resident_client.get("/me/activities").status_code == 200
    page = text(w.client.get(f"/people/{w.resident.id}"))
    assert "停用账号" in page and "恢复账号" not in page

    asked = w.client.post(f"/people/{w.resident.id}/deactivate", data={"reason": "moved"})
    assert asked.status_code == 200 and "停用王大爷的账号？" in text(asked) and "搬离本社区" in text(asked)
    db.session.rollback()
    assert db.session.get(User, w.resident.id).deactivated_at is None  # nothing in one tap

    done = w.client.post(f"/people/{w.resident.id}/deactivate", data={"reason": "moved", "confirmed": "1"})
    assert done.status_code == 303
    assert resident_client.get("/me/activities").status_code == 302  # out at the very next request
    assert "恢复账号" in text(w.client.get(f"/people/{w.resident.id}"))
    refused = enter(app.test_client(), w.resident.phone, code)
    assert refused.status_code in (422, 429)  # the old code died with the stopping

    assert w.client.post(f"/people/{w.resident.id}/reactivate").status_code == 303
    db.session.rollback()
    assert db.session.get(User, w.resident.id).deactivated_at is None
    assert enter(app.test_client(), w.resident.phone, code).status_code in (422, 429)  # still dead


@pytest.mark.parametrize("reason", ["", "gone", "x" * 10_000, "moved\x00"])
def test_stopping_without_a_known_reason_is_refused_by_the_field(w, reason):
    before = db_state()
    response = w.client.post(f"/people/{w.resident.id}/deactivate", data={"reason": reason, "confirmed": "1"})
    assert response.status_code == 422 and read_form(text(response)).messages.get("reason")
    assert db_state() == before


def test_stopping_twice_and_restarting_a_working_account_are_refused(w):
    stop = w.client.post(f"/people/{w.stopped.id}/deactivate", data={"reason": "moved", "confirmed": "1"}, headers=HX)
    assert stop.status_code == 409 and "已经停用" in text(stop)
    before = db_state()
    again = w.client.post(f"/people/{w.resident.id}/reactivate")
    assert again.status_code == 409 and "没有停用" in text(again)
    assert db_state() == before


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_other_communities_and_non_staff_cannot_stop_or_restart(app, w, action):
    before = db_state()
    data = {"reason": "moved", "confirmed": "1"}
    target = w.stopped if action == "reactivate" else w.resident
    assert w.client.post(f"/people/{w.outsider.id}/{action}", data=data).status_code == 404
    assert f.logged_in(app, w.leader, through_form=False).post(
        f"/people/{target.id}/{action}", data=data).status_code == 403
    assert db_state() == before
