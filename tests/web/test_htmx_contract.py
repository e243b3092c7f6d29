"""The htmx contract: pages vs fragments, POST answers for forms and htmx, status codes, login throttle."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import LoginFailure
from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f
from tests.conftest import make_app

from .helpers import HX, HX_BOOSTED, read_form, row_count, text


@pytest.fixture
def world(app):
    home = f.community()
    team = f.team(home, name="青年志愿服务队")
    leader = f.user(home, name="队长")
    f.member(team, leader, leader=True)
    return SimpleNamespace(
        home=home, team=team, leader=leader,
        resident=f.user(home, name="李阿姨"),
        neighbour=f.user(home, name="王大爷"),
        activity=f.activity(team, title="周末清洁家园", capacity=10),
    )


def varies_on_hx_request(response) -> bool:
    return "hx-request" in {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


# --- full page, fragment, boosted ---------------------------------------------------------------

PAGES = {
    # name: (url, the block's root element, something only the full page has)
    "activity": (lambda w: f"/activities/{w.activity.id}", '<section id="signup-panel"', "<h1>周末清洁家园</h1>"),
    "team": (lambda w: f"/teams/{w.team.id}", '<section id="membership-panel"', "<h1>青年志愿服务队</h1>"),
    "list": (lambda w: "/", '<section id="activity-list"', "<h1>近期活动</h1>"),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_full_page_fragment_and_boosted(app, world, page, who):
    url, block, page_only = PAGES[page]
    client = app.test_client() if who == "anonymous" else f.logged_in(app, world.resident)

    full = client.get(url(world))
    assert full.status_code == 200
    assert text(full).startswith("<!doctype html>") and "</html>" in text(full)
    assert block in text(full) and page_only in text(full)
    assert varies_on_hx_request(full)

    fragment = client.get(url(world), headers=HX)
    assert fragment.status_code == 200
    body = text(fragment).strip()
    assert body.startswith(block) and body.endswith("</section>")
    for page_part in ("<html", "<head", "<body", "<footer", page_only):
        assert page_part not in body
    assert varies_on_hx_request(fragment)

    boosted = client.get(url(world), headers=HX_BOOSTED)
    assert boosted.status_code == 200
    # CSRF tokens carry a timestamp, so they differ when the two requests straddle a second.
    assert without_tokens(text(boosted)) == without_tokens(text(full))
    assert varies_on_hx_request(boosted)


def test_list_filter_fragment_keeps_only_matching_activities(app, world):
    other = f.team(world.home, name="巡逻队", kind="patrol")
    f.activity(other, title="夜间巡逻")
    body = text(app.test_client().get("/?kind=patrol", headers=HX))
    assert "夜间巡逻" in body and "周末清洁家园" not in body
    assert "<html" not in body


# --- sign-up POSTs ------------------------------------------------------------------------------

def test_signup_without_htmx_redirects_to_the_activity(app, world):
    client = f.logged_in(app, world.resident)
    url = f"/activities/{world.activity.id}"
    response = client.post(f"{url}/signup")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == url
    page = text(client.get(url))
    assert "报名成功" in page and "✓ 您已报名" in page


def test_signup_with_htmx_returns_the_panel(app, world):
    client = f.logged_in(app, world.resident)
    response = client.post(f"/activities/{world.activity.id}/signup", headers=HX)
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith('<section id="signup-panel"') and "<html" not in body
    assert '<p class="alert alert-ok" role="status">报名成功</p>' in body
    assert "✓ 您已报名" in body and "剩余 9 / 10 个名额" in body
    assert "取消报名" in body  # the withdraw button replaced the sign-up button


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_signing_up_twice_says_already_signed_up(app, world, headers):
    client = f.logged_in(app, world.resident)
    url = f"/activities/{world.activity.id}/signup"
    assert client.post(url, headers=headers).status_code in (200, 303)
    again = client.post(url, headers=headers)
    assert again.status_code == 409
    assert '<p class="alert alert-error" role="status">您已报名</p>' in text(again)
    assert ("<html" in text(again)) is not bool(headers)
    db.session.rollback()
    assert db.session.get(Activity, world.activity.id).seats_taken == 1
    assert row_count(Signup) == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_full_activity_says_full(app, world, headers):
    tiny = f.activity(world.team, title="小班课", capacity=1, waitlist_enabled=False)
    url = f"/activities/{tiny.id}/signup"
    assert f.logged_in(app, world.neighbour).post(url).status_code == 303
    response = f.logged_in(app, world.resident).post(url, headers=headers)
    assert response.status_code == 409
    assert '<p class="alert alert-error" role="status">已满</p>' in text(response)
    assert ("<html" in text(response)) is not bool(headers)
    db.session.rollback()
    assert db.session.get(Activity, tiny.id).seats_taken == 1
    assert db.session.scalar(select(Signup.user_id).where(Signup.activity_id == tiny.id)) == world.neighbour.id
    assert row_count(Signup) == 1


def without_tokens(body: str) -> str:
    return re.sub(r'(csrf_token" value="|"X-CSRFToken": ")[^"]+', r"\1…", body)


# --- invalid activity form ----------------------------------------------------------------------

def test_invalid_activity_form_shows_messages_by_the_fields_and_keeps_the_input(app, world):
    client = f.logged_in(app, world.leader)
    start = to_local(utcnow() + timedelta(days=3)).replace(tzinfo=None)
    typed = {
        "title": "",
        "place": "文化广场东侧",
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": f"{start - timedelta(hours=1):%Y-%m-%dT%H:%M}",
        "capacity": "0",
        "signup_deadline": "",
        "audience": "elderly",
        "description": "请带好手套\r\n和水杯",
    }
    response = client.post(f"/teams/{world.team.id}/activities/new", data=typed)
    assert response.status_code == 422
    assert "<html" in text(response)
    form = read_form(text(response))
    assert form.messages["title"] == "请填写活动名称"
    assert form.messages["ends_at"] == "结束时间要晚于开始时间"
    assert form.messages["capacity"] == "名额需要在1到100000之间"
    assert form.messages["place"] == "" and form.messages["starts_at"] == ""
    assert form.invalid["title"] == "true" and form.invalid["place"] == "false"
    for name in ("place", "starts_at", "ends_at", "capacity", "audience", "description"):
        assert form.values[name] == typed[name], name
    assert "请按红字提示修改后再提交" in text(response)
    assert row_count(Activity) == 1  # only the fixture's


# --- login throttling across worker processes ---------------------------------------------------

def test_login_limit_is_shared_by_separate_workers(app, world, _migrated):
    """Two app instances = two engines and pools, like two gunicorn workers."""
    workers = [make_app(_migrated, LOGIN_MAX_FAILURES_PER_PHONE=5) for _ in range(2)]
    try:
        clients = [w.test_client() for w in workers]
        phone = world.resident.phone
        for attempt in range(5):
            response = clients[attempt % 2].post("/login", data={"phone": phone, "password": "wrong-pass-1"})
            assert response.status_code == 422
            assert "手机号或密码不对" in text(response)
        db.session.rollback()  # a fresh snapshot: the failures were committed by the workers
        assert db.session.scalar(select(db.func.count()).select_from(LoginFailure)
                                 .where(LoginFailure.key == f"phone:{phone}")) == 5

        for client in clients:  # the sixth, with the right password, on either worker
            response = client.post("/login", data={"phone": phone, "password": f.PASSWORD})
            assert response.status_code == 429
            assert "尝试次数太多" in text(response)
            assert client.get("/me/activities").status_code == 302  # not logged in
        db.session.rollback()

        # Someone else's phone is not locked out.
        response = clients[1].post("/login", data={"phone": world.neighbour.phone, "password": f.PASSWORD})
        assert response.status_code == 303
    finally:
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()
