"""CSRF is on for every state-changing route, for plain forms and for htmx alike.

The routes are not listed by hand: every rule of the URL map that accepts an
unsafe method is exercised, so a new route that forgets CSRF (or is exempted)
makes this module fail.
"""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from shequ_volunteer.accounts.models import LoginSession
from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.messages.models import PhoneCall
from shequ_volunteer.notices.models import Notice
from shequ_volunteer.pairing.models import FollowUp, Household, Pairing, Visit
from shequ_volunteer.teams.models import Membership
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f
from tests.conftest import running_app

from .helpers import HX, csrf_from_body_headers, db_state, session_login, text

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MESSAGE = "页面已过期"
# Routes that certainly exist today: guards against the URL-map walk silently finding nothing.
KNOWN_POST_ENDPOINTS = {
    "accounts.register", "accounts.login", "accounts.logout", "accounts.text_size",
    "activities.signup", "activities.withdraw", "activities.create", "activities.edit",
    "activities.cancel", "activities.restore", "teams.apply", "teams.leave", "teams.decide", "teams.create",
    "teams.edit", "teams.leaders",
    "admin.create_street", "admin.community", "admin.staff", "admin.viewers",
    "people.issue_code", "people.enter_code",
    "me.name", "me.phone", "me.password", "me.close",
    "notices.new_community_notice", "notices.new_team_notice", "notices.new_activity_notice", "notices.withdraw",
    "notices.work_group", "notices.remove_work_group",
    "me.message_settings", "messages.read_all", "activities.call_done", "notices.call_done",
    "imports.upload", "imports.confirm", "pairing.correct_visit", "pairing.delete_visit",
}


@pytest.fixture
def csrf_app(_migrated):
    with running_app(_migrated, WTF_CSRF_ENABLED=True) as app:
        yield app


@pytest.fixture
def world(csrf_app):
    """One of everything a URL converter may need, plus a staff member to act."""
    home = f.community()
    staff = f.staff(home)
    resident = f.user(home, name="李四")
    applicant = f.user(home, name="赵六")
    future_leader = f.user(home, name="钱七")
    team = f.team(home)
    activity = f.activity(team, capacity=10)
    pending = Membership(team_id=team.id, user_id=applicant.id)
    signup = Signup(activity_id=activity.id, user_id=applicant.id)
    db.session.add_all([pending, signup])
    db.session.flush()
    claim = HoursEntry(user_id=applicant.id, team_id=team.id, kind="claim", status="pending", minutes=60,
                       served_on=date(2026, 11, 1), entered_by_id=applicant.id)
    db.session.add(claim)
    household = Household(community_id=home.id, head_name="孙奶奶", building="3", tier="high")
    db.session.add(household)
    db.session.flush()
    pairing = Pairing(household_id=household.id, reason="独居", starts_on=date(2026, 1, 1), created_by_id=staff.id)
    db.session.add(pairing)
    db.session.flush()
    follow_up = FollowUp(community_id=home.id, household_id=household.id, reason="漏水", opened_by_id=staff.id)
    db.session.add(follow_up)
    visit = Visit(household_id=household.id, pairing_id=pairing.id, visitor_id=staff.id, way="home",
                  visited_on=to_local(utcnow()).date(), visited_at=utcnow(), created_at=utcnow())
    db.session.add(visit)
    other_device = LoginSession(user_id=staff.id, token_hash=LoginSession.hash("another phone"), device="另一台手机",
                                created_at=utcnow(), last_seen_at=utcnow())
    db.session.add(other_device)
    notice = Notice(community_id=home.id, audience="community", title="停水通知", body="明天停水",
                    created_by_id=staff.id, created_at=utcnow())
    db.session.add(notice)
    call = PhoneCall(activity_id=activity.id, user_id=resident.id, change="活动已取消", created_at=utcnow())
    db.session.add(call)
    db.session.commit()
    start = to_local(utcnow() + timedelta(days=5)).replace(tzinfo=None, second=0, microsecond=0)
    return SimpleNamespace(
        staff=staff, resident=resident, team=team, activity=activity,
        ids={"activity_id": activity.id, "team_id": team.id, "membership_id": pending.id,
             "community_id": home.id, "signup_id": signup.id, "entry_id": claim.id,
             "household_id": household.id, "pairing_id": pairing.id, "follow_up_id": follow_up.id, "visit_id": visit.id,
             "user_id": resident.id, "device_id": other_device.id, "notice_id": notice.id,
             "call_id": call.id},
        # Valid for every form at once, so an unprotected route would act on it.
        payload={
            "phone": future_leader.phone, "password": f.PASSWORD, "name": "新队伍",
            "kind": "youth", "community_id": str(home.id), "title": "新活动", "place": "活动室",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}",
            "capacity": "5", "audience": "all", "description": "说明", "body": "公告内容",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        },
    )


