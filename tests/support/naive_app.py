"""The real app plus one deliberately naive sign-up route, for the race test only.

The naive route checks the count and then inserts, in separate transactions, the
way code does when it trusts a Python-side check. The race test must catch it
overbooking; that is what proves the test can fail.
"""
from __future__ import annotations

import time

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from shequ_volunteer import create_app
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow

naive = Blueprint("naive", __name__)


@naive.post("/naive/activities/<int:activity_id>/signup")
@login_required
def naive_signup(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    taken = db.session.scalar(
        select(func.count()).select_from(Signup).where(
            Signup.activity_id == activity_id, Signup.status == SIGNUP_CONFIRMED
        )
    )
    if activity.capacity is not None and taken >= activity.capacity:
        return "已满", 409
    user_id = current_user.id
    db.session.commit()  # the check and the write are separate transactions
    time.sleep(0.02)  # the gap real work (validation, a notification) leaves between them
    now = utcnow()
    db.session.add(Signup(activity_id=activity_id, user_id=user_id, created_at=now, updated_at=now))
    db.session.commit()
    return redirect(url_for("activities.detail", activity_id=activity_id), code=303)


app = create_app()
app.register_blueprint(naive)
