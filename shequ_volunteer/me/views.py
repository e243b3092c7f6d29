"""我的资料: the person's own name, phone, password and text size; 我的信息 and its download; 注销.

Every route acts on the signed-in person only (no id in the URL), so no other object is reachable.
"""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user, login_required, logout_user

from ..accounts import devices, profile
from ..accounts.forms import CloseAccountForm, NameForm, PasswordChangeForm, PhoneChangeForm
from ..accounts.models import LoginSession
from ..downloads import attachment
from ..extensions import db
from ..messages import services as messages
from ..messages.forms import MessageSettingsForm
from ..messages.kinds import KINDS, switchable_for
from ..pairing.access import helps_now
from ..refusals import Refused
from ..timeutil import local_today, to_local, utcnow
from ..web.auth import current_actor
from ..web.confirm import confirmed
from ..web.htmx import after_post, answer_refusal, client_redirect, render_page, wants_fragment
from ..web.signin import sign_in
from . import closing
from .my_data import held_about

bp = Blueprint("me", __name__)
PAGE = "me/profile.html"


def _limits() -> dict:
    """The login's limits on wrong passwords hold for the current password asked here too."""
    return {"per_phone": current_app.config["LOGIN_MAX_FAILURES_PER_PHONE"],
            "window_minutes": current_app.config["LOGIN_WINDOW_MINUTES"]}


def _forms(**given) -> dict:
    """Every form of the page, fresh unless given (the one that was posted, with what was typed)."""
    forms = {"name_form": NameForm(formdata=None, name=current_user.name),
             "phone_form": PhoneChangeForm(formdata=None), "password_form": PasswordChangeForm(formdata=None),
             "devices": devices.signed_in(current_user, utcnow()), "this_device_id": current_user.login_session.id,
             "messages_form": _messages_form(), "always_sent": [kind.label for kind in KINDS.values()
                                                                  if not kind.may_switch_off]}
    return {**forms, **given}


def _switches() -> tuple[str, ...]:
    """The switchable kinds that can reach the signed-in person as they are today (kinds.switchable_for)."""
    actor = current_actor()
    return switchable_for(actor.is_staff, bool(actor.leader_team_ids), helps_now(actor.user_id, local_today(utcnow())))


def _messages_form() -> MessageSettingsForm:
    off, shown = messages.switched_off(current_user.id), _switches()
    return MessageSettingsForm(formdata=None, shown=shown, kept_on=[kind for kind in shown if kind not in off])


def _show(block: str, status: int = 200, **given):
    return render_page(PAGE, block, status=status, **_forms(**given))


def _checked(form, render, change):
    """Check the current password, make the change, commit (None); or the refusal by its field, shown by
    `render(status)`. A wrong password is counted, like a wrong login, in a transaction of its own."""
    now, user = utcnow(), current_user._get_current_object()
    try:
        profile.check_password(user, form.current_password.data, now, _limits(), "current_password")
        change(user, now)
    except Refused as refusal:
        wrong = refusal.message == profile.WRONG_PASSWORD
        return answer_refusal(refusal, render, form=form,
                              keep=(lambda: profile.count_wrong_password(user, now)) if wrong else None)
    db.session.commit()
    return None


@bp.get("/me/profile")
@login_required
def page():
    return render_page(PAGE, **_forms())


@bp.post("/me/profile/name")
@login_required
def name():
    form = NameForm()
    if not form.validate_on_submit():
        return _show("name_panel", 422, name_form=form)
    profile.change_name(current_user, form.name.data, utcnow())
    db.session.commit()
    return after_post(url_for(".page"), PAGE, "name_panel", "姓名已改好", **_forms())


@bp.post("/me/profile/phone")
@login_required
def phone():
    form = PhoneChangeForm()
    if not form.validate_on_submit():
        return _show("phone_panel", 422, phone_form=form)
    refused = _checked(form, lambda status, **_: _show("phone_panel", status, phone_form=form),
                       lambda user, now: profile.change_phone(user, form.phone.data, now))
    return refused or after_post(url_for(".page"), PAGE, "phone_panel",
                                 "手机号已改好，以后请用新手机号登录", **_forms())


@bp.post("/me/profile/password")
@login_required
def password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _show("password_panel", 422, password_form=form)
    refused = _checked(form, lambda status, **_: _show("password_panel", status, password_form=form),
                       lambda user, now: profile.change_password(user, form.new_password.data, now))
    if refused:
        return refused
    # Every other device is logged out; this one stays (as a new device), remembered as it was.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    sign_in(current_user._get_current_object(), remembered, utcnow())
    db.session.commit()
    return after_post(url_for(".page"), PAGE, "password_panel",
                      "密码已改好。其他手机和电脑上的登录已退出，需要用新密码重新登录", **_forms())


@bp.get("/me/data")
@login_required
def data():
    return render_page("me/my_data.html", held=held_about(current_user, utcnow()))


@bp.get("/me/data/download")
@login_required
def download():
    now = utcnow()
    body = json.dumps(held_about(current_user, now), ensure_ascii=False, indent=2)
    response = make_response(body.encode("utf-8"))
    response.mimetype = "application/json"
    response.charset = "utf-8"
    day = f"{to_local(now):%Y-%m-%d}"
    response.headers["Content-Disposition"] = attachment(f"我的信息-{day}.json", f"my-data-{day}.json")
    response.headers["Cache-Control"] = "no-store"  # personal data: no copy in a shared cache
    return response


def _close_page(form: CloseAccountForm, status: int = 200, **extra):
    return render_page("me/close.html", "close_panel", status=status, form=form, **extra)


@bp.post("/me/close")
@login_required
def close():
    """First POST: what closing means and the password to confirm it; the second (confirmed=1) closes."""
    refusal = closing.close_refusal(current_user)
    if refusal:
        return _close_page(CloseAccountForm(formdata=None), 409, message=refusal, message_error=True)
    if not confirmed():
        return _close_page(CloseAccountForm(formdata=None))
    form = CloseAccountForm()
    if not form.validate_on_submit():
        return _close_page(form, 422)
    refused = _checked(form, lambda status, **more: _close_page(form, status, **more), closing.close_account)
    if refused:
        return refused
    logout_user()
    done = url_for(".closed")
    return client_redirect(done) if wants_fragment() else redirect(done, code=303)


@bp.get("/account-closed")
def closed():
    """Said once, to someone no longer logged in."""
    return render_page("me/closed.html")


@bp.post("/me/devices/<int:device_id>/end")
@login_required
def end_device(device_id: int):
    """Sign one of one's own other devices out (a lost phone, a borrowed one); this device uses 退出登录."""
    device = db.session.get(LoginSession, device_id)
    if device is None or device.user_id != current_user.id or device.ended_at is not None:
        abort(404)
    if device.id == current_user.login_session.id:
        return _show("devices_panel", 409, message="这是您正在用的设备，请用页面下方的“退出登录”", message_error=True)
    devices.end_device(device, utcnow())
    db.session.commit()
    return after_post(url_for(".page"), PAGE, "devices_panel", f"已让“{device.device}”退出登录", **_forms())


@bp.post("/me/profile/messages")
@login_required
def message_settings():
    """Which kinds of message reach the person (those about their own places always do)."""
    shown = _switches()
    form = MessageSettingsForm(shown=shown)
    if not form.validate_on_submit():
        return _show("messages_panel", 422, messages_form=form)
    messages.keep_only(current_user.id, form.kept_on.data or [], shown)
    db.session.commit()
    return after_post(url_for(".page"), PAGE, "messages_panel", "消息设置已保存", **_forms())
