"""用验证码设置密码: a person enters the code staff gave them, with their phone and a new password."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for

from ..accounts import codes
from ..accounts.services import TOO_MANY_ATTEMPTS, give_back, login_limits
from ..database import begin_write_transaction, takes_write_lock_itself
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.htmx import render_page
from ..web.signin import sign_in
from . import services
from .blueprint import bp
from .forms import EnterCodeForm


@bp.route("/account/code", methods=["GET", "POST"])
@takes_write_lock_itself
def enter_code():
    """Like login: the code is checked and the new password hashed outside the write lock; a wrong code
    writes only its count; the right one sets the password, logs out every other device, logs in here."""
    form = EnterCodeForm()
    if form.validate_on_submit():
        now, address = utcnow(), request.remote_addr or ""
        db.session.rollback()
        begin_write_transaction()
        attempt = codes.reserve(form.phone.data, address, now, login_limits(current_app.config))
        db.session.commit()  # counted before the code is checked
        if attempt is None:
            result = codes.CodeCheck(form.phone.data, address, TOO_MANY_ATTEMPTS)
        else:
            result = codes.check(form.phone.data, form.code.data, form.password.data, address, now,
                                 current_app.config["SECRET_KEY"])
        db.session.rollback()  # end the read; the slow hashing held no lock
        begin_write_transaction()
        if result.refusal is None:
            try:
                person = services.set_password_with_code(result, form.agree.data, now)
            except Refused as refusal:
                db.session.rollback()
                begin_write_transaction()
                give_back(attempt)
                db.session.commit()
                form[refusal.field].errors.append(refusal.message)
            else:
                # The right code is no guess. Given back after the code's row is taken (consume), in the
                # order every request takes them: giving back first deadlocked two right tries on
                # PostgreSQL (each held its own count rows and waited for the other's).
                give_back(attempt)
                sign_in(person, True, now)
                db.session.commit()
                flash("密码已设置好，您已登录。其他手机上的登录都已退出。")
                return redirect(url_for("activities.mine"), code=303)
        else:
            if result.refusal == codes.WRONG_CODE:
                codes.record_failure(result, now)
                db.session.commit()
            form.code.errors.append(result.refusal)
    status = 429 if TOO_MANY_ATTEMPTS in form.code.errors else 422 if form.is_submitted() else 200
    return render_page("people/enter_code.html", status=status, form=form)
