"""Malformed and hostile input on every form and id-bearing route.

Refused input: 4xx (422 for forms, 404 for ids), never 500, a Chinese message
by the field, what was typed still in the form, and not one row changed.
Accepted input that merely looks hostile (markup, SQL, emoji) is stored
verbatim and always rendered as text.
"""
from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from shequ_volunteer.accounts.models import User
from shequ_volunteer.accounts.services import register_on_behalf
from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from shequ_volunteer.imports import uploads
from shequ_volunteer.notices.models import Notice
from shequ_volunteer.teams.models import Membership, Team
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f

from .helpers import HX, db_state, has_chinese, read_form, text

SCRIPT = "<script>alert(1)</script>"
SQL = "' OR 1=1 --"
QUOTES = "\"'><img src=x onerror=alert(1)>"
EMOJI = "志愿者😀👨‍👩‍👧"
LONG = "长" * 10_000
LONG_DIGITS = "1" * 10_000
HUGE = str(10**20)
CONTROL = {  # every kind of control character a form field could smuggle in
    "nul": "张\x00三", "esc": "张\x1b[2J三", "bell": "张\x07三", "del": "张\x7f三", "c1": "张\x9b三",
}
BAD_DATES = ["2026-13-45T99:99", "abc", "2026-02-30T10:00", "10000-01-01T10:00", SCRIPT, SQL, LONG]
# Far-off years a datetime can hold but a calendar cannot sensibly (year 1 cannot even be moved to UTC).
ABSURD_DATES = ["0001-01-01T00:00", "0001-01-01T08:00", "1900-01-01T10:00", "9999-12-31T23:59"]
BAD_PHONES = ["", "abc", LONG_DIGITS, HUGE, "-13812345678", SCRIPT, SQL, EMOJI, "138\x001234567",
              "13٠١٢٣٤٥٦٧٨", "1381234567", "23812345678"]


def local_input(moment) -> str:
    return f"{to_local(moment):%Y-%m-%dT%H:%M}"


@pytest.fixture
def world(app):
    home = f.community("幸福里社区")
    f.community("光明社区")  # two communities: the register form shows the select
    staff = f.staff(home)
    team = f.team(home, name="青年志愿服务队")
    activity = f.activity(team, title="周末清洁家园", capacity=10)
    return SimpleNamespace(home=home, staff=staff, team=team, activity=activity,
                           resident=f.user(home, name="李阿姨"))


@pytest.fixture
def staff_client(app, world):
    return f.logged_in(app, world.staff)


def assert_refused(response, field: str, typed: str, *, echo: bool = True, status: int = 422) -> None:
    body = text(response)
    assert response.status_code == status, body[:600]
    assert has_chinese(body)
    form = read_form(body)
    assert has_chinese(form.messages.get(field, "")), f"no message by {field}: {form.messages}"
    assert form.invalid[field] == "true"
    if echo and len(typed) < 1000:
        assert form.values[field] == typed.strip(), (form.values[field], typed)
    assert SCRIPT not in body and "<img src=x" not in body


def refused_everywhere(post, field: str, values: list[str], *, echo: bool = True) -> None:
    """POST each value into `field` (everything else valid): refused, echoed, nothing saved."""
    before = db_state()
    for value in values:
        try:
            assert_refused(post(value), field, value, echo=echo)
        except AssertionError as error:
            raise AssertionError(f"{field}={value[:40]!r}: {error}") from error
    assert db_state() == before


# --- register -----------------------------------------------------------------------------------

def register_form(world, **changes) -> dict:
    return {"phone": "13812345678", "name": "李阿姨", "password": "good-pass-123",
            "community_id": str(world.home.id), "agree": "y", **changes}


REGISTER_REFUSED = {
    "phone": BAD_PHONES,
    "name": ["", "   ", LONG, SCRIPT, "长" * 21, *CONTROL.values()],
    "password": ["", "short", LONG],
    "community_id": ["", "abc", "-1", "0", HUGE, "999999", SCRIPT, SQL],
}


@pytest.mark.parametrize("field", REGISTER_REFUSED)
def test_register_refuses(app, world, field):
    client = app.test_client()
    refused_everywhere(
        lambda value: client.post("/register", data=register_form(world, **{field: value})),
        field, REGISTER_REFUSED[field],
        # Passwords are never sent back; a select can only show the options it has.
        echo=field in ("phone", "name"),
    )
    assert client.get("/me/activities").status_code == 302


@pytest.mark.parametrize("name", [SQL, EMOJI, "O'Neil \"老王\"", "%FF%FE"])
def test_register_stores_odd_but_valid_names_verbatim(app, world, name):
    response = app.test_client().post("/register", data=register_form(world, name=name))
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(User.name).where(User.phone == "13812345678")) == name


def test_register_with_a_taken_phone_keeps_the_input(app, world):
    before = db_state()
    response = app.test_client().post("/register", data=register_form(world, phone=world.resident.phone))
    assert_refused(response, "phone", world.resident.phone)
    assert "已经注册过了" in text(response)
    assert db_state() == before


# --- login --------------------------------------------------------------------------------------

def test_login_refuses_malformed_phones_without_counting_them(app, world):
    client = app.test_client()
    refused_everywhere(lambda phone: client.post("/login", data={"phone": phone, "password": f.PASSWORD}),
                       "phone", BAD_PHONES)
    assert client.get("/me/activities").status_code == 302


def test_login_refuses_empty_or_huge_passwords_before_hashing(app, world):
    # Not even a failure row: the form stops them before any hashing.
    client = app.test_client()
    refused_everywhere(
        lambda password: client.post("/login", data={"phone": world.resident.phone, "password": password}),
        "password", ["", LONG], echo=False,
    )


