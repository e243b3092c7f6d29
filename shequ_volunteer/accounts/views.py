"""Register, log in, log out, and the larger-text switch."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, url_for
from sqlalchemy import select

from ..communities.models import Community
from ..database import begin_write_transaction, takes_write_lock_itself
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.forms import choices
from ..web.htmx import answer_refusal, render_page
from ..web.signin import sign_in, sign_out
from . import privacy, services
from .forms import LoginForm, RegisterForm

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow local paths after login, never another site (nor a header-breaking line feed)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable()):
        return target
    return url_for("activities.index")


def _community_choices() -> list:
    return choices((c.id, c.name) for c in db.session.scalars(select(Community).order_by(Community.id)))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """One short form: phone, name, password (and the community where there are several)."""
    form = RegisterForm()
    form.community_id.choices = _community_choices()
    if len(form.community_id.choices) == 1 and not form.community_id.raw_data:
        form.community_id.data = form.community_id.choices[0].value
        form.community_id.raw_data = [str(form.community_id.data)]
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = services.register(form.phone.data, form.name.data, form.password.data, form.community_id.data, now)
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: render_page("accounts/register.html", status=status,
                                                                       form=form), form=form)
        privacy.record_agreement(user, now)
        sign_in(user, True, now)
        db.session.commit()
        flash(f"欢迎您，{user.name}！注册成功。")
        return redirect(_safe_next(request.args.get("next")), code=303)
    status = 422 if form.is_submitted() else 200
    return render_page("accounts/register.html", status=status, form=form)


@bp.route("/login", methods=["GET", "POST"])
@takes_write_lock_itself
def login():
    form = LoginForm()
    refusal = None
    if form.validate_on_submit():
        limits = services.login_limits(current_app.config)
        now, address = utcnow(), request.remote_addr or ""
        db.session.rollback()  # nothing read so far may become a stale snapshot for the write
        begin_write_transaction()
        attempt = services.reserve_attempt(form.phone.data, address, now, limits)
        db.session.commit()  # counted before the password is checked
        if attempt is None:
            refusal = services.TOO_MANY_ATTEMPTS
        else:
            check = services.check_login(form.phone.data, form.password.data)
            db.session.rollback()  # end the read; the slow password check held no lock
            begin_write_transaction()
            user = services.record_login(attempt, check, now, limits)
            if user is not None:
                sign_in(user, form.remember.data, now)
            db.session.commit()
            if user is not None:
                return redirect(_safe_next(request.args.get("next")), code=303)
            refusal = check.refusal
    status = 422 if form.is_submitted() else 200
    if refusal == services.TOO_MANY_ATTEMPTS:
        status = 429
    return render_page("accounts/login.html", status=status, form=form, refusal=refusal)


@bp.post("/logout")
def logout():
    """Ends this device on the server: a copy of its cookies signs nobody in afterwards."""
    sign_out(utcnow())
    db.session.commit()
    flash("您已退出登录。")
    return redirect(url_for("activities.index"), code=303)


@bp.post("/prefs/text-size")
@takes_write_lock_itself  # writes nothing to the database
def text_size():
    """The larger-text switch (适老化): a cookie, so it works without an account."""
    big = request.cookies.get("text_size") != "big"
    referrer = urlsplit(request.referrer or "")
    back = _safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    response = redirect(back, code=303)
    response.set_cookie("text_size", "big" if big else "normal", max_age=3600 * 24 * 365,
                        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
