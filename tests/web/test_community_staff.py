"""Staff of a community appoint and remove its other staff (/community/staff), as the administrator does."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.audit.models import STAFF_APPOINTED, STAFF_REMOVED, AuditEntry
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.web.helpers import HX, db_state, read_form, text


@pytest.fixture
def w(app):
    home = f.community()
    elsewhere = f.community("光明社区")
    return {"home": home, "staff": f.staff(home, "王芳"), "colleague": f.staff(home, "刘社工"),
            "resident": f.user(home, "陈新来"), "outsider": f.user(elsewhere, "外社区居民"),
            "staff_elsewhere": f.staff(elsewhere, "外社区社工")}


def role_of(person) -> str:
    db.session.rollback()
    return db.session.get(User, person.id).role


def kinds() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.kind).order_by(AuditEntry.id)))


def test_staff_appoint_a_resident_and_remove_a_colleague_after_confirming(app, w):
    client = f.logged_in(app, w["staff"], through_form=False)
    page = text(client.get("/community/staff"))
    assert "王芳" in page and "刘社工" in page and w["colleague"].phone not in page  # masked phones

    assert client.post("/community/staff/add", data={"phone": w["resident"].phone}).status_code == 303
    assert role_of(w["resident"]) == "staff"

    asked = client.post("/community/staff/remove", data={"phone": w["colleague"].phone})
    assert asked.status_code == 200 and "免去刘社工的社区工作人员？" in text(asked)
    assert role_of(w["colleague"]) == "staff"
    done = client.post("/community/staff/remove", data={"phone": w["colleague"].phone, "confirmed": "1"})
    assert done.status_code == 303 and role_of(w["colleague"]) == "resident"
    assert kinds() == [STAFF_APPOINTED, STAFF_REMOVED]
    row = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
    assert (row.actor_id, row.target_id, row.community_id) == (w["staff"].id, w["resident"].id, w["home"].id)


@pytest.mark.parametrize("change, who, message", [
    ("remove", "staff", "不能改变自己的身份"),
    ("add", "outsider", "没有用这个手机号注册的居民"),
    ("add", "colleague", "已经是"),
])
def test_refusals_are_by_the_phone_field_and_change_nothing(app, w, change, who, message):
    client = f.logged_in(app, w["staff"], through_form=False)
    before = db_state()
    response = client.post(f"/community/staff/{change}", data={"phone": w[who].phone, "confirmed": "1"}, headers=HX)
    assert response.status_code == 422
    assert message in read_form(text(response)).messages.get("phone", "")
    assert db_state() == before


@pytest.mark.parametrize("typed", ["", "1380013800", "x" * 10_000, "138\x0012345678"])
def test_a_bad_phone_is_refused_by_the_field(app, w, typed):
    client = f.logged_in(app, w["staff"], through_form=False)
    before = db_state()
    response = client.post("/community/staff/add", data={"phone": typed})
    assert response.status_code == 422 and read_form(text(response)).messages.get("phone")
    assert db_state() == before


@pytest.mark.parametrize("who", ["resident", "staff_elsewhere_acting_here"])
def test_only_the_communitys_own_staff_may(app, w, who):
    person = w["resident"] if who == "resident" else w["staff_elsewhere"]
    client = f.logged_in(app, person, through_form=False)
    before = db_state()
    if who == "resident":
        assert client.get("/community/staff").status_code == 403
        assert client.post("/community/staff/add", data={"phone": w["resident"].phone}).status_code == 403
    else:
        # Their own page is their own community: a phone of this community is nobody there.
        response = client.post("/community/staff/add", data={"phone": w["resident"].phone})
        assert response.status_code == 422
    assert db_state() == before


def test_anonymous_is_sent_to_login(app, w):
    response = app.test_client().get("/community/staff")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