def test_login_with_hostile_passwords_is_just_a_wrong_password(app, world):
    passwords = [SCRIPT, SQL, EMOJI, *CONTROL.values(), f"{f.PASSWORD}' --"]
    phones = [f.user(world.home).phone for _ in passwords]  # one each: stay under the per-phone limit
    client = app.test_client()
    for phone, password in zip(phones, passwords, strict=True):
        response = client.post("/login", data={"phone": phone, "password": password})
        assert response.status_code == 422, password
        assert "手机号或密码不对" in text(response)
        assert read_form(text(response)).values["phone"] == phone
        assert client.get("/me/activities").status_code == 302


NEXT_TARGETS = ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                "/%0d%0aSet-Cookie:%20owned=1", "/%00", "/teams%0a", " /teams"]


def test_login_never_follows_a_hostile_next(app, world):
    for target in NEXT_TARGETS:
        response = app.test_client().post(f"/login?next={quote(target, safe='%/:')}",
                                        data={"phone": world.resident.phone, "password": f.PASSWORD})
        assert response.status_code == 303, target
        location = response.headers["Location"]
        assert "\r" not in location and "\n" not in location
        assert urlsplit(location).netloc in ("", "shequ.test"), target
        assert urlsplit(location).path == "/", target


def test_register_never_follows_a_hostile_next(app, world):
    response = app.test_client().post("/register?next=/%0d%0aSet-Cookie:%20owned=1", data=register_form(world))
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/"


# --- 我的资料 and 注销 ----------------------------------------------------------------------------

# (url, the posted field, the element id its message sits by): everything else valid.
PROFILE_FORMS = {
    "name": ("/me/profile/name", "name", "name"),
    "phone": ("/me/profile/phone", "phone", "phone"),
    "new_password": ("/me/profile/password", "new_password", "new_password"),
    "current_password": ("/me/profile/password", "current_password", "current_password"),
    "close": ("/me/close", "current_password", "close_current_password"),
}
PROFILE_VALID = {
    "name": {"name": "李阿姨"},
    "phone": {"phone": "13912345678", "current_password": f.PASSWORD},
    "new_password": {"current_password": f.PASSWORD, "new_password": "good-pass-123",
                     "new_password_again": "good-pass-123"},
    "current_password": {"current_password": f.PASSWORD, "new_password": "good-pass-123",
                         "new_password_again": "good-pass-123"},
    "close": {"confirmed": "1", "current_password": f.PASSWORD},
}
# Wrong passwords that pass the form are counted like wrong logins (test_profile.py): only the refused-by-form here.
PROFILE_REFUSED = {
    "name": REGISTER_REFUSED["name"],
    "phone": BAD_PHONES,
    "new_password": ["", "short", LONG],
    "current_password": ["", LONG],
    "close": ["", LONG],
}


@pytest.mark.parametrize("form", PROFILE_FORMS)
def test_my_profile_forms_refuse(app, world, form):
    url, field, element = PROFILE_FORMS[form]
    client = f.logged_in(app, world.resident)
    for headers in ({}, HX):
        refused_everywhere(
            lambda value, headers=headers: client.post(url, data={**PROFILE_VALID[form], field: value},
                                                       headers=headers),
            element, PROFILE_REFUSED[form], echo=form in ("name", "phone"))
    assert client.get("/me/profile").status_code == 200


def test_a_phone_taken_by_someone_registered_on_their_behalf_is_refused(app, world):
    register_on_behalf("13912345670", "代登记居民", world.home.id, utcnow())
    db.session.commit()
    client = f.logged_in(app, world.resident)
    refused_everywhere(lambda phone: client.post("/me/profile/phone", data={
        "phone": phone, "current_password": f.PASSWORD}), "phone", ["13912345670", world.staff.phone])


# --- activity create / edit ---------------------------------------------------------------------

def activity_form(**changes) -> dict:
    start = utcnow() + timedelta(days=7)
    return {
        "title": "重阳节敬老活动", "place": "社区活动室", "capacity": "20", "audience": "all",
        "description": "陪老人聊天", "starts_at": local_input(start),
        "ends_at": local_input(start + timedelta(hours=2)), "signup_deadline": "", **changes,
    }


ACTIVITY_REFUSED = {
    "title": ["", "   ", LONG, "长" * 81, *CONTROL.values()],
    "place": ["", LONG, "长" * 81, *CONTROL.values()],
    "description": [LONG, *CONTROL.values()],
    "starts_at": ["", *BAD_DATES, *ABSURD_DATES],
    "ends_at": ["", *BAD_DATES, *ABSURD_DATES],
    "signup_deadline": [*BAD_DATES, *ABSURD_DATES, "2099-01-01T10:00"],
    "capacity": ["abc", "-5", "0", "1.5", "1e3", HUGE, str(-(10**20)), LONG_DIGITS, SCRIPT, SQL, "100001"],
    "audience": ["", "nobody", SCRIPT, SQL, LONG],
}


def activity_urls(world) -> dict[str, str]:
    return {"create": f"/teams/{world.team.id}/activities/new",
            "edit": f"/activities/{world.activity.id}/edit"}


@pytest.mark.parametrize("route", ["create", "edit"])
@pytest.mark.parametrize("field", ACTIVITY_REFUSED)
def test_activity_form_refuses(app, world, staff_client, route, field):
    url = activity_urls(world)[route]
    refused_everywhere(lambda value: staff_client.post(url, data=activity_form(**{field: value})),
                       field, ACTIVITY_REFUSED[field], echo=field != "audience")