def unsafe_routes(app, ids: dict) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) for every rule accepting an unsafe method, converters filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & UNSAFE_METHODS):
            choices = []
            for name, converter in rule._converters.items():
                if isinstance(converter, AnyConverter):
                    choices.append([(name, item) for item in sorted(converter.items)])
                elif isinstance(converter, IntegerConverter) and name in ids:
                    choices.append([(name, ids[name])])
                elif name == "token":  # an upload's random name (imports): one of the right shape
                    choices.append([(name, "A" * 24)])
                else:
                    pytest.fail(f"{rule.rule}: teach this test how to fill <{name}> "
                                f"({type(converter).__name__})")
            for values in itertools.product(*choices):
                _, path = rule.build(dict(values))
                found.append((method, path, rule.endpoint))
    return found


def test_the_route_walk_covers_every_known_form(csrf_app, world):
    endpoints = {endpoint for _, _, endpoint in unsafe_routes(csrf_app, world.ids)}
    assert KNOWN_POST_ENDPOINTS <= endpoints
    urls = {url for _, url, _ in unsafe_routes(csrf_app, world.ids)}
    # Both values of each any(...) converter are tried.
    membership_id, team_id = world.ids["membership_id"], world.ids["team_id"]
    assert {f"/teams/memberships/{membership_id}/approve", f"/teams/memberships/{membership_id}/decline",
            f"/teams/{team_id}/leaders/add", f"/teams/{team_id}/leaders/remove",
            f"/people/{world.ids['user_id']}/code/open", f"/people/{world.ids['user_id']}/code/reset"} <= urls


@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_every_unsafe_route_refuses_a_request_without_token(csrf_app, world, headers):
    client = csrf_app.test_client()
    session_login(client, world.staff, f.PASSWORD)
    before = db_state()
    for method, url, _ in unsafe_routes(csrf_app, world.ids):
        response = client.open(url, method=method, data=world.payload, headers=headers)
        assert response.status_code == 400, (method, url, response.status_code)
        assert CSRF_MESSAGE in text(response), (method, url)
        if headers:
            assert "<html" not in text(response), (method, url)  # a fragment, not a page
    assert db_state() == before
    # Still logged in: not even /logout acted.
    assert client.get("/me/activities").status_code == 200


def test_a_token_from_another_session_is_refused(csrf_app, world):
    stranger = csrf_app.test_client()
    foreign_token = csrf_from_body_headers(text(stranger.get("/")))
    client = csrf_app.test_client()
    session_login(client, world.resident, f.PASSWORD)
    url = f"/activities/{world.activity.id}/signup"
    for headers in ({"X-CSRFToken": foreign_token}, {**HX, "X-CSRFToken": foreign_token}):
        response = client.post(url, headers=headers)
        assert response.status_code == 400
        assert CSRF_MESSAGE in text(response)
    response = client.post(url, data={"csrf_token": "not-a-token"})
    assert response.status_code == 400
    assert db.session.query(Signup).filter_by(user_id=world.resident.id).count() == 0


def test_with_the_token_every_unsafe_route_gets_past_csrf(csrf_app, world):
    """The control experiment: the 400s above come from the missing token, nothing else."""
    for method, url, _endpoint in unsafe_routes(csrf_app, world.ids):
        client = csrf_app.test_client()
        session_login(client, world.staff, f.PASSWORD)
        token = csrf_from_body_headers(text(client.get("/")))
        response = client.open(url, method=method, data={**world.payload, "csrf_token": token})
        assert response.status_code != 400 and response.status_code < 500, (method, url, response.status_code)
        assert CSRF_MESSAGE not in text(response), (method, url)


def test_htmx_post_with_token_in_header_is_accepted(csrf_app, world):
    client = csrf_app.test_client()
    session_login(client, world.resident, f.PASSWORD)
    page = client.get(f"/activities/{world.activity.id}")
    token = csrf_from_body_headers(text(page))
    response = client.post(f"/activities/{world.activity.id}/signup",
                           headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert "报名成功" in text(response)
    db.session.rollback()
    assert db.session.query(Signup).filter_by(user_id=world.resident.id, status="confirmed").count() == 1


def test_stale_token_on_htmx_reloads_the_page_for_a_signed_in_person(csrf_app, world):
    """A tab restored with an old token must not fail silently: htmx is told to reload."""
    client = csrf_app.test_client()
    session_login(client, world.resident, f.PASSWORD)
    response = client.post(f"/activities/{world.activity.id}/signup",
                           headers={**HX, "X-CSRFToken": "stale-token"})
    assert response.status_code == 400
    assert response.headers.get("HX-Refresh") == "true"
    plain = client.post(f"/activities/{world.activity.id}/signup", data={"csrf_token": "stale-token"})
    assert "HX-Refresh" not in plain.headers
