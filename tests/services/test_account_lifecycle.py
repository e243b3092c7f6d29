"""停用 / 恢复: a stopped account loses access at its next request, leaves rosters and searches, gives up its
future places (the waiting list moves) and keeps its past; reactivation lets the person back in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import User
from shequ_volunteer.accounts.services import ACCOUNT_STOPPED
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, SIGNUP_WAITING, SIGNUP_WITHDRAWN, Signup
from shequ_volunteer.activities.queries import find_residents
from shequ_volunteer.audit.models import ACCOUNT_DEACTIVATED, ACCOUNT_REACTIVATED, AuditEntry
from shequ_volunteer.calendar import tokens
from shequ_volunteer.calendar.models import KIND_PERSONAL
from shequ_volunteer.extensions import db
from shequ_volunteer.people import lifecycle
from shequ_volunteer.refusals import Refused
from shequ_volunteer.teams import queries as team_queries
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.web.helpers import text


@pytest.fixture
def w(app):
    home, elsewhere = f.community(), f.community("光明社区")
    team = f.team(home)
    staff, person, waiting = f.staff(home), f.user(home, "孙阿姨"), f.user(home, "周大爷")
    f.member(team, person)
    full = f.activity(team, title="重阳节包饺子", capacity=1)
    past = f.activity(team, title="上周的义诊", starts_in=timedelta(days=-7))
    f.signup(full, person)
    f.signup(full, waiting, status=SIGNUP_WAITING)
    f.signup(past, person)
    return {"home": home, "team": team, "staff": staff, "person": person, "waiting": waiting, "full": full,
            "past": past, "outsider": f.staff(elsewhere, "外社区")}


def status_of(activity, person) -> str:
    return db.session.scalar(select(Signup.status).where(Signup.activity_id == activity.id,
                                                         Signup.user_id == person.id))


def audit_kinds() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.kind).order_by(AuditEntry.id)))


def test_a_stopped_person_loses_their_session_and_remembered_login_at_the_next_request(app, w):
    remembered = app.test_client()
    remembered.post("/login", data={"phone": w["person"].phone, "password": f.PASSWORD, "remember": "y"})
    assert remembered.get("/me/activities").status_code == 200
    host = app.config["SERVER_NAME"]
    cookie = remembered.get_cookie("remember_token", domain=host)
    assert cookie is not None
    only_remember = app.test_client()  # a copied remember-me cookie alone, as from a phone left behind
    only_remember.set_cookie("remember_token", cookie.value, domain=host)
    assert only_remember.get("/me/activities").status_code == 200

    db.session.rollback()  # a fresh transaction: the logins have written since this session last read
    lifecycle.deactivate(actor_for(w["staff"]), w["person"], "moved", utcnow())
    db.session.commit()

    for client in (remembered, only_remember):
        response = client.get("/me/activities")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    refused = app.test_client().post("/login", data={"phone": w["person"].phone, "password": f.PASSWORD})
    assert refused.status_code == 422 and ACCOUNT_STOPPED in text(refused)
    wrong = app.test_client().post("/login", data={"phone": w["person"].phone, "password": "not-the-password"})
    assert ACCOUNT_STOPPED not in text(wrong)  # the state is told only to someone who knows the password


def test_a_stopped_person_gives_up_future_places_keeps_the_past_and_leaves_rosters_and_searches(app, w):
    secret = tokens.issue(w["person"].id, KIND_PERSONAL, utcnow())
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/calendar/me/{secret}.ics").status_code == 200

    given_up = lifecycle.deactivate(actor_for(w["staff"]), w["person"], "deceased", utcnow())
    db.session.commit()

    assert given_up == [w["full"].id]
    assert status_of(w["full"], w["person"]) == SIGNUP_WITHDRAWN
    assert status_of(w["full"], w["waiting"]) == SIGNUP_CONFIRMED  # the queue moved
    assert status_of(w["past"], w["person"]) == SIGNUP_CONFIRMED  # the past is the community's record
    assert client.get(f"/calendar/me/{secret}.ics").status_code == 404
    assert w["person"].id not in [person.id for _, person in team_queries.roster(w["team"].id)]
    assert find_residents(w["home"].id, "孙阿姨") == []
    assert find_residents(w["home"].id, w["person"].phone[-4:]) == []
    assert audit_kinds() == [ACCOUNT_DEACTIVATED]
    row = db.session.scalar(select(AuditEntry))
    assert (row.actor_id, row.target_id, row.community_id) == (w["staff"].id, w["person"].id, w["home"].id)
    assert "已故" in row.summary and "孙阿姨" not in row.summary

    lifecycle.reactivate(actor_for(w["staff"]), w["person"], utcnow())
    db.session.commit()
    assert client.get(f"/calendar/me/{secret}.ics").status_code == 200
    assert f.logged_in(app, w["person"]).get("/me/activities").status_code == 200
    assert [person.name for person in find_residents(w["home"].id, "孙阿姨")] == ["孙阿姨"]
    assert status_of(w["full"], w["person"]) == SIGNUP_WITHDRAWN  # places given up are not taken back
    assert audit_kinds() == [ACCOUNT_DEACTIVATED, ACCOUNT_REACTIVATED]


@pytest.mark.parametrize("who, target, message", [
    ("outsider", "person", "只能管理本社区居民的账号"),
    ("staff", "staff", "不能停用自己的账号"),
])
def test_refusals_change_nothing_and_record_nothing(app, w, who, target, message):
    with pytest.raises(Refused) as refused:
        lifecycle.deactivate(actor_for(w[who]), w[target], "other", utcnow())
    assert refused.value.message == message
    db.session.rollback()
    assert db.session.get(User, w[target].id).deactivated_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_stopping_twice_or_reactivating_an_active_account_is_refused(app, w):
    lifecycle.deactivate(actor_for(w["staff"]), w["person"], "misuse", utcnow())
    db.session.commit()
    with pytest.raises(Refused, match="已经停用"):
        lifecycle.deactivate(actor_for(w["staff"]), w["person"], "misuse", utcnow())
    with pytest.raises(Refused, match="没有停用"):
        lifecycle.reactivate(actor_for(w["staff"]), w["waiting"], utcnow())
    db.session.rollback()
    assert audit_kinds() == [ACCOUNT_DEACTIVATED]