def test_a_new_activity_cannot_start_in_the_past(app, world, staff_client):
    url = activity_urls(world)["create"]
    refused_everywhere(lambda value: staff_client.post(url, data=activity_form(starts_at=value)),
                       "starts_at", ["2020-01-01T10:00", local_input(utcnow() - timedelta(minutes=5))])


@pytest.mark.parametrize("route", ["create", "edit"])
def test_activity_form_echoes_hostile_text_safely(app, world, staff_client, route):
    """Markup and SQL are legal text; with another field wrong they come back escaped, unsaved."""
    before = db_state()
    for value in [SCRIPT, SQL, QUOTES, EMOJI]:
        typed = activity_form(title=value, place=value, description=value, capacity="abc")
        response = staff_client.post(activity_urls(world)[route], data=typed)
        assert_refused(response, "capacity", "abc")
        form = read_form(text(response))
        assert form.values["title"] == form.values["place"] == form.values["description"] == value
        assert str(escape(value)) in text(response)
    assert db_state() == before


def test_activity_stores_hostile_text_verbatim(app, world, staff_client):
    for value in [SCRIPT, SQL, QUOTES, EMOJI, "%FF%FE", "第一行\r\n第二行"]:
        response = staff_client.post(activity_urls(world)["create"],
                                     data=activity_form(title=value, place=value, description=value))
        assert response.status_code == 303, value
        db.session.rollback()
        saved = db.session.scalars(select(Activity).order_by(Activity.id.desc())).first()
        assert (saved.title, saved.place, saved.description) == (value, value, value)
        page = text(staff_client.get(response.headers["Location"]))
        assert str(escape(value)) in page
        assert SCRIPT not in page and "<img src=x" not in page


def test_bytes_that_are_not_utf8(app, world, staff_client):
    url = activity_urls(world)["create"]
    before = db_state()
    # Raw bytes that do not decode: the body is not read at all, so the form is empty.
    response = staff_client.post(url, data=b"title=\xff\xfe&place=\xc3\x28",
                                 content_type="application/x-www-form-urlencoded")
    assert_refused(response, "title", "")
    # Percent-escapes that do not decode are kept as the literal text.
    body = "&".join(f"{k}={quote(v)}" for k, v in activity_form(title="x", capacity="abc").items())
    response = staff_client.post(url, data=body.replace("title=x", "title=%FF%FE%C3%28"),
                                 content_type="application/x-www-form-urlencoded")
    assert_refused(response, "capacity", "abc")
    assert read_form(text(response)).values["title"] == "%FF%FE%C3("
    assert db_state() == before


JSON_BODIES = [
    {"title": {"a": 1}}, {"title": 5}, {"title": True}, {"title": None}, {"title": ["a", "b"]},
    {"capacity": [1, 2]}, {"capacity": 5.5}, {"starts_at": 12345}, {"audience": 1}, {"description": {"x": 1}},
]


def test_json_bodies_are_not_read_as_forms(app, world, staff_client):
    """The forms take browser form fields only: JSON values of any type never reach a field."""
    before = db_state()
    url = activity_urls(world)["create"]
    for change in JSON_BODIES:
        response = staff_client.post(url, json=activity_form(**change))
        assert_refused(response, "title", "")
    for body in ([1, 2], "x", 5, None):
        response = app.test_client().post("/login", json=body)
        assert_refused(response, "phone", "")
    response = app.test_client().post("/login", data="{not json", content_type="application/json")
    assert_refused(response, "phone", "")
    assert db_state() == before


def test_uploaded_files_are_not_read_as_form_fields(app, world, staff_client):
    before = db_state()
    data = {**activity_form(), "title": (io.BytesIO(b"<script>alert(1)</script>"), "title.txt")}
    response = staff_client.post(activity_urls(world)["create"], data=data, content_type="multipart/form-data")
    assert_refused(response, "title", "")
    # The text fields of a multipart form still count.
    assert read_form(text(response)).values["place"] == "社区活动室"
    assert db_state() == before


# --- team create / edit -------------------------------------------------------------------------

TEAM_REFUSED = {
    "name": ["", "   ", LONG, "长" * 61, *CONTROL.values()],
    "kind": ["", "nobody", SCRIPT, SQL, LONG],
    "description": [LONG, *CONTROL.values()],
}


def team_urls(world) -> dict[str, str]:
    return {"create": "/teams/new", "edit": f"/teams/{world.team.id}/edit"}


@pytest.mark.parametrize("route", ["create", "edit"])
@pytest.mark.parametrize("field", TEAM_REFUSED)
def test_team_form_refuses(app, world, staff_client, route, field):
    url = team_urls(world)[route]
    refused_everywhere(
        lambda value: staff_client.post(url, data={
            "name": "环保志愿队", "kind": "environment", "description": "垃圾分类", field: value}),
        field, TEAM_REFUSED[field], echo=field != "kind",
    )


def test_team_stores_hostile_text_verbatim(app, world, staff_client):
    for value in [SCRIPT, SQL, QUOTES, EMOJI]:
        response = staff_client.post("/teams/new", data={"name": value, "kind": "other", "description": value})
        assert response.status_code == 303, value
        db.session.rollback()
        saved = db.session.scalars(select(Team).order_by(Team.id.desc())).first()
        assert (saved.name, saved.description) == (value, value)
        page = text(staff_client.get(response.headers["Location"]))
        assert str(escape(value)) in page and SCRIPT not in page


