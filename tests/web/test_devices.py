"""Sessions that really end: every login is a signed-in device on the server. Logging out ends it (a copied
cookie signs nobody in afterwards), a remember-me cookie is spent when used, and 我的资料 lists the person's
devices and signs any other one out."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import LoginSession
from shequ_volunteer.extensions import db
from tests import factories as f

from .helpers import HX, text

ANDROID_WECHAT = ("Mozilla/5.0 (Linux; Android 12; V2134A) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/86.0 Mobile Safari/537.36 MicroMessenger/8.0.40")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture
def person(app):
    return f.user(f.community(), "王秀英")


def signed_in(app, person, user_agent: str = IPHONE, remember: bool = True):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    data = {"phone": person.phone, "password": f.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 303
    db.session.commit()  # see what the login wrote (as factories.login does)
    return client


def cookie(app, client, name: str) -> str:
    found = client.get_cookie(name, domain=app.config["SERVER_NAME"])
    assert found is not None, name
    return found.value


def with_cookie(app, name: str, value: str):
    """A new browser holding only a copy of one cookie."""
    client = app.test_client()
    client.set_cookie(name, value, domain=app.config["SERVER_NAME"])
    return client


def in_(client) -> bool:
    return client.get("/me/activities").status_code == 200


def test_copied_cookies_stop_working_at_logout(app, person):
    original = signed_in(app, person)
    session_copy = with_cookie(app, "session", cookie(app, original, "session"))
    remember_copy = with_cookie(app, "remember_token", cookie(app, original, "remember_token"))
    assert in_(original) and in_(session_copy)

    assert original.post("/logout").status_code == 303
    assert not in_(original)
    assert not in_(session_copy)
    assert not in_(remember_copy)
    db.session.rollback()
    assert db.session.scalar(select(LoginSession.ended_at)) is not None


def test_a_remember_me_cookie_is_spent_when_used_and_only_its_hash_is_kept(app, person):
    original = signed_in(app, person)
    old = cookie(app, original, "remember_token")
    secret = old.split("|")[0].rsplit(".", 1)[1]
    db.session.rollback()
    assert secret not in {row.token_hash for row in db.session.scalars(select(LoginSession))}

    came_back = with_cookie(app, "remember_token", old)  # the browser was closed: only the long cookie left
    assert in_(came_back)
    new = cookie(app, came_back, "remember_token")
    assert new != old
    assert not in_(with_cookie(app, "remember_token", old))  # a copy of the spent cookie opens nothing
    assert in_(with_cookie(app, "remember_token", new))


def test_the_profile_lists_signed_in_devices_and_signs_another_one_out(app, person):
    phone = signed_in(app, person, ANDROID_WECHAT)
    computer = signed_in(app, person, IPHONE)
    page = text(phone.get("/me/profile"))
    assert "安卓手机 · 微信" in page and "iPhone · Safari" in page and "本机" in page

    db.session.rollback()
    other = db.session.scalar(select(LoginSession).where(LoginSession.device == "iPhone · Safari"))
    mine = db.session.scalar(select(LoginSession).where(LoginSession.device == "安卓手机 · 微信"))
    answer = phone.post(f"/me/devices/{other.id}/end", headers=HX)
    assert answer.status_code == 200 and "已让“iPhone · Safari”退出登录" in text(answer)
    assert not in_(computer) and in_(phone)
    assert "iPhone · Safari" not in text(phone.get("/me/profile"))

    this_one = phone.post(f"/me/devices/{mine.id}/end")
    assert this_one.status_code == 409 and in_(phone)


def test_nobody_ends_another_persons_device(app, person):
    theirs = signed_in(app, person)
    stranger = f.logged_in(app, f.user(f.community("光明社区"), "外人"))
    db.session.rollback()
    device = db.session.scalar(select(LoginSession).where(LoginSession.user_id == person.id))
    assert stranger.post(f"/me/devices/{device.id}/end").status_code == 404
    assert stranger.post("/me/devices/999999/end").status_code == 404
    assert in_(theirs)


def test_a_password_change_ends_every_other_device_and_the_list_shows_only_this_one(app, person):
    phone = signed_in(app, person, ANDROID_WECHAT)
    other = signed_in(app, person, IPHONE)
    changed = phone.post("/me/profile/password", data={"current_password": f.PASSWORD,
                                                       "new_password": "another-pass-9",
                                                       "new_password_again": "another-pass-9"})
    assert changed.status_code == 303
    assert in_(phone) and not in_(other)
    page = text(phone.get("/me/profile"))
    assert "安卓手机 · 微信" in page and "iPhone · Safari" not in page