# --- leaders ------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", ["add", "remove"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_leader_form_refuses(app, world, staff_client, change, headers):
    def post(phone):
        response = staff_client.post(f"/teams/{world.team.id}/leaders/{change}", data={"phone": phone},
                                     headers=headers)
        assert ("<html" in text(response)) is not bool(headers)
        return response

    # The last one is well formed but nobody in this community registered it.
    refused_everywhere(post, "phone", [*BAD_PHONES, "13800000000"])


def test_removing_someone_who_is_not_a_leader_is_refused(app, world, staff_client):
    before = db_state()
    response = staff_client.post(f"/teams/{world.team.id}/leaders/remove",
                                 data={"phone": world.resident.phone})
    assert_refused(response, "phone", world.resident.phone)
    assert "不是本队队长" in text(response)
    assert db_state() == before


# --- ids in URLs --------------------------------------------------------------------------------

BAD_IDS = ["abc", "-1", "0", "1.5", "1e3", "%00", "%FF", "%3Cscript%3E", "99999999999999999999",
           "2147483648", "9223372036854775807", "9223372036854775808", "1" * 400]
ID_ROUTES = [
    ("POST", "/activities/{}/signup"), ("POST", "/activities/{}/withdraw"),
    ("POST", "/activities/{}/cancel"), ("POST", "/activities/{}/edit"), ("GET", "/activities/{}/edit"),
    ("GET", "/activities/{}"), ("POST", "/teams/{}/apply"), ("POST", "/teams/{}/leave"),
    ("POST", "/teams/memberships/{}/approve"), ("POST", "/teams/memberships/{}/decline"),
    ("POST", "/teams/{}/edit"), ("POST", "/teams/{}/leaders/add"), ("POST", "/teams/{}/activities/new"),
    ("GET", "/teams/{}"), ("GET", "/calendar/teams/{}.ics"), ("GET", "/calendar/community/{}.ics"),
    ("GET", "/people/{}"), ("POST", "/people/{}/code/open"), ("POST", "/people/{}/code/reset"),
    ("GET", "/me/messages/{}"), ("POST", "/activities/{}/calls/1/done"), ("POST", "/activities/1/calls/{}/done"),
    ("POST", "/notices/{}/calls/1/done"), ("POST", "/notices/1/calls/{}/done"),
]


@pytest.mark.parametrize(("method", "pattern"), ID_ROUTES, ids=[f"{m}{p}" for m, p in ID_ROUTES])
def test_bad_ids_are_not_found(app, world, staff_client, method, pattern):
    before = db_state()
    for bad_id in BAD_IDS:
        url = pattern.format(bad_id)
        response = staff_client.open(url, method=method, data=activity_form(phone=world.resident.phone))
        assert response.status_code == 404, (url, response.status_code)
        assert "找不到这个页面" in text(response)
        response = staff_client.open(url, method=method, headers=HX)
        assert response.status_code == 404, (url, response.status_code)
        assert "找不到这个页面" in text(response) and "<html" not in text(response)
    assert db_state() == before


def test_the_decision_in_the_url_must_be_approve_or_decline(app, world, staff_client):
    application = Membership(team_id=world.team.id, user_id=world.resident.id)
    db.session.add(application)
    db.session.commit()
    before = db_state()
    for decision in ("APPROVE", "approve%00", "delete", SQL, "approve/"):
        response = staff_client.post(f"/teams/memberships/{application.id}/{quote(decision)}")
        assert response.status_code in (404, 308), decision
    assert db_state() == before


# --- the list filter (GET form) -----------------------------------------------------------------

LIST_QUERIES = ["on_date=2026-13-45", "on_date=0001-01-01", "on_date=9999-12-31", f"on_date={quote(SCRIPT)}",
                f"kind={quote(SCRIPT)}", f"kind={quote(SQL)}", "when=yesterday", f"when={'x' * 10_000}",
                "page=abc", "page=-5", "page=0", f"page={HUGE}", "page=9223372036854775807",
                f"on_date=%00&kind=%FF&when={quote(EMOJI)}"]


def test_list_filter_survives_hostile_queries(app, world):
    client = app.test_client()
    for query in LIST_QUERIES:
        for headers in ({}, HX):
            response = client.get(f"/?{query}", headers=headers)
            assert response.status_code == 200, (query, response.status_code)
            body = text(response)
            assert has_chinese(body)
            assert SCRIPT not in body


def test_impossible_filter_dates_fall_back_with_a_note(app, world):
    for day in ("2026-13-45", "0001-01-01", "9999-12-31"):
        body = text(app.test_client().get(f"/?on_date={day}", headers=HX))
        assert "日期格式不对，已显示全部近期活动" in body, day
        assert "周末清洁家园" in body


# --- markup stored in the database is shown as text everywhere --------------------------------

def test_markup_in_titles_is_escaped_on_every_page_and_plain_text_in_calendars(app, world):
    team = f.team(world.home, name=f"{SCRIPT}队")
    activity = f.activity(team, title=SCRIPT, description=QUOTES)
    activity.place = SQL
    db.session.commit()
    client = app.test_client()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in ("/", f"/activities/{activity.id}", f"/teams/{team.id}", "/teams"):
        body = text(client.get(url))
        assert escaped in body, url
        assert SCRIPT not in body, url
        assert "<img src=x" not in body, url
    assert str(escape(QUOTES)) in text(client.get(f"/activities/{activity.id}"))

    for url in (f"/calendar/teams/{team.id}.ics", f"/calendar/community/{world.home.id}.ics"):
        response = client.get(url)
        assert response.mimetype == "text/calendar"
        assert escaped not in text(response)  # iCalendar is not HTML: no entities
        events = {str(e["UID"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}
        event = events[f"activity-{activity.id}@{app.config['ICAL_UID_DOMAIN']}"]
        assert str(event["SUMMARY"]) == f"{SCRIPT}（{SCRIPT}队）"
        assert str(event["DESCRIPTION"]) == QUOTES
        assert str(event["LOCATION"]) == SQL


def test_line_breaks_in_a_title_cannot_forge_calendar_events(app, world):
    forged = "正常活动\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged@evil\r\nSUMMARY:假活动;,\\"
    activity = f.activity(world.team, title=forged[:80])
    response = app.test_client().get(f"/calendar/teams/{world.team.id}.ics")
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"activity-{a}@{app.config['ICAL_UID_DOMAIN']}" for a in (world.activity.id, activity.id))
    summaries = [str(e["SUMMARY"]) for e in events]
    assert f"{forged[:80]}（青年志愿服务队）".replace("\r\n", "\n") in summaries


# --- the 街道 administrator ----------------------------------------------------------------------

@pytest.fixture
def admin_world(app, world):
    """An administrator of the 街道 of 幸福里, logged in."""
    from shequ_volunteer.communities.models import Street

    street = Street(name="东湖街道")
    db.session.add(street)
    db.session.commit()
    world.home.street_id = street.id
    db.session.commit()
    client = f.logged_in(app, f.admin(street))
    return SimpleNamespace(client=client, street=street)


COMMUNITY_REFUSED = {
    "name": ["", "   ", LONG, "长" * 61, *CONTROL.values()],
    "address": [LONG, "长" * 121, *CONTROL.values()],
    "hotline": [LONG, "1" * 21, *CONTROL.values()],
}


@pytest.mark.parametrize("field", COMMUNITY_REFUSED)
@pytest.mark.parametrize("which", ["new", "existing"])
def test_community_form_refuses(app, world, admin_world, field, which):
    url = "/admin/communities/new" if which == "new" else f"/admin/communities/{world.home.id}"
    form = {"name": "新社区", "address": "湖滨路1号", "hotline": "027-1234"}
    refused_everywhere(lambda value: admin_world.client.post(url, data={**form, field: value}), field,
                       COMMUNITY_REFUSED[field])


def test_street_form_refuses(app, world):
    client = f.logged_in(app, f.admin())
    refused_everywhere(lambda value: client.post("/admin/street", data={"name": value}), "name",
                       ["", "   ", LONG, "长" * 61, *CONTROL.values()])


@pytest.mark.parametrize("url", ["/admin/viewers/add", "/admin/viewers/remove", "/admin/communities/{}/staff/add",
                                 "/admin/communities/{}/staff/remove"])
def test_appointment_forms_refuse_bad_and_unknown_phones(app, world, admin_world, url):
    refused_everywhere(lambda value: admin_world.client.post(url.format(world.home.id), data={"phone": value}),
                       "phone", [*BAD_PHONES, "13800000000"])


@pytest.mark.parametrize("text_value", [SCRIPT, QUOTES, SQL, EMOJI])
def test_community_names_that_look_hostile_are_stored_verbatim_and_shown_as_text(app, world, admin_world,
                                                                                 text_value):
    response = admin_world.client.post("/admin/communities/new", data={"name": text_value, "address": text_value})
    assert response.status_code == 303
    body = text(admin_world.client.get("/admin"))
    assert str(escape(text_value)) in body and (text_value == escape(text_value) or text_value not in body)


# --- people and one-time codes ------------------------------------------------------------------

# NUL is taken out of every query string before a view reads it (web/parameters.py): "张\x00三" is a search
# for 张三. Every other control character reaches the form, which refuses it.
SEARCH_REFUSED = [LONG, "长" * 21, *(value for kind, value in CONTROL.items() if kind != "nul")]


def test_people_search_refuses_what_no_name_or_phone_holds(app, world, staff_client):
    for value in SEARCH_REFUSED:
        for headers in ({}, HX):
            response = staff_client.get(f"/people?q={quote(value)}", headers=headers)
            assert response.status_code == 422, (value[:20], response.status_code)
            assert "李阿姨" not in text(response)
        body = text(staff_client.get(f"/people?q={quote(value)}"))
        assert has_chinese(read_form(body).messages["q"]) and read_form(body).invalid["q"] == "true"


@pytest.mark.parametrize("query", [SQL, "<i>x</i>", "\"'><b>", EMOJI, "%", "_", "\\", "%25", "page=abc"])
def test_people_search_takes_odd_text_literally(app, world, staff_client, query):
    response = staff_client.get(f"/people?q={quote(query)}")
    assert response.status_code == 200
    assert "李阿姨" not in text(response)  # `%` and `_` match themselves, not every name
    assert read_form(text(response)).values["q"] == query
    assert "<i>x</i>" not in text(response) and "<b>" not in text(response)


@pytest.mark.parametrize("page", ["abc", "-5", "0", HUGE, "9223372036854775807", "%00"])
def test_people_pages_survive_hostile_page_numbers(app, world, staff_client, page):
    response = staff_client.get(f"/people?page={page}")
    assert response.status_code == 200


@pytest.fixture
def coded(app, world):
    """李阿姨 was given a reset code by staff, and 赵大爷 (another phone) one of his own."""
    from shequ_volunteer.accounts.actor import actor_for
    from shequ_volunteer.people.services import issue_code

    other = f.user(world.home, name="赵大爷")
    key = app.config["SECRET_KEY"]
    mine = issue_code(actor_for(world.staff), world.resident, "reset", False, utcnow(), key)
    theirs = issue_code(actor_for(world.staff), other, "reset", False, utcnow(), key)
    db.session.commit()
    return SimpleNamespace(code=mine.code, other=other, other_code=theirs.code)


def code_form(world, coded, **changes) -> dict:
    return {"phone": world.resident.phone, "code": coded.code, "password": "new-pass-2026",
            "password_again": "new-pass-2026", **changes}


CODE_FORM_REFUSED = {
    "phone": BAD_PHONES,
    "code": ["", "   ", LONG, LONG_DIGITS, "1234567", "123456789", "abcdefgh", "1234-5678", SCRIPT, SQL, EMOJI,
             "١٢٣٤٥٦٧٨", *CONTROL.values()],
    "password": ["", "short", LONG],
    "password_again": ["", "another-pass-1"],
}


@pytest.mark.parametrize("field", CODE_FORM_REFUSED)
def test_code_form_refuses_before_counting(app, world, coded, field):
    """Malformed input is refused by the form: no wrong-code count, no password, nobody logged in."""
    client = app.test_client()
    refused_everywhere(lambda value: client.post("/account/code", data=code_form(world, coded, **{field: value})),
                       field, CODE_FORM_REFUSED[field], echo=field in ("phone", "code"))
    assert client.get("/me/activities").status_code == 302


def wrong_code_writes_only_counts(client, data: dict) -> None:
    before = db_state()
    response = client.post("/account/code", data=data)
    assert_refused(response, "code", data["code"])
    assert "验证码不对或已过期" in read_form(text(response)).messages["code"]
    after = db_state()
    changed = {table for table in after if after[table] != before[table]}
    assert changed <= {"login_failures", "one_time_codes"}
    assert len(after["login_failures"]) == len(before["login_failures"]) + 2  # per phone, per address
    assert client.get("/me/activities").status_code == 302


def test_a_phone_with_an_account_but_no_code(app, world, coded):
    wrong_code_writes_only_counts(app.test_client(), code_form(world, coded, phone=world.staff.phone))


def test_the_code_of_another_phone(app, world, coded):
    wrong_code_writes_only_counts(app.test_client(), code_form(world, coded, code=coded.other_code))


def test_an_expired_code(app, world, coded):
    from shequ_volunteer.accounts.models import OneTimeCode

    db.session.execute(OneTimeCode.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    wrong_code_writes_only_counts(app.test_client(), code_form(world, coded))


# --- 公告 and the team's work group ---------------------------------------------------------------

NOTICE_REFUSED = {
    "title": ["", "   ", LONG, "长" * 61, *CONTROL.values()],
    "body": ["", LONG, "长" * 2001, *CONTROL.values()],
    "expires_on": ["abc", "2026-02-30", "0001-01-01", "9999-12-31", SCRIPT, LONG],  # and yesterday (below)
}


def notice_urls(world) -> dict[str, str]:
    return {"community": "/notices/new", "team": f"/teams/{world.team.id}/notices/new",
            "activity": f"/activities/{world.activity.id}/notices/new"}


@pytest.mark.parametrize("route", ["community", "team", "activity"])
@pytest.mark.parametrize("field", NOTICE_REFUSED)
def test_notice_form_refuses(app, world, staff_client, route, field):
    url = notice_urls(world)[route]
    yesterday = [(f.beijing_today() - timedelta(days=1)).isoformat()] if field == "expires_on" else []
    refused_everywhere(
        lambda value: staff_client.post(url, data={"title": "停水通知", "body": "明天停水", field: value}),
        field, NOTICE_REFUSED[field] + yesterday, echo=field != "expires_on",
    )


def test_notice_stores_hostile_text_verbatim_and_shows_it_escaped(app, world, staff_client):
    for value in [SCRIPT, SQL, QUOTES, EMOJI]:
        response = staff_client.post("/notices/new", data={"title": value[:60], "body": value})
        assert response.status_code == 303, value
        db.session.rollback()
        saved = db.session.scalars(select(Notice).order_by(Notice.id.desc())).first()
        assert (saved.title, saved.body) == (value[:60], value)
        for page in (text(staff_client.get(response.headers["Location"])), text(app.test_client().get("/"))):
            assert SCRIPT not in page and "<img src=x" not in page


WEBHOOK_REFUSED = ["", "   ", LONG, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
                   "https://evil.example/cgi-bin/webhook/send?key=1", "javascript:alert(1)", SCRIPT, SQL,
                   "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1\x00", "http://127.0.0.1:9/send?key=1",
                   *CONTROL.values()]


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_work_group_form_refuses(app, world, staff_client, headers):
    refused_everywhere(lambda value: staff_client.post(f"/teams/{world.team.id}/work-group",
                                                       data={"webhook_url": value}, headers=headers),
                       "webhook_url", WEBHOOK_REFUSED)


# --- 我的消息 ---------------------------------------------------------------------------------------

MESSAGE_KINDS_REFUSED = ["activity_cancelled", "no_such_kind", SCRIPT, SQL, LONG, EMOJI, *CONTROL.values()]


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_message_switches_refuse_unknown_and_unswitchable_kinds(app, world, headers):
    client = f.logged_in(app, world.resident)
    before = db_state()
    for value in MESSAGE_KINDS_REFUSED:
        response = client.post("/me/profile/messages", data={"kept_on": ["notice", value]}, headers=headers)
        body = text(response)
        assert response.status_code == 422, value[:40]
        assert "请从列出的选项中选择" in body and SCRIPT not in body and "<img src=x" not in body
    assert db_state() == before


def test_the_inbox_survives_hostile_pages(app, world):
    client = f.logged_in(app, world.resident)
    for query in ["page=abc", "page=-5", "page=0", f"page={HUGE}", "page=9223372036854775807", f"page={LONG}",
                  f"page={quote(SCRIPT)}", "page=%00"]:
        response = client.get(f"/me/messages?{query}")
        assert response.status_code == 200, query
        assert "我的消息" in text(response) and SCRIPT not in text(response)


# --- every GET parameter, on both databases (PostgreSQL refuses NUL in text: no query may see one) --------

QUERY_NAMES = ["q", "phone", "page", "person", "kind", "week", "code", "next", "from", "on_date", "when", "month",
               "quarter", "year", "start", "end", "asof", "value", "sheet", "column_0", "column_1"]
QUERY_VALUES = ["a\x00b", "\x00", "13812345678\x00", "张\x1b[2J三", "\x7f\x9b", "%FF%FE", "%ED%A0%80",
                HUGE, "-1", "0001-01-01", "9999-12-31", "2026-W99", "2026-Q9"]


def every_get_url(app, world, household_id: int, token: str = "x") -> list[str]:
    """Each GET route of the app once, its ids those of `world` (the staff's own community)."""
    ids = {"activity_id": world.activity.id, "team_id": world.team.id, "community_id": world.home.id,
           "household_id": household_id, "user_id": world.resident.id, "scope_id": world.team.id, "token": token}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {name: ids.get(name, "x") for name in rule.arguments}
        for name, converter in rule._converters.items():
            if name not in ids and hasattr(converter, "items"):  # any(...): its first choice
                values[name] = sorted(converter.items)[0]
            elif name not in ids and isinstance(converter, IntegerConverter):  # an id of nothing in `world`
                values[name] = 1
        with app.test_request_context():
            from flask import url_for
            urls.append(url_for(rule.endpoint, **values, _external=False))
    return sorted(set(urls))


def test_every_get_parameter_survives_nul_and_control_characters(app, world, staff_client):
    household = f.household(world.home)
    before = db_state()
    urls = every_get_url(app, world, household.id, import_token(app, world))
    assert len(urls) > 40
    for value in QUERY_VALUES:
        encoded = value if value.startswith("%") else quote(value)
        query = "&".join(f"{name}={encoded}" for name in QUERY_NAMES) + f"&{encoded}=x"
        for url in urls:
            response = staff_client.get(f"{url}?{query}")
            assert response.status_code < 500, (url, value, response.status_code)
    assert {k: v for k, v in db_state().items() if k != "household_access"} == \
        {k: v for k, v in before.items() if k != "household_access"}


@pytest.mark.parametrize("url", ["/calendar/links?phone=a%00b", "/activities/{activity}/on-behalf?q=a%00b",
                                 "/people?q=%E5%BC%A0%00%E4%B8%89", "/audit?kind=a%00b&person=1%00",
                                 "/rooms?week=2026-01-05%00", "/?kind=%00&on_date=%00"])
def test_nul_in_a_query_string_is_taken_out(app, world, staff_client, url):
    f.member(world.team, world.staff, leader=True)
    for headers in ({}, HX):
        response = staff_client.get(url.format(activity=world.activity.id), headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        assert "\x00" not in text(response)


@pytest.mark.parametrize("path", ["/verify/AB%00CD", "/reports/certificates/AB%00CD", "/reports/records/a%00b",
                                  "/calendar/me/a%00b.ics", "/calendar/team-live/a%00b.ics"])
def test_nul_in_a_path_names_nothing(app, world, staff_client, path):
    assert staff_client.get(path).status_code == 404


# --- 导入: the upload form, file names, tokens, the sheet and the mapping ------------------------------

RESIDENT_CSV = "姓名,手机号\n李导入,13700000009\n".encode("gbk")


def import_token(app, world, file_name: str = "名单.csv") -> str:
    return uploads.save(uploads.folder_of(app), io.BytesIO(RESIDENT_CSV), user_id=world.staff.id,
                        community_id=world.home.id, kind="residents", file_name=file_name, now=utcnow()).token


def upload_as(client, kind: str, file_name: str = "名单.csv"):
    return client.post("/imports", data={"kind": kind, "file": (io.BytesIO(RESIDENT_CSV), file_name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("kind", ["", "nobody", SCRIPT, SQL, LONG, *CONTROL.values()])
def test_import_upload_refuses_unknown_kinds(app, world, staff_client, kind):
    before = db_state()
    response = upload_as(staff_client, kind)
    assert response.status_code == 422 and has_chinese(read_form(text(response)).messages["kind"])
    assert SCRIPT not in text(response) and db_state() == before


@pytest.mark.parametrize("file_name", ["../../../instance/secret_key.csv", "..\\..\\名单.csv", "名单\x00.csv",
                                       SCRIPT + ".csv", "长" * 300 + ".csv", ".csv", "\u202e名单vsc.csv"])
def test_import_file_names_are_only_shown_never_used_as_paths(app, world, staff_client, tmp_path, file_name):
    app.config["IMPORT_FOLDER"] = str(tmp_path)
    response = upload_as(staff_client, "residents", file_name)
    assert response.status_code == 303, text(response)[:500]
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"{token}.json", f"{token}.upload"]
    page = staff_client.get(f"/imports/{token}")
    assert page.status_code == 200 and "李导入" in text(page) and SCRIPT not in text(page)


@pytest.mark.parametrize("path", ["/imports/x", "/imports/" + "A" * 23, "/imports/" + "A" * 25, "/imports/%00",
                                  "/imports/" + "A" * 23 + "%00", "/imports/..%2F..%2Fsecret_key",
                                  "/imports/" + "A" * 24 + "/done", "/imports/" + "A" * 24 + "/problems.xlsx"])
def test_import_tokens_that_name_no_upload_are_not_found(app, world, staff_client, path):
    assert staff_client.get(path).status_code == 404
    assert staff_client.post(path.removesuffix("/done") + "/confirm").status_code == 404


@pytest.mark.parametrize("query", [{"column_0": SCRIPT}, {"column_999": "phone"}, {"column_-1": "phone"},
                                   {"column_0": "phone", "column_1": "phone"}, {"column_0": "name", "column_1": ""},
                                   {"sheet": SCRIPT}, {"sheet": LONG}, {"sheet": "张\x00三"}, {"column_0": LONG}])
def test_import_preview_and_confirm_take_a_hostile_sheet_or_mapping_calmly(app, world, staff_client, query):
    token = import_token(app, world)
    before = db_state()
    page = staff_client.get(f"/imports/{token}", query_string=query)
    assert page.status_code in (200, 422) and SCRIPT not in text(page), (query, page.status_code)
    response = staff_client.post(f"/imports/{token}/confirm", data=query)
    assert response.status_code == 303
    if query in ({"column_0": "name", "column_1": ""},):  # the phone ignored: refused, back to the preview
        assert f"/imports/{token}" in response.headers["Location"] and db_state() == before


# --- 更正 / 删除 of a visit log --------------------------------------------------------------------------

@pytest.fixture
def logged_visit(world):
    household = f.household(world.home)
    pairing = f.pairing(household, world.staff, helpers=[world.resident])
    return f.visit(pairing, world.resident, f.days_ago(1), note="一切正常")


def visit_correction(**changes) -> dict:
    return {"way": "phone", "visited_on": f.beijing_today().isoformat(), "duration_minutes": "40", "note": "改过",
            **changes}


VISIT_DATES_REFUSED = ["abc", "2026-13-45", "0001-01-01", "9999-12-31", SCRIPT, SQL, LONG, *CONTROL.values()]
DURATIONS_REFUSED = ["abc", "-5", "0", "601", HUGE, LONG_DIGITS, SCRIPT, SQL, EMOJI]


def but_the_access_log(state: dict) -> dict:
    """Everything but household_access: a refused form about a household still showed it, and that is logged."""
    return {name: rows for name, rows in state.items() if name != "household_access"}


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_visit_correction_refuses_and_keeps_what_was_typed(app, world, staff_client, logged_visit, headers):
    url, before = f"/visits/{logged_visit.id}/edit", db_state()
    for field, values, echo in [("visited_on", VISIT_DATES_REFUSED, False),  # a date input shows only what parses
                                ("duration_minutes", DURATIONS_REFUSED, True), ("note", [LONG], False)]:
        for value in values:
            response = staff_client.post(url, data=visit_correction(**{field: value}), headers=headers)
            try:
                assert_refused(response, field, value, echo=echo)
            except AssertionError as error:
                raise AssertionError(f"{field}={value[:40]!r}: {error}") from error
    assert but_the_access_log(db_state()) == but_the_access_log(before)


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_the_visitors_week_running_out_is_said_and_keeps_what_was_typed(app, world, logged_visit, headers):
    """The visitor opened 更正 on the seventh day and sends it on the eighth: told why, above the form, with what
    they typed still there; the same for 删除, before any 'are you sure'. Nothing changes. (Before, both were 404.)"""
    visit_id = logged_visit.id
    logged_visit.created_at = utcnow() - timedelta(days=8)  # logged 8 days ago: past rules.OWN_FIX_DAYS
    db.session.commit()
    before, visitor = db_state(), f.logged_in(app, world.resident)
    typed = visit_correction(note="我填了很久的情况说明", duration_minutes="45",
                             visited_on=to_local(logged_visit.created_at).date().isoformat())
    response = visitor.post(f"/visits/{visit_id}/edit", data=typed, headers=headers)
    body, form = text(response), read_form(text(response))
    assert response.status_code == 409 and "超过7天" in body and "社区工作人员" in body, body[:600]
    assert form.values["note"] == typed["note"] and form.values["duration_minutes"] == "45", form.values
    for deletion in [{"reason": "duplicate"}, {"reason": "duplicate", "confirmed": "1"}]:
        response = visitor.post(f"/visits/{visit_id}/delete", data=deletion, headers=headers)
        assert response.status_code == 409 and "超过7天" in text(response), text(response)[:600]
        assert "确定删除" not in text(response)
    opened = visitor.get(f"/visits/{visit_id}/edit", headers=headers)  # a stale link: the reason, no form
    assert opened.status_code == 409 and "超过7天" in text(opened) and 'name="note"' not in text(opened)
    assert but_the_access_log(db_state()) == but_the_access_log(before)
    assert f.logged_in(app, world.staff).post(f"/visits/{visit_id}/edit", data=typed).status_code == 303  # staff may


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_visit_deletion_refuses_an_unlisted_reason(app, world, staff_client, logged_visit, headers):
    before = db_state()
    for value in ["", "nobody", SCRIPT, SQL, LONG, EMOJI, *CONTROL.values()]:
        response = staff_client.post(f"/visits/{logged_visit.id}/delete", data={"reason": value, "confirmed": "1"},
                                     headers=headers)
        body = text(response)
        assert response.status_code == 422, (value[:40], body[:400])
        form = read_form(body)
        assert has_chinese(form.messages.get("reason", "")) and form.invalid["reason-0"] == "true", value[:40]
        assert SCRIPT not in body and "<img src=x" not in body
    assert but_the_access_log(db_state()) == but_the_access_log(before)
